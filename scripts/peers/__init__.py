"""Peer apps for ``make bench``, and a ``streamlit run`` of any of them on a free port.

A peer runs from a temporary folder holding a copy of its script and a ``static`` link to
the project's ``static/`` (Streamlit serves the folder next to the main script), with the
project root as working directory, so that the project's ``.streamlit/config.toml`` and
the local Leaflet files apply to every contender alike.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from fiches import paths

HERE = Path(__file__).resolve().parent
BARE_STREAMLIT = HERE / "bare_streamlit.py"
VANILLA_FOLIUM = HERE / "vanilla_folium.py"
RERUN_PROBE = HERE / "rerun_probe.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run <script>`` on a free local port; ``stop()`` ends it."""

    def __init__(self, script: Path, env: dict[str, str] | None = None) -> None:
        self._tmp: tempfile.TemporaryDirectory | None = None
        if script.parent != paths.ROOT:
            self._tmp = tempfile.TemporaryDirectory(prefix="fiches-peer-")
            folder = Path(self._tmp.name)
            shutil.copyfile(script, folder / script.name)
            (folder / "static").symlink_to(paths.STATIC, target_is_directory=True)
            script = folder / script.name
        self.port = _free_port()
        self.url = f"http://localhost:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - read on failure, closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(script),
                "--server.headless", "true", "--server.port", str(self.port),
                "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
                "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false",
            ],
            cwd=paths.ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"{script.name} exited: {self.log.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)  # polling the health endpoint, as Streamlit's own e2e fixture
        self.stop()
        raise RuntimeError(f"{script.name} did not become healthy in 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def settled_lines(path: Path, *, quiet: float = 1.0, timeout: float = 60.0) -> list[str]:
    """The file's lines once none was added for ``quiet`` seconds: the app appends one line
    per script run, and streamlit-folium debounces its reports by 250 ms."""
    deadline = time.monotonic() + timeout
    lines = path.read_text().splitlines()
    still_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = path.read_text().splitlines()
        if now != lines:
            lines, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= quiet:
            return lines
    raise TimeoutError(f"{path} kept growing for {timeout} s")
