"""Benchmarks of the dashboard at 13, 1,000, 10,000 and 100,000 fiches, beside its peers.

Prints one figure per line, ``name value unit``. Run: ``make bench`` (``--quick`` while
developing). Synthetic corpora are generated in a temporary folder (never in data/); the
browser figures use Debian's Chromium against real ``streamlit run`` servers on free local
ports: the dashboard, a bare Streamlit page, a vanilla streamlit-folium app with the same
points (``scripts/peers/``) and a plain Leaflet page, each timed from navigation to the
first marker (the title for the bare page). Run it under the browser lock on shared
machines: ``flock /tmp/browser.lock make bench``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from devtools.browser import CHROMIUM_ARGS, MAP_FRAME
from devtools.synth import generate
from fiches import paths
from fiches.corpus import load_corpus
from fiches.filters import FilterState, apply_filters

# The map modules, in one place (their names may change).
from fiches.map_data import build_dataset, build_view, publish
from fiches.map_folium import base_map, fiche_layer
from scripts.peers.plain import plain_leaflet_page

# vanilla streamlit-folium keeps the component's own frame title (ours titles itself)
PEER_MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

SIZES = (13, 1_000, 10_000, 100_000)
BROWSER_SIZES = (13, 10_000)
RERUN_SIZES = (10_000, 100_000)  # every page's rerun; the map's at every size
ROUNDS = 11
QUICK = {
    "sizes": "13,10000",
    "browser_sizes": "13",
    "rerun_sizes": "10000",
    "rounds": 3,
    "contrib_size": 1000,
}
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

    m = base_map()
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


def apptest_figures(n: int, data_dir: Path, pages: list[str]) -> None:
    """Server time of a rerun after a filter change, per page, measured inside the app."""
    from streamlit.testing.v1 import AppTest

    os.environ["FICHES_DATA_DIR"] = str(data_dir)
    try:
        at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=600)
        at.run()
        emit(f"first_run_n{n}", at.session_state["run_ms"], "ms")
        for page in pages:
            at.switch_page(f"pages/{page}.py").run()
            runs = []
            for theme in THEME_FILTERS:
                at.multiselect(key="f_themes").set_value([theme])
                at.session_state["run_ms"] = None
                _, seconds = timed(at.run)
                # a run ended by st.stop() records nothing: AppTest's own time then
                runs.append(at.session_state["run_ms"] or seconds * 1000)
            emit(f"rerun_{page}_n{n}", statistics.median(runs), "ms")
    finally:
        del os.environ["FICHES_DATA_DIR"]


def every_page() -> list[str]:
    """Every page of the app (the map first): each has its own rerun figure."""
    pages = sorted(p.stem for p in (paths.ROOT / "pages").glob("*.py") if p.stem != "__init__")
    return sorted(pages, key=lambda page: page != "carte")


# -- the dashboard beside its peers, in the browser ------------------------------------

VIEWPORT = {"width": 1280, "height": 800}
MARKER = ".leaflet-marker-icon"
CONTENDERS = ("plain_leaflet", "bare_streamlit", "streamlit_folium", "dashboard")


def browser_figures(n: int, data_dir: Path, dataset, rounds: int) -> None:
    """Median ms to the first marker (the title for the bare page) per contender, warm
    servers, a fresh browser context per load, contenders alternating within each round;
    script runs per page load; cold first load of the dashboard; interactions."""
    from playwright.sync_api import sync_playwright

    from scripts.peers import BARE_STREAMLIT, VANILLA_FOLIUM, Server, settled_lines

    work = Path(tempfile.mkdtemp(prefix="fiches-browser-"))
    timings, peer_runs, points = work / "timings", work / "peer-runs", work / "points.json"
    timings.touch()
    peer_runs.touch()
    points.write_text(json.dumps(dataset_points(dataset)), encoding="utf-8")
    (paths.STATIC / "data" / "plain.html").write_text(
        plain_leaflet_page(dataset.url), encoding="utf-8"
    )
    servers: dict[str, Server] = {}
    try:
        servers["dashboard"] = Server(
            paths.ROOT / "app.py",
            {"FICHES_DATA_DIR": str(data_dir), "FICHES_TIMINGS": str(timings)},
        )
        servers["bare_streamlit"] = Server(BARE_STREAMLIT)
        servers["streamlit_folium"] = Server(
            VANILLA_FOLIUM, {"PEER_POINTS": str(points), "PEER_RUNS": str(peer_runs)}
        )
        runs_file = {"dashboard": timings, "streamlit_folium": peer_runs}
        target = {
            "plain_leaflet": (servers["bare_streamlit"].url + "/app/static/data/plain.html", None),
            "bare_streamlit": (servers["bare_streamlit"].url + "/", "h1"),
            "streamlit_folium": (servers["streamlit_folium"].url + "/", PEER_MAP_FRAME),
            "dashboard": (servers["dashboard"].url + "/", MAP_FRAME),
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

            def load(name: str) -> tuple[float, int]:
                """ms to first content, and the script runs that load made (0 if not counted)."""
                url, frame = target[name]
                before = len(runs_file[name].read_text().splitlines()) if name in runs_file else 0
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url, wait_until="commit")
                if frame == "h1":
                    page.locator("h1").first.wait_for(timeout=120_000)
                else:
                    root = page.frame_locator(frame) if frame else page
                    root.locator(MARKER).first.wait_for(timeout=120_000)
                elapsed = (time.perf_counter() - start) * 1000
                runs = 0
                if name in runs_file:  # let the load's runs end before the next contender
                    runs = len(settled_lines(runs_file[name])) - before
                context.close()
                return elapsed, runs

            # the first visit after a server start fills its caches; later visitors find them
            cold, cold_runs = load("dashboard")
            for name in CONTENDERS:
                if name != "dashboard":
                    load(name)
            ms: dict[str, list[float]] = {name: [] for name in CONTENDERS}
            runs: dict[str, list[int]] = {name: [cold_runs] for name in runs_file}
            for r in range(rounds):
                shift = r % len(CONTENDERS)
                for name in CONTENDERS[shift:] + CONTENDERS[:shift]:
                    elapsed, count = load(name)
                    ms[name].append(elapsed)
                    if name in runs_file:
                        runs[name].append(count)
            for name in CONTENDERS:
                emit(f"browser_markers_ms_{name}_n{n}", statistics.median(ms[name]), "ms")
            for peer in ("streamlit_folium", "bare_streamlit", "plain_leaflet"):
                ratios = [d / o for d, o in zip(ms["dashboard"], ms[peer], strict=True)]
                emit(f"browser_markers_ratio_vs_{peer}_n{n}", statistics.median(ratios), "x")
            emit(f"browser_markers_cold_ms_n{n}", cold, "ms")
            emit(f"browser_markers_cold_ratio_n{n}", cold / statistics.median(ms["dashboard"]), "x")
            emit(
                f"script_runs_per_page_load_n{n}", statistics.median_high(runs["dashboard"]), "runs"
            )
            emit(
                f"script_runs_per_page_load_streamlit_folium_n{n}",
                statistics.median_high(runs["streamlit_folium"]),
                "runs",
            )
            _interactions(browser, servers["dashboard"], n, timings)
            browser.close()
        emit(f"server_peak_rss_n{n}", _peak_rss_mb(servers["dashboard"].proc.pid), "MB")
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def dataset_points(dataset) -> list[list]:
    """The dashboard's points as ``[lat, lon, title]`` for the vanilla streamlit-folium peer."""
    data = json.loads(dataset.text)
    return [[lat, lon, html.unescape(data["fiches"][i][0])] for lat, lon, i, _ in data["points"]]


