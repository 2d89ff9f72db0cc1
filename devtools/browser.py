"""Development tools shared by ``tests/`` and ``scripts/`` (neither owns them): a
``streamlit run`` of the dashboard on a free port, a fresh copy of the project, and the
waits on what a browser shows. Never imported by the app."""

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
from fiches.map_contract import FRAME_SELECTOR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SCREENSHOTS = paths.ROOT / "tests" / "screenshots"
# the map's iframe, titled by the map itself (fiches.map_contract)
MAP_FRAME = FRAME_SELECTOR


def fresh_copy(target: Path) -> Path:
    """The project's files as a fresh clone of this tree has them (tracked and new, not
    ignored: no ``static/vendor``, no built map data, no virtualenv) in ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=paths.ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        src = paths.ROOT / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)
    return target


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
        bare: bool = False,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.data_dir = data_dir
        self.extra_env = dict(env or {})
        self.script = script or paths.ROOT / "app.py"
        # bare: ``streamlit run app.py`` and the port alone, as Streamlit Community Cloud
        # starts it (the settings come from the project's .streamlit/config.toml)
        self.bare = bare
        self.start()

    def start(self) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.extra_env)
        if "FICHES_TILES" not in self.extra_env:
            env.pop("FICHES_TILES", None)
        if self.data_dir is not None:
            env["FICHES_DATA_DIR"] = str(self.data_dir)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.log = open(SCREENSHOTS / f"server-{self.port}.log", "a")  # noqa: SIM115
        command = [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
        ]  # fmt: skip
        if not self.bare:
            command += [
                "--server.headless", "true", "--server.fileWatcherType", "none",
                "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false",
            ]  # fmt: skip
        self.proc = subprocess.Popen(
            command,
            cwd=self.script.parent if self.bare else paths.ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
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


def open_list(page, field) -> None:
    """Click a sidebar list (multiselect) as a person does: into view first, then the click.

    Playwright scrolls a field that is out of view and clicks at once; the scroll's event
    comes a frame later, after the list opened, and react-aria closes an open list when its
    field's scroll parent scrolls: the option never appears (seen when a longer caption
    pushed « Thème » below the 800-px sidebar). Two animation frames let it pass first.
    """
    field.scroll_into_view_if_needed()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    field.click()


def script_runs(page) -> int:
    """Script runs the page has seen: ``page.js`` counts them on the root element."""
    return int(page.evaluate("Number(document.documentElement.dataset.ficheRuns || 0)"))


def page_state(page) -> str:
    """What the page shows of Streamlit's state, for a wait that timed out."""
    return page.evaluate(
        """() => {
          const q = (s) => document.querySelectorAll(s);
          const stale = Array.from(q('[data-testid=stElementContainer]')).filter(
            e => e.dataset.stale === 'true' || getComputedStyle(e).opacity !== '1').length;
          const chips = Array.from(q('[data-testid=stSidebar] .react-aria-ComboBox [data-tag]'))
            .map(e => e.textContent).join(', ');
          return `runs=${document.documentElement.dataset.ficheRuns || 0}`
            + ` running=${q('[data-testid=stStatusWidget]').length > 0}`
            + ` stale=${stale} url=${location.search} chips=[${chips}]`
            + ` exception=${q('[data-testid=stException]').length}`;
        }"""
    )


def wait_idle(page, *, after: int | None = None, timeout: float = 30_000) -> None:
    """Wait until a script run has finished: a run later than ``after`` (a value of
    ``script_runs`` read before the action), or any run when ``after`` is None. A timeout
    fails with what the page shows (runs, a run in progress, faded elements, URL)."""
    floor = 0 if after is None else after
    try:
        page.wait_for_function(
            f"Number(document.documentElement.dataset.ficheRuns || 0) > {floor}",
            timeout=timeout,
        )
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=timeout)
        # elements of the previous run are faded out, then back in: wait until all are opaque
        page.wait_for_function(
            "Array.from(document.querySelectorAll('[data-testid=stElementContainer]'))"
            ".every(e => e.dataset.stale !== 'true' && getComputedStyle(e).opacity === '1')",
            timeout=timeout,
        )
    except Exception as error:
        if "Timeout" not in type(error).__name__:
            raise
        raise AssertionError(f"no finished run after {floor}: {page_state(page)}") from error


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
        frame.locator(".fiche-pin, .fiche-cluster, .fiche-handle").first.wait_for(timeout=30_000)
