"""Script runs per page load of ``rerun_probe.py``, per variant, and after two clicks on
the same marker. Run (browser lock held): ``python -m scripts.peers.check_rerun``.

Prints ``probe_<variant>_runs_on_load``, ``..._runs_after_click1`` / ``click2`` and the
click count Python saw last. Expected with streamlit-folium 0.27.4: ``count`` 2 runs on
load, ``count-fixed`` and ``tooltip`` 1; a second click on the same marker reruns
``count`` and ``count-fixed`` but not ``tooltip``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts.peers import RERUN_PROBE, Server, settled_lines
from tests.browser.conftest import MAP_FRAME

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> int:
    runs = Path(tempfile.mkstemp(prefix="probe-runs-")[1])
    try:
        with Server(RERUN_PROBE, {"PEER_RUNS": str(runs)}) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for variant in ("count", "count-fixed", "tooltip"):
                context = browser.new_context(viewport={"width": 1000, "height": 700})
                page = context.new_page()
                before = len(settled_lines(runs, quiet=0.3))
                page.goto(f"{server.url}/?variant={variant}")
                marker = page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive")
                marker.wait_for(timeout=60_000)
                lines = settled_lines(runs)
                print(f"probe_{variant}_runs_on_load {len(lines) - before} runs", flush=True)
                for click in (1, 2):
                    before = len(lines)
                    marker.click()
                    lines = settled_lines(runs)
                    print(
                        f"probe_{variant}_runs_after_click{click} {len(lines) - before} runs",
                        flush=True,
                    )
                print(f"probe_{variant}_last_count {lines[-1].split()[1]} clicks", flush=True)
                context.close()
            browser.close()
    finally:
        runs.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
