"""The explorer in a real browser (Debian's headless Chromium through Selenium).

One uvicorn server on 127.0.0.1 serves the session build; a second one serves a tiny build whose labels
are markup. Every page and view must load with no console error and no request to another host;
standalone files from `exportgraph render` must too (file:// URLs).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from exportgraph.api.state import GraphState
from exportgraph.graph.build import Build, build
from exportgraph.graph.store import EmbeddedStore
from exportgraph.settings import Settings

from .conftest import ARTIFACTS
from .servers import Server

pytestmark = pytest.mark.browser
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402 - after the importorskip
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
MARKUP = "<img src=x onerror=alert(1)>"
MARKUP_DATA = """
sources:
  - id: src/t/doc
    title: {en: "A test document </script><script>alert(3)</script>"}
    url: https://example.org/doc
    issued: 2024-01-02
    kind: primary
records:
  - id: cn
    type: Jurisdiction
    source: src/t/doc
    eg:isoCode: CN
    skos:prefLabel: {en: "<img src=x onerror=alert(1)>"}
  - id: regime/nsg
    type: Regime
    source: src/t/doc
    skos:prefLabel: "</script><script>alert(2)</script><b>bold</b>"
  - id: membership/cn/nsg
    type: RegimeMembership
    source: src/t/doc
    org:member: cn
    org:organization: regime/nsg
    eg:membershipStatus: participant
    eg:validFrom: 2004-06-10
