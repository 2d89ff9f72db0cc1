"""Benchmark of the Importer page: answer time for a bulk document, in a real browser.

A synthetic document of n fiches (``devtools.synth.document``) is uploaded on the Importer
page of a real ``streamlit run``; the answer time runs from the upload to the moment the
page has drawn the summary, the grouped warnings and the previews, and is idle. The
server-side part (``plan_import``: parse, merge, geocode offline) is printed apart.

Prints ``name value unit`` lines like ``scripts/bench.py``, which calls
:func:`import_figures`. Alone: ``python -m scripts.bench_import [--sizes 2000,10000]``
(a browser load: run it under the browser lock on shared machines).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from devtools.synth import document
from fiches.importer import plan_import

SIZES = (2_000, 10_000)


def _print(name: str, value: float, unit: str) -> None:
    print(f"{name} {value:.3f} {unit}", flush=True)


def import_figures(
    sizes: Iterable[int] = SIZES, emit: Callable[[str, float, str], None] = _print
) -> None:
    """Emit ``import_plan_s_n<n>`` and ``import_answer_s_n<n>`` for each size."""
    from playwright.sync_api import sync_playwright

    from devtools.browser import StreamlitServer

    server = StreamlitServer()
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for n in sizes:
                path = Path(tmp) / f"actions-synthetiques-{n}.txt"
                path.write_text(document(n), encoding="utf-8")
                start = time.perf_counter()
                plan_import(path.read_text(encoding="utf-8"), path.name)
                emit(f"import_plan_s_n{n}", time.perf_counter() - start, "s")
                emit(f"import_answer_s_n{n}", _answer_time(browser, server.url, path), "s")
            browser.close()
    finally:
        server.stop()


def _answer_time(browser, url: str, path: Path) -> float:
    from devtools.browser import wait_idle

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url + "/importer")
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    upload.wait_for(state="attached", timeout=60_000)
    wait_idle(page)
    start = time.perf_counter()
    upload.set_input_files(str(path))
    page.get_by_text("fiche(s) lue(s)").wait_for(timeout=300_000)
    page.get_by_text("Télécharger places.csv mis à jour").wait_for(timeout=300_000)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=300_000)
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    import_figures([int(x) for x in args.sizes.split(",") if x])
    return 0


if __name__ == "__main__":
    sys.exit(main())
