"""Graph views and API docs in a real browser: groups that open, keyboard access, readable legend chips,
controls on the page, the graph as tables, readable labels at the default zoom; /docs and /redoc offline.

Uses the browser, the server and the helpers of tests/test_browser.py.
"""

# ruff: noqa: F811 - the browser and server fixtures are imported from test_browser and named as parameters
from __future__ import annotations

import re
from typing import Any

import pytest

from .servers import Server
from .test_browser import driver, open_clean, outside, requests_seen, server, shot  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402 - after the importorskip
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

IRI = "https://w3id.org/exportgraph/id/"
CONTRAST_JS = """
function lum(rgb) {
  var c = rgb.match(/\\d+/g).slice(0, 3).map(function (v) {
    v = v / 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
return Array.prototype.map.call(document.querySelectorAll('#legend .chip'), function (el) {
  var s = getComputedStyle(el), a = lum(s.color), b = lum(s.backgroundColor);
  return [el.textContent, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), s.backgroundColor];
});
"""


def visible(driver: Any) -> int:
    return int(driver.execute_script("return egView.nodes.get({filter: function (n) { return !n.hidden; }}).length"))


def test_depth_two_starts_grouped_and_groups_open_on_click(driver: Any, server: Server) -> None:
    open_clean(driver, server.base + "/views/neighbourhood/cn?depth=2", view=True)
    total = driver.execute_script("return egView.nodes.length")
    before = visible(driver)
    assert before <= 120 < total, (before, total)
    head = "group:cn:LegalInstrument"
    button = driver.find_element(By.CSS_SELECTOR, f"#node-list button[data-id='{head}']")
    assert "legal instruments (group)" in button.text
    driver.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)  # the same toggle as a click on the group in the graph
    WebDriverWait(driver, 10).until(lambda d: visible(d) > before)
    members = driver.execute_script("return egView.nodes.get(arguments[0]).members", head)
    assert visible(driver) >= before + members
    assert "/views/neighbourhood/cn" in driver.current_url  # a group opens in place; it is not a page
    shot(driver, "views-depth2-group-opened")


def test_labels_are_names_and_readable_at_the_default_zoom(driver: Any, server: Server) -> None:
    for path in ["/views/neighbourhood/cn", "/views/neighbourhood/cn?depth=2", "/views/regimes",
                 "/views/case/case/cn-gallium-germanium"]:
        open_clean(driver, server.base + path, view=True)
        labels = driver.execute_script(
            "return egView.nodes.get({filter: function (n) { return !n.hidden; }}).map(function (n) { return n.label; })")
        ids = [label for label in labels if re.fullmatch(r"[a-z0-9-]+(/[A-Za-z0-9._-]+)+", label)]
        assert ids == [], f"{path}: ids as labels {ids[:5]}"
        scale = driver.execute_script("return egView.network.getScale()")
        count = len(labels)
        assert count <= 40 or scale * 16 >= 8.5, f"{path}: {count} nodes drawn at scale {scale}"
    open_clean(driver, server.base + "/views/neighbourhood/cn", view=True)
    labels = driver.execute_script("return egView.nodes.get().map(function (n) { return n.label; })")
    assert "NSG, participant since 2004-06-10" in labels


def test_legend_chips_are_distinct_and_readable(driver: Any, server: Server) -> None:
    open_clean(driver, server.base + "/views/neighbourhood/cn?depth=2", view=True)
    chips = driver.execute_script(CONTRAST_JS)
    assert len(chips) > 10
    low = [(name, round(ratio, 2)) for name, ratio, _ in chips if ratio < 4.5]
    assert low == [], low
    classes = [c for c in chips if c[0] and not re.match(r"^[a-z -]+$", c[0])]  # class chips, not statuses
    backgrounds = [bg for _, _, bg in classes]
    assert len(set(backgrounds)) == len(backgrounds), classes


def test_keyboard_reaches_and_selects_a_node(driver: Any, server: Server) -> None:
    open_clean(driver, server.base + "/views/neighbourhood/cn", view=True)
    buttons = driver.find_elements(By.CSS_SELECTOR, "#node-list button")
    assert len(buttons) == driver.execute_script("return egView.nodes.length")
    target = next(b for b in buttons if b.text.startswith("Ministry of Commerce"))
    driver.execute_script("arguments[0].focus()", target)
    assert driver.switch_to.active_element == target
    target.send_keys(Keys.ENTER)
    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-selected"))
    selected = driver.find_element(By.TAG_NAME, "body").get_attribute("data-selected")
    assert selected == IRI + "cn/agency/mofcom"
    assert driver.execute_script("return egView.network.getSelectedNodes()") == [selected]
    assert driver.execute_script("return egView.nodes.get(arguments[0]).hidden", selected) is False  # its group opened
    assert "Ministry of Commerce" in driver.find_element(By.ID, "selected").text
    assert target.get_attribute("aria-current") == "true"


def test_text_alternative_has_the_same_content(driver: Any, server: Server) -> None:
    open_clean(driver, server.base + "/views/neighbourhood/regime/nsg", view=True)
    rows = driver.find_elements(By.CSS_SELECTOR, "#nodes-table tbody tr")
    resources = driver.execute_script("return egView.nodes.get({filter: function (n) { return !n.head; }}).length")
    assert len(rows) == resources
    links = driver.find_elements(By.CSS_SELECTOR, "#links-table tbody tr")
    assert links and "Nuclear Suppliers Group" in driver.find_element(By.ID, "links-table").text
    assert driver.find_element(By.CSS_SELECTOR, "#nodes-table a[href^='/id/']")


def test_controls_change_the_view(driver: Any, server: Server) -> None:
    open_clean(driver, server.base + "/views/neighbourhood/cn", view=True)
    driver.find_element(By.CSS_SELECTOR, "#ctl-depth option[value='2']").click()
    driver.find_element(By.CSS_SELECTOR, "#ctl-kinds input[value='Agency']").click()
    driver.find_element(By.ID, "ctl-apply").click()
    WebDriverWait(driver, 30).until(lambda d: "depth=2" in d.current_url)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return !!(window.egView && egView.ready)"))
    assert "class=Agency" in driver.current_url
    kinds = driver.execute_script("return egView.nodes.get().filter(function (n) { return !n.root; })"
                                  ".map(function (n) { return n.cls; })")
    assert set(kinds) == {"Agency"}
    open_clean(driver, server.base + "/views/regimes", view=True)
    date = driver.find_element(By.ID, "ctl-as-of")
    driver.execute_script("arguments[0].value = '1995-01-01'", date)
    driver.find_element(By.ID, "ctl-apply").click()
    WebDriverWait(driver, 30).until(lambda d: "as_of=1995-01-01" in d.current_url)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return !!(window.egView && egView.ready)"))
    assert "as of 1995-01-01" in driver.find_element(By.TAG_NAME, "header").text
    shot(driver, "views-regimes-1995")


@pytest.mark.parametrize("path,marker", [("/docs", ".opblock"), ("/redoc", "[data-section-id]")])
def test_api_docs_render_offline(driver: Any, server: Server, path: str, marker: str) -> None:
    open_clean(driver, server.base + path, view=False)
    WebDriverWait(driver, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, marker)) > 5)
    text = driver.find_element(By.TAG_NAME, "body").text
    assert "/sparql" in text and "exportgraph" in text
    assert outside(requests_seen(driver)) == []
    shot(driver, f"docs{path.replace('/', '-')}")