"""
VIEWS = ["/views/neighbourhood/cn", "/views/neighbourhood/regime/nsg?depth=2", "/views/regimes",
         "/views/compare?jurisdictions=cn,us,eu,jp&as_of=2023-12-31", "/views/crosswalk/us/list/ccl/2026-07-23/3B001",
         "/views/case/case/cn-gallium-germanium", "/views/path?from=case/cn-graphite&to=jp"]
PAGES = ["/", "/compare", "/compare?as_of=2023-12-31&jurisdictions=cn,us", "/cases", "/cases/case/cn-graphite",
         "/id/cn", "/id/us/list/ccl/2026-07-23/3B001", "/sparql-ui"]


@pytest.fixture(scope="module")
def server(settings: Settings, built: Build, store: EmbeddedStore) -> Iterator[Server]:
    with Server(settings.with_(query_workers=1), GraphState(settings, built, store)) as s:
        yield s


@pytest.fixture(scope="module")
def markup_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("markup-data")
    (data / "a.yaml").write_text(MARKUP_DATA, encoding="utf-8")
    out = tmp_path_factory.mktemp("markup-build")
    build(data, out)
    with Server(Settings(data_dir=data, build_dir=out, query_workers=1)) as s:
        yield s


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if not (shutil.which("chromium") or Path(CHROMIUM).exists()) or not Path(CHROMEDRIVER).exists():
        pytest.fail("Debian's chromium and chromium-driver are needed: apt-get install -y chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="eg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,900", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    d = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    d.set_page_load_timeout(60)
    try:
        yield d
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


def drain(driver: Any) -> None:
    driver.get_log("performance")
    driver.get_log("browser")


def requests_seen(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def outside(urls: list[str]) -> list[str]:
    """Requests that left the machine: anything but 127.0.0.1, file:, data: and about:."""
    bad = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "about", "blob", "file"):
            continue
        if parts.hostname != "127.0.0.1":
            bad.append(url)
    return bad


def console_errors(driver: Any, allow: tuple[str, ...] = ()) -> list[str]:
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and not any(a in e["message"] for a in allow)]


def shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() else "-" for c in name).strip("-")[:80]
    driver.save_screenshot(str(ARTIFACTS / f"{safe}.png"))


def open_clean(driver: Any, url: str, view: bool, allow: tuple[str, ...] = ()) -> None:
    """Load a URL; wait for the graph to draw if it is a view; no console error, no outside request."""
    drain(driver)
    driver.get(url)
    if view:
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return !!(window.egView && egView.ready)"))
    time.sleep(0.2)
    errors = console_errors(driver, allow)
    assert errors == [], f"{url}: console errors {errors}"
    urls = requests_seen(driver)
    assert outside(urls) == [], f"{url}: requests to other hosts {outside(urls)}"
    shot(driver, urlsplit(url).path + (urlsplit(url).query or "") if url.startswith("http") else Path(url).name)


@pytest.mark.parametrize("path", VIEWS)
def test_view_loads_with_legend(driver: Any, server: Server, path: str) -> None:
    open_clean(driver, server.base + path, view=True)
    legend = driver.find_element(By.ID, "legend").text
    assert "Legend" in legend and "(" in legend
    assert driver.execute_script("return egView.nodes.length") > 1


@pytest.mark.parametrize("path", PAGES)
def test_page_loads(driver: Any, server: Server, path: str) -> None:
    open_clean(driver, server.base + path, view=False)
    assert driver.find_element(By.TAG_NAME, "h1").text


def test_home_shows_counts_and_data_date(driver: Any, server: Server, built: Build) -> None:
    open_clean(driver, server.base + "/", view=False)
    assert driver.find_element(By.ID, "data-as-of").text == built.manifest["data_as_of"]
    assert "China" in driver.find_element(By.ID, "jurisdictions").text
    assert "Gallium" in driver.find_element(By.ID, "cases").text or "gallium" in driver.page_source


def test_compare_heat_map_has_coloured_cells_with_evidence(driver: Any, server: Server) -> None:
    open_clean(driver, server.base + "/compare?as_of=2023-12-31&jurisdictions=cn,us,eu,jp", view=False)
    cells = driver.find_elements(By.CSS_SELECTOR, "#heatmap td.cell a[href^='/id/']")
    assert len(cells) > 20
    assert driver.find_elements(By.CSS_SELECTOR, "#heatmap td.verdict")


def test_bad_ids_give_html_errors(driver: Any, server: Server) -> None:
    for path, status in [("/views/neighbourhood/no/such/thing", 404), ("/views/neighbourhood/cn?depth=7", 400),
                         ("/views/path?from=cn", 400), ("/id/no/such/thing", 404), ("/cases/case/nope", 404)]:
        r = httpx.get(server.base + path, headers={"Accept": "text/html"})
        assert r.status_code == status, path
        assert r.headers["content-type"].startswith("text/html") and "Traceback" not in r.text
        open_clean(driver, server.base + path, view=False, allow=("status of 4",))
        assert driver.find_element(By.ID, "error-message").text


def test_search_highlights_a_node(driver: Any, server: Server) -> None:
    open_clean(driver, server.base + "/views/regimes", view=True)
    box = driver.find_element(By.ID, "search")
    box.send_keys("Nuclear")
    WebDriverWait(driver, 5).until(lambda d: int(d.find_element(By.TAG_NAME, "body").get_attribute("data-matches")
                                                 or 0) >= 1)
    colour = driver.execute_script("return egView.nodes.get(egView.matches[0]).color.background")
    assert colour == "#ffd400"
    assert "match" in driver.find_element(By.ID, "search-count").text
    shot(driver, "search-highlight")


def test_clicking_a_node_opens_its_page(driver: Any, server: Server) -> None:
    open_clean(driver, server.base + "/views/regimes", view=True)
    target = "https://w3id.org/exportgraph/id/regime/nsg"
    x, y = driver.execute_script(
        "var p = egView.network.canvasToDOM(egView.network.getPosition(arguments[0])); return [p.x, p.y];", target)
    canvas = driver.find_element(By.ID, "network")
    size = canvas.size
    ActionChains(driver).move_to_element_with_offset(canvas, int(x - size["width"] / 2),
                                                     int(y - size["height"] / 2)).click().perform()
    WebDriverWait(driver, 10).until(lambda d: "/id/regime/nsg" in d.current_url)
    assert "Nuclear Suppliers Group" in driver.find_element(By.TAG_NAME, "h1").text


def test_cap_message_is_visible(driver: Any, settings: Settings, built: Build, store: EmbeddedStore) -> None:
    with Server(settings.with_(max_view_nodes=40, query_workers=1), GraphState(settings, built, store)) as small:
        open_clean(driver, small.base + "/views/neighbourhood/cn?depth=2", view=True)
        message = driver.find_element(By.ID, "cap-message")
        assert message.is_displayed() and "40 nodes" in message.text
        # groups ("49 legal instruments") stand for resources and are not counted against the cap
        assert driver.execute_script("return egView.nodes.get({filter: function (n) { return !n.head; }}).length") <= 40


def test_sparql_page_runs_an_example(driver: Any, server: Server) -> None:
    open_clean(driver, server.base + "/sparql-ui", view=False)
    driver.find_element(By.CSS_SELECTOR, "button.example[data-index='1']").click()
    WebDriverWait(driver, 60).until(lambda d: "row(s)" in d.find_element(By.ID, "status").text
                                    or "error" in d.find_element(By.ID, "status").text)
    assert "row(s)" in driver.find_element(By.ID, "status").text
    assert "participant" in driver.find_element(By.ID, "results").text
    assert console_errors(driver) == [] and outside(requests_seen(driver)) == []


def test_sparql_permalink_runs_and_links_resources(driver: Any, server: Server) -> None:
    from urllib.parse import quote

    from exportgraph.api.sparql_examples import EXAMPLES

    open_clean(driver, server.base + "/sparql-ui?query=" + quote(EXAMPLES[1][1]), view=False)
    WebDriverWait(driver, 60).until(lambda d: "row(s)" in d.find_element(By.ID, "status").text
                                    or "error" in d.find_element(By.ID, "status").text)
    links = driver.find_elements(By.CSS_SELECTOR, "#results a[href='/id/regime/nsg']")
    assert links and links[0].text == "Nuclear Suppliers Group"
    assert "query=" in driver.find_element(By.ID, "permalink").get_attribute("href")


def test_rendered_files_are_standalone(driver: Any, store: EmbeddedStore, settings: Settings,
                                       tmp_path: Path) -> None:
    from exportgraph.cli import main
    from exportgraph.explorer import views as V
    from exportgraph.explorer.render import render

    out = tmp_path / "regimes.html"
    assert main(["render", "regimes", "--build-dir", str(settings.build_dir), "--output", str(out)]) == 0
    files = [out]
    for name, view in [("neighbourhood", V.neighbourhood(store, "cn", 2)), ("path", V.path(store, "cn", "jp")),
                       ("compare", V.comparison(store, ["cn", "us", "eu", "jp"])),
                       ("crosswalk", V.crosswalk(store, "us/list/ccl/2026-07-23/3B001")),
                       ("case", V.case(store, "case/cn-antimony"))]:
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(render(view), encoding="utf-8")
    for f in files:
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", f.read_text(encoding="utf-8"))
        open_clean(driver, f.as_uri(), view=True)
        assert driver.find_element(By.ID, "legend").text


def test_markup_in_labels_stays_inert(driver: Any, markup_server: Server) -> None:
    for path, view in [("/", False), ("/id/cn", False), ("/id/regime/nsg", False), ("/views/neighbourhood/cn", True),
                       ("/views/regimes", True), ("/compare?jurisdictions=cn,us", False)]:
        open_clean(driver, markup_server.base + path, view=view, allow=("status of 4",))
        with pytest.raises(NoAlertPresentException):
            _ = driver.switch_to.alert.text
        assert driver.find_elements(By.CSS_SELECTOR, "main img, body > img, b") == []
        assert driver.execute_script("return document.querySelectorAll('script:not([type])').length") <= 3
        if path in ("/", "/id/cn"):
            assert MARKUP in driver.find_element(By.TAG_NAME, "body").text
    urls = requests_seen(driver)
    assert not [u for u in urls if u.endswith("/x")]
    open_clean(driver, markup_server.base + "/views/neighbourhood/cn", view=True)
    labels = driver.execute_script("return egView.nodes.get().map(function (n) { return n.label; })")
    assert MARKUP in labels
