"""End-to-end fixtures: a real ``streamlit run`` on a free port, Debian's Chromium.

Every request the page makes is recorded; tests fail if one leaves localhost.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from fiches import paths

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = paths.ROOT / "tests" / "screenshots"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_PREFIXES = ("http://localhost", "http://127.0.0.1", "data:", "blob:", "about:")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    def __init__(self, data_dir: Path | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://localhost:{self.port}"
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.pop("FICHES_TILES", None)
        if data_dir is not None:
            env["FICHES_DATA_DIR"] = str(data_dir)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.log = open(paths.ROOT / "tests" / "screenshots" / f"server-{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.headless", "true", "--server.port", str(self.port),
                "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
            ],
            cwd=paths.ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2
                ):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not become healthy in 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def server() -> Iterator[StreamlitServer]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    srv = StreamlitServer()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}


class RequestLog:
    def __init__(self) -> None:
        self.urls: list[str] = []

    @property
    def external(self) -> list[str]:
        return [u for u in self.urls if not u.startswith(LOCAL_PREFIXES)]


@pytest.fixture
def requests_log(context) -> Iterator[RequestLog]:
    """Every request of the test's browser context; the test fails if one left localhost."""
    log = RequestLog()
    context.on("request", lambda request: log.urls.append(request.url))
    yield log
    assert log.external == [], f"requests left localhost: {log.external[:5]}"


def wait_for_map(page, *, markers: bool = True) -> None:
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    if markers:
        frame.locator(".leaflet-marker-icon").first.wait_for(timeout=30_000)


def wait_idle(page) -> None:
    """Wait until Streamlit has finished its run (no running indicator)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=30_000)
    page.wait_for_timeout(300)
