"""Screenshots of the dashboard as a person sees it, at 1280×800 and 390×844.

Run: ``python -m scripts.screenshots [[name=]path?query ...]`` (a local server is started).
Writes PNG files to tests/screenshots/ (git-ignored); with ``--readme``, the README's
docs/screenshot.png and docs/screenshot-telephone.png (the last address given); with
``--docs``, each 1280×800 shot to docs/<name>.png (e.g. ``carte-z9=/?lat=46.9&lon=0.9&z=9``).
"""

from __future__ import annotations

import argparse
import re
import shutil

from playwright.sync_api import sync_playwright

from devtools.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    StreamlitServer,
    map_frame,
    wait_for_map,
    wait_idle,
)
from fiches import paths

SIZES = ((1280, 800), (390, 844))
DEFAULT = ("/", "/?fiche=les-comites-locaux-de-concertation-vallogis")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", nargs="*", default=list(DEFAULT))
    parser.add_argument("--readme", action="store_true", help="update docs/screenshot.png")
    parser.add_argument("--docs", action="store_true", help="copy 1280×800 shots to docs/")
    args = parser.parse_args()
    server = StreamlitServer()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for given in args.urls:
                label, _, rest = given.partition("=/") if "=/" in given else ("", "", "")
                url = "/" + rest if label else given
                for width, height in SIZES:
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    page.goto(server.url + url)
                    wait_idle(page)
                    if "/carte" in url or url.startswith("/?") or url == "/":
                        wait_for_map(page, markers=False)
                        map_frame(page).wait_for_function("window.FicheMap.labelsSettled()")
                    page.wait_for_load_state("networkidle")
                    name = label or re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "carte"
                    path = SCREENSHOTS / f"{name}-{width}x{height}.png"
                    page.screenshot(path=path)
                    print(path)
                    if args.docs and width > 600:
                        shutil.copyfile(path, paths.ROOT / "docs" / f"{name}.png")
                    if args.readme and url == args.urls[-1]:
                        name = "screenshot.png" if width > 600 else "screenshot-telephone.png"
                        shutil.copyfile(path, paths.ROOT / "docs" / name)
                    context.close()
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
