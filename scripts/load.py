"""Load test: concurrent browser sessions against one local server, bounded in time.

Each session opens the dashboard in headless Chromium, then until the deadline filters
(search text, thème through the URL) and opens fiches from the list. Traffic stays on
127.0.0.1; the script stops by itself. Run: ``make load`` (30 sessions, 2 minutes).
Prints ``name value unit`` lines: sessions held, actions, errors, server memory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

from playwright.async_api import async_playwright

from tests.helpers import MAP_FRAME, StreamlitServer

QUERIES = ("concertation", "Joue", "locataires", "budget", "habitat participatif", "Blois")
THEMES = ("concertation-locative", "vivre-ensemble", "qualite-de-service", "conseil-citoyen")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def session(browser, url: str, deadline: float, seed: int, stats: dict) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    try:
        await page.goto(url, timeout=120_000)
        await page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=120_000)
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
            browser = await p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
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
            stats = {"held": 0, "actions": 0, "errors": 0, "messages": []}
            peak = baseline
            deadline = time.monotonic() + seconds
            tasks = [
                asyncio.create_task(session(browser, server.url + "/", deadline, i, stats))
                for i in range(sessions)
            ]
            while not all(t.done() for t in tasks):
                peak = max(peak, rss_mb(server.proc.pid))
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
        print(f"server_rss_baseline {baseline:.1f} MB")
        print(f"server_rss_peak {peak:.1f} MB")
        print(f"server_rss_per_session {(peak - baseline) / max(stats['held'], 1):.2f} MB")
        for message in stats["messages"][:5]:
            print(f"# {message}")
        return 0 if stats["errors"] == 0 and stats["held"] == sessions else 1
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    return asyncio.run(run(args.sessions, args.seconds))


if __name__ == "__main__":
    sys.exit(main())
