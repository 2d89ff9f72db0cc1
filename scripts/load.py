"""Load test: concurrent browser sessions against one local server, bounded in time.

Each session opens the dashboard in headless Chromium, then until the deadline filters
(search text, thème through the URL) and opens fiches from the list. Traffic stays on
127.0.0.1; the script stops by itself. Run: ``make load`` (30 sessions, 2 minutes).

It starts with ``--first-visits`` simultaneous first visits (20 by default) on a fresh
copy of the project (no ``make assets``, no built map data) served by ``streamlit run
app.py`` alone, as Streamlit Community Cloud starts it: failed requests and first loads.
Prints ``name value unit`` lines: sessions held, actions, errors, and the server's memory
(RSS sampled every 2 s): at start (warm, no session), plateau (median of the second half),
end (last sample before the sessions close), peak, and the slope over the second half of
the run (least squares, MB/min), so that a leak shows as a number.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

from devtools.browser import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, StreamlitServer, fresh_copy
from devtools.figures import percentiles, rss_figures, rss_mb

QUERIES = ("concertation", "Joue", "locataires", "budget", "habitat participatif", "Blois")
THEMES = ("concertation-locative", "vivre-ensemble", "qualite-de-service", "conseil-citoyen")


async def session(browser, url: str, deadline: float, seed: int, stats: dict) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    try:
        loaded = time.monotonic()
        await page.goto(url, timeout=120_000)
        await page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=120_000)
        stats["loads_ms"].append((time.monotonic() - loaded) * 1000)
        stats["held"] += 1
        while time.monotonic() < deadline:
            action = rng.random()
            if action < 0.4:
                box = page.get_by_role("textbox", name="Recherche libre")
                await box.fill(rng.choice(QUERIES))
                await box.press("Enter")
            elif action < 0.6:
                await page.goto(f"{url}?theme={rng.choice(THEMES)}", timeout=120_000)
            else:
                buttons = page.locator(
                    '[data-testid="stMainBlockContainer"] button[kind="secondary"]'
                )
                count = await buttons.count()
                if count:
                    await buttons.nth(rng.randrange(min(count, 10))).click(timeout=60_000)
            await page.wait_for_timeout(800)
            if await page.locator('[data-testid="stException"]').count():
                stats["errors"] += 1
            stats["actions"] += 1
    except Exception as exc:  # a failed session is counted, never hidden
        stats["errors"] += 1
        stats["messages"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    finally:
        await context.close()


async def run(sessions: int, seconds: float) -> int:
    server = StreamlitServer()
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # one warm-up visit loads the corpus and the map dataset
            warm = await browser.new_page()
            await warm.goto(server.url + "/")
            await (
                warm.frame_locator(MAP_FRAME)
                .locator(".leaflet-container")
                .wait_for(timeout=120_000)
            )
            await warm.close()
            await asyncio.sleep(2)
            baseline = rss_mb(server.proc.pid)
            stats = {"held": 0, "actions": 0, "errors": 0, "messages": [], "loads_ms": []}
            started = time.monotonic()
            samples: list[tuple[float, float]] = [(0.0, baseline)]  # (s since start, MB)
            deadline = started + seconds
            tasks = [
                asyncio.create_task(session(browser, server.url + "/", deadline, i, stats))
                for i in range(sessions)
            ]
            while not all(t.done() for t in tasks):
                now = time.monotonic()
                if now <= deadline:  # after the deadline, sessions are closing
                    samples.append((now - started, rss_mb(server.proc.pid)))
                await asyncio.sleep(2)
                if time.monotonic() > deadline + 180:  # hard stop, whatever happens
                    for t in tasks:
                        t.cancel()
                    break
            await browser.close()
        print(f"load_sessions_requested {sessions} sessions")
        print(f"load_sessions_held {stats['held']} sessions")
        print(f"load_duration {seconds:.0f} s")
        print(f"load_actions {stats['actions']} actions")
        print(f"load_errors {stats['errors']} errors")
        for name, value in percentiles(stats["loads_ms"]).items():
            print(f"load_page_{name} {value:.0f} ms")
        memory = rss_figures(samples, seconds)
        for name, (value, unit) in memory.items():
            print(f"server_rss_{name} {value:.2f} {unit}")
        per_session = (memory["plateau"][0] - baseline) / max(stats["held"], 1)
        print(f"server_rss_per_session {per_session:.2f} MB")
        for message in stats["messages"][:5]:
            print(f"# {message}")
        return 0 if stats["errors"] == 0 and stats["held"] == sessions else 1
    finally:
        server.stop()


async def first_visit(browser, url: str, stats: dict) -> None:
    """One person's first visit: the map with its markers, every request answered."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()

    def failed(what: str) -> None:
        stats["failed"] += 1
        stats["messages"].append(what)

    page.on("requestfailed", lambda r: failed(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and failed(f"{r.url} HTTP {r.status}"))
    started = time.monotonic()
    try:
        await page.goto(url, timeout=120_000)
        markers = (
            page.frame_locator(MAP_FRAME).locator(".fiche-pin, .fiche-cluster, .fiche-handle").first
        )
        await markers.wait_for(timeout=120_000)
        stats["loads_ms"].append((time.monotonic() - started) * 1000)
        if await page.locator('[data-testid="stException"]').count():
            failed("an exception is shown on the page")
    except Exception as exc:  # a failed visit is counted, never hidden
        failed(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    finally:
        await context.close()


async def first_visits(visits: int) -> int:
    """``visits`` simultaneous first visits on a fresh copy started with ``streamlit run
    app.py`` alone; prints the figures, returns 0 when every visit got its map."""
    stats = {"failed": 0, "messages": [], "loads_ms": []}
    with tempfile.TemporaryDirectory(prefix="fiches-fresh-") as folder:
        copy = fresh_copy(Path(folder))
        server = StreamlitServer(script=copy / "app.py", bare=True)
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                await asyncio.gather(
                    *(first_visit(browser, server.url + "/", stats) for _ in range(visits))
                )
                await browser.close()
        finally:
            server.stop()
    print(f"first_visits {visits} visits")
    print(f"first_visits_with_map {len(stats['loads_ms'])} visits")
    print(f"first_visits_failed_requests {stats['failed']} requests")
    for name, value in percentiles(stats["loads_ms"]).items():
        print(f"first_visit_{name} {value:.0f} ms")
    for message in stats["messages"][:5]:
        print(f"# {message}")
    return 0 if stats["failed"] == 0 and len(stats["loads_ms"]) == visits else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--first-visits", type=int, default=20)
    args = parser.parse_args()
    status = asyncio.run(first_visits(args.first_visits)) if args.first_visits else 0
    if args.sessions:
        status = asyncio.run(run(args.sessions, args.seconds)) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
