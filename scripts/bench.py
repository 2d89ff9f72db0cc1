"""Benchmarks of the dashboard at 13, 1,000, 10,000 and 100,000 fiches.

Prints one figure per line, ``name value unit``. Run: ``make bench``. Synthetic corpora
are generated in a temporary folder (never in data/); the browser figures use Debian's
Chromium against a real ``streamlit run`` on a free local port.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fiches import paths
from fiches.corpus import load_corpus
from fiches.filters import FilterState, apply_filters
from fiches.map_data import build_dataset, build_view, publish
from fiches.map_folium import base_map, fiche_layer
from fiches.synth import generate

SIZES = (13, 1_000, 10_000, 100_000)
BROWSER_SIZES = (13, 1_000, 10_000)
THEME_FILTERS = ("vivre-ensemble", "budget-participatif", "concertation-locative")


def emit(name: str, value: float, unit: str) -> None:
    print(
        f"{name} {value:.3f} {unit}" if isinstance(value, float) else f"{name} {value} {unit}",
        flush=True,
    )


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def component_bytes(corpus, dataset, ids) -> int:
    """Bytes of the map component's arguments for one rerun (script + layer + html)."""
    from streamlit_folium import _get_feature_group_string, _get_map_string

    m = base_map(corpus.contours)
    m.get_root().render()
    script = _get_map_string(m)
    layer = _get_feature_group_string(fiche_layer(build_view(dataset, corpus, ids).payload), m, 0)
    return len(script.encode()) + len(layer.encode())


def domain_figures(n: int, data_dir: Path) -> None:
    corpus, seconds = timed(load_corpus, data_dir)
    emit(f"load_validate_n{n}", seconds, "s")
    _, seconds = timed(apply_filters, corpus, FilterState(q="concertation"))
    emit(f"search_first_n{n}", seconds, "s")
    times = []
    for theme in THEME_FILTERS:
        _, s = timed(apply_filters, corpus, FilterState(themes=(theme,), q="habitants"))
        times.append(s)
    emit(f"filter_domain_n{n}", statistics.median(times) * 1000, "ms")
    dataset, seconds = timed(build_dataset, corpus)
    emit(f"map_dataset_build_n{n}", seconds, "s")
    emit(f"map_dataset_bytes_n{n}", len(dataset.text.encode()), "B")
    publish(dataset, paths.STATIC)
    ids = corpus.fiches.index
    _, seconds = timed(build_view, dataset, corpus, ids)
    emit(f"map_view_build_n{n}", seconds * 1000, "ms")
    size, seconds = timed(component_bytes, corpus, dataset, ids)
    emit(f"map_build_n{n}", seconds * 1000, "ms")
    emit(f"map_bytes_per_rerun_n{n}", size, "B")


def apptest_figures(n: int, data_dir: Path) -> None:
    """Server time of a rerun after a filter change, measured inside the app."""
    from streamlit.testing.v1 import AppTest

    os.environ["FICHES_DATA_DIR"] = str(data_dir)
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=300)
    at.run()
    emit(f"first_run_n{n}", at.session_state["run_ms"], "ms")
    runs = []
    for theme in THEME_FILTERS:
        at.multiselect(key="f_themes").set_value([theme])
        at.run()
        runs.append(at.session_state["run_ms"])
    emit(f"rerun_filter_change_n{n}", statistics.median(runs), "ms")
    del os.environ["FICHES_DATA_DIR"]


def browser_figures(n: int, data_dir: Path, dataset_url: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import MAP_FRAME, StreamlitServer

    timings = Path(tempfile.mkstemp(prefix="timings-")[1])
    os.environ["FICHES_TIMINGS"] = str(timings)
    server = StreamlitServer(data_dir)
    del os.environ["FICHES_TIMINGS"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            # a first visit warms the server's caches (corpus, map dataset), as any earlier
            # visitor would have; the measured visit is a fresh browser page
            warm = _time_to_markers(browser, server.url + "/", frame=MAP_FRAME)
            emit(f"browser_markers_cold_server_n{n}", warm, "s")
            dashboard = _time_to_markers(browser, server.url + "/", frame=MAP_FRAME)
            plain_path = paths.STATIC / "data" / "plain.html"
            from fiches.map_folium import plain_leaflet_page

            plain_path.write_text(plain_leaflet_page(dataset_url), encoding="utf-8")
            plain = _time_to_markers(
                browser, server.url + "/app/static/data/plain.html", frame=None
            )
            emit(f"browser_markers_dashboard_n{n}", dashboard, "s")
            emit(f"browser_markers_plain_leaflet_n{n}", plain, "s")
            emit(f"browser_markers_ratio_n{n}", dashboard / plain, "x")
            _interactions(browser, server, n, timings)
            browser.close()
        emit(f"server_peak_rss_n{n}", _peak_rss_mb(server.proc.pid), "MB")
    finally:
        server.stop()
        timings.unlink(missing_ok=True)


def _time_to_markers(browser, url: str, *, frame: str | None) -> float:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    start = time.perf_counter()
    page.goto(url)
    root = page.frame_locator(frame) if frame else page
    root.locator(".leaflet-marker-icon").first.wait_for(timeout=120_000)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def _interactions(browser, server, n: int, timings: Path) -> None:
    """Bytes received per rerun, and reruns caused by panning and zooming."""
    from tests.browser.conftest import MAP_FRAME, wait_idle

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    received: list[int] = []
    sent: list[int] = []

    def on_ws(ws):
        ws.on("framereceived", lambda payload: received.append(len(payload)))
        ws.on("framesent", lambda payload: sent.append(len(payload)))

    page.on("websocket", on_ws)
    page.goto(server.url + "/")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-marker-icon").first.wait_for(timeout=120_000)
    wait_idle(page)
    received.clear()
    sent.clear()
    box = page.get_by_role("textbox", name="Recherche libre")
    for query in ("habitants", "concertation"):  # the first search builds the index
        received.clear()
        box.fill(query)
        box.press("Enter")
        wait_idle(page)
    emit(f"browser_bytes_per_filter_rerun_n{n}", sum(received), "B")
    sent.clear()
    map_box = page.locator(f"{MAP_FRAME}").bounding_box()
    x, y = map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 60, steps=8)
    page.mouse.up()
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1500)
    emit(f"reruns_on_pan_zoom_n{n}", len(sent), "messages")
    server_ms = [float(x) for x in timings.read_text().split()]
    if server_ms:
        emit(f"server_rerun_browser_n{n}", server_ms[-1], "ms")
    page.close()


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--browser-sizes", default=",".join(map(str, BROWSER_SIZES)))
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    browser_sizes = {int(x) for x in args.browser_sizes.split(",") if x}
    from fiches.assets import ensure_static_assets

    ensure_static_assets()
    with tempfile.TemporaryDirectory(prefix="fiches-bench-") as tmp:
        for n in sizes:
            data_dir = paths.DATA if n == 13 else generate(n, Path(tmp) / f"n{n}")
            domain_figures(n, data_dir)
            apptest_figures(n, data_dir)
            if n in browser_sizes:
                dataset = build_dataset(load_corpus(data_dir))
                publish(dataset, paths.STATIC)
                browser_figures(n, data_dir, dataset.url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
