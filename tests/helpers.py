"""Shared test helpers: the seed document, a copy of data/ to modify freely, a Streamlit
server and browser waits (also used by ``scripts/``). Test modules import only this."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from fiches import paths

SEED = paths.RAW / "participation-habitants-cadre-de-vie-2015.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def copy_data(target: Path) -> Path:
    """A private copy of data/ (raw, curation, sources, tables) for tests that write."""
    shutil.copytree(paths.DATA, target, ignore=shutil.ignore_patterns(".fiches.lock", "README.md"))
    return target


# A small document in the seed's format: one new fiche, one update of an existing one.
NEW_DOCUMENT = """Fiches d'expériences

« Nouvelles actions » en région Centre-Val de Loire

Publiées le 3 mars 2026

Sommaire

- *Jardins partagés à Vierzon*
- *Forum des locataires (Val Touraine Habitat)*

Jardins partagés à Vierzon (18)

Quoi ? > Objet de l'action\tCréer des jardins partagés au pied des immeubles.
Qui ? > porteur de l'action\tUne association de locataires.
Où ? > lieu/périmètre de l'action\tQuartier des Forges, à Vierzon.
Résultats obtenus\t<ul> ● 40 parcelles ● une fête annuelle
Contact\tjardins[a]exemple.fr

Forum des locataires VAL TOURAINE HABITAT (37)

Quoi ? > Objet de l'action\tCréation d'un lieu d'échanges – édition 2026.
"""


# --- browser tests and scripts (Playwright + Debian's Chromium) --------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SCREENSHOTS = paths.ROOT / "tests" / "screenshots"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``streamlit run <script>`` (the dashboard by default) on a free local port, healthy
    when constructed; ``stop(sig)`` then ``start()`` restarts it on the same port."""

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        port: int | None = None,
        env: dict | None = None,
        script: Path | None = None,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.data_dir = data_dir
        self.extra_env = dict(env or {})
        self.script = script or paths.ROOT / "app.py"
        self.start()

    def start(self) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.extra_env)
        if "FICHES_TILES" not in self.extra_env:
            env.pop("FICHES_TILES", None)
        if self.data_dir is not None:
            env["FICHES_DATA_DIR"] = str(self.data_dir)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.log = open(SCREENSHOTS / f"server-{self.port}.log", "a")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(self.script),
                "--server.headless", "true", "--server.port", str(self.port),
                "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
                "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false",
            ],
            cwd=paths.ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.script.name} exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2
                ):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("streamlit did not become healthy in 60 s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def script_runs(page) -> int:
    """Script runs the page has seen: ``page.js`` counts them on the root element."""
    return int(page.evaluate("Number(document.documentElement.dataset.ficheRuns || 0)"))


def wait_idle(page, *, after: int | None = None, timeout: float = 30_000) -> None:
    """Wait until a script run has finished: a run later than ``after`` (a value of
    ``script_runs`` read before the action), or any run when ``after`` is None."""
    floor = 0 if after is None else after
    page.wait_for_function(
        f"Number(document.documentElement.dataset.ficheRuns || 0) > {floor}", timeout=timeout
    )
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=timeout)
    # elements of the previous run are faded out, then back in: wait until all are opaque
    page.wait_for_function(
        "Array.from(document.querySelectorAll('[data-testid=stElementContainer]'))"
        ".every(e => e.dataset.stale !== 'true' && getComputedStyle(e).opacity === '1')",
        timeout=timeout,
    )


def map_frame(page):
    """The frame holding the Leaflet map (``window.map``), once it exists."""
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=30_000)
    for frame in page.frames:
        try:
            if frame.evaluate("typeof window.map !== 'undefined' && !!window.FicheMap"):
                return frame
        except Exception:  # a detached frame
            continue
    raise AssertionError("no map frame")


def wait_for_map(page, *, markers: bool = True) -> None:
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    if markers:
        frame.locator(".fiche-pin, .fiche-cluster").first.wait_for(timeout=30_000)


def map_view(page) -> tuple[float, float, float]:
    """The map's displayed centre and zoom: (lat, lon, zoom)."""
    return tuple(
        map_frame(page).evaluate("[map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
    )


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar multiselect ``label``, then wait for the run."""
    runs = script_runs(page)
    box = page.locator('[data-testid="stSidebar"]').get_by_label(label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page, after=runs)
