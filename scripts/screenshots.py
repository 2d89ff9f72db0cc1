"""Screenshots of the dashboard as a person sees it, at 1280×800 and 390×844.

Run: ``python -m scripts.screenshots [path?query ...]`` (a local server is started).
Writes PNG files to tests/screenshots/ (git-ignored) and, with ``--readme``, the README's
docs/screenshot.png and docs/screenshot-telephone.png (the last address given).
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
    args = parser.parse_args()
    server = StreamlitServer()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for url in args.urls:
                for width, height in SIZES:
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    page.goto(server.url + url)
                    wait_idle(page)
                    if "/carte" in url or url.startswith("/?") or url == "/":
                        wait_for_map(page, markers=False)
                    page.wait_for_load_state("networkidle")
                    name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "carte"
                    path = SCREENSHOTS / f"{name}-{width}x{height}.png"
                    page.screenshot(path=path)
                    print(path)
                    if args.readme and url == args.urls[-1]:
                        name = "screenshot.png" if width > 600 else "screenshot-telephone.png"
                        shutil.copyfile(path, paths.ROOT / "docs" / name)
                    context.close()
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