def _interactions(browser, server, n: int, timings: Path) -> None:
    """Bytes received per rerun, and reruns caused by panning and zooming."""
    from devtools.browser import script_runs, wait_idle
    from scripts.peers import settled_lines

    page = browser.new_page(viewport=VIEWPORT)
    received: list[int] = []
    sent: list[int] = []

    def on_ws(ws):
        ws.on("framereceived", lambda payload: received.append(len(payload)))
        ws.on("framesent", lambda payload: sent.append(len(payload)))

    page.on("websocket", on_ws)
    page.goto(server.url + "/")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKER).first.wait_for(timeout=120_000)
    wait_idle(page)
    received.clear()
    sent.clear()
    box = page.get_by_role("textbox", name="Recherche libre")
    for query in ("habitants", "concertation"):  # the first search builds the index
        received.clear()
        runs = script_runs(page)
        box.fill(query)
        box.press("Enter")
        wait_idle(page, after=runs)
    emit(f"browser_bytes_per_filter_rerun_n{n}", sum(received), "B")
    sent.clear()
    map_box = page.locator(f"{MAP_FRAME}").bounding_box()
    x, y = map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 60, steps=8)
    page.mouse.up()
    frame.locator(".leaflet-control-zoom-in").click()
    settled_lines(timings)  # a rerun would append a line; none for a second: none came
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
    parser.add_argument("--quick", action="store_true", help="fewer sizes and rounds")
    parser.add_argument("--sizes", help=f"default {','.join(map(str, SIZES))}")
    parser.add_argument("--browser-sizes", help=f"default {','.join(map(str, BROWSER_SIZES))}")
    parser.add_argument("--rerun-sizes", help=f"default {','.join(map(str, RERUN_SIZES))}")
    parser.add_argument("--rounds", type=int, help=f"default {ROUNDS}")
    parser.add_argument(
        "--import-sizes", default="2000,10000", help="Importer page answer times (browser)"
    )
    parser.add_argument(
        "--contrib-size",
        type=int,
        help="fiches accepted online for the map's comparison with data/ (default 10000)",
    )
    args = parser.parse_args()
    defaults = (
        QUICK
        if args.quick
        else {
            "sizes": ",".join(map(str, SIZES)),
            "browser_sizes": ",".join(map(str, BROWSER_SIZES)),
            "rerun_sizes": ",".join(map(str, RERUN_SIZES)),
            "rounds": ROUNDS,
            "contrib_size": 10_000,
        }
    )
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    browser_sizes = {int(x) for x in args.browser_sizes.split(",") if x}
    rerun_sizes = {int(x) for x in args.rerun_sizes.split(",") if x}
    from fiches.assets import ensure_static_assets

    ensure_static_assets()
    with tempfile.TemporaryDirectory(prefix="fiches-bench-") as tmp:
        for n in sizes:
            data_dir = paths.DATA if n == 13 else generate(n, Path(tmp) / f"n{n}")
            domain_figures(n, data_dir)
            apptest_figures(n, data_dir, every_page() if n in rerun_sizes else ["carte"])
            if n in browser_sizes:
                dataset = build_dataset(load_corpus(data_dir))
                publish(dataset, paths.STATIC)
                browser_figures(n, data_dir, dataset, args.rounds)
    import_sizes = [int(x) for x in args.import_sizes.split(",") if x]
    if import_sizes:
        from scripts.bench_import import import_figures

        import_figures(import_sizes, emit)
    if args.contrib_size:
        from scripts.bench_contrib import contrib_figures

        contrib_figures(args.contrib_size, min(args.rounds, 7), emit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
