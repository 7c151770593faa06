"""Time to interactive of generated graph views in headless Chromium.

For 100, 1,000 and 5,000 nodes: build a random graph with networkx (about 1.5 links a node), lay it out
(exportgraph.explorer.layout), render the standalone page (vis-network inlined, physics off), load it from a
file:// URL and read, in the page, performance.now() at vis-network's first 'afterDrawing' (time from
navigation start). Prints layout and render time in Python, page size and time to interactive.

    python bench/bench_views.py [--sizes 100,1000,5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import networkx as nx

from exportgraph.explorer import layout
from exportgraph.explorer.render import render
from exportgraph.explorer.views import CLASS_STYLE, View

CLASSES = sorted(CLASS_STYLE)


def generated(n: int, seed: int = 7) -> View:
    base = nx.gnm_random_graph(n, int(n * 1.5), seed=seed)
    graph = nx.MultiDiGraph()
    for i in base.nodes:
        graph.add_node(f"n{i}", label=f"node {i}", cls=CLASSES[i % len(CLASSES)], record=f"bench/n{i}",
                       title=f"node {i}\nValid: 2020-01-01 to now\nSources: generated")
    for u, v in base.edges:
        graph.add_edge(f"n{u}", f"n{v}", key="link", label="link", title="link")
    start = time.perf_counter()
    positions = layout.cached("components", graph, layout.components)
    for node, (x, y) in positions.items():
        graph.nodes[node]["x"], graph.nodes[node]["y"] = x, y
    view = View("bench", f"Generated graph of {n} nodes", graph)
    view.subtitle = f"layout {time.perf_counter() - start:.2f} s"
    return view


def driver():  # type: ignore[no-untyped-def]
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,900", f"--user-data-dir={tempfile.mkdtemp()}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=webdriver.ChromeService("/usr/bin/chromedriver"))


def time_to_interactive(d, url: str) -> float:  # type: ignore[no-untyped-def]
    d.get("about:blank")
    d.get(url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready = d.execute_script("return window.egView ? egView.ready : null")
        if ready:
            return float(ready) / 1000
        time.sleep(0.05)
    raise TimeoutError(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-views-"))
    d = driver()
    rows = []
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            start = time.perf_counter()
            view = generated(n)
            built = time.perf_counter() - start
            start = time.perf_counter()
            page = out / f"view-{n}.html"
            page.write_text(render(view), encoding="utf-8")
            rendered = time.perf_counter() - start
            start = time.perf_counter()
            generated(n)  # the same layout again: from the cache
            cached = time.perf_counter() - start
            times = [time_to_interactive(d, page.as_uri()) for _ in range(args.repeat)]
            rows.append((n, view.graph.number_of_edges(), view.subtitle, built, cached, rendered,
                         page.stat().st_size / 1e6, statistics.median(times), max(times)))
    finally:
        d.quit()
    print(f"{'nodes':>6} {'links':>6} {'layout':>14} {'build':>7} {'rebuild':>8} {'render':>7} {'MB':>6} "
          f"{'TTI median':>11} {'TTI max':>8}")
    for n, e, lay, b, c, r, mb, med, mx in rows:
        print(f"{n:>6} {e:>6} {lay:>14} {b:>6.2f}s {c:>7.2f}s {r:>6.2f}s {mb:>6.2f} {med:>10.2f}s {mx:>7.2f}s")


if __name__ == "__main__":
    main()
