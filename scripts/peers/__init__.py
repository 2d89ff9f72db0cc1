"""Peer apps for ``make bench``, and a ``streamlit run`` of any of them on a free port.

A peer runs from a temporary folder holding a copy of its script and a ``static`` link to
the project's ``static/`` (Streamlit serves the folder next to the main script), with the
project root as working directory, so that the project's ``.streamlit/config.toml`` and
the local Leaflet files apply to every contender alike.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import time
from pathlib import Path

from devtools.browser import StreamlitServer
from fiches import paths

HERE = Path(__file__).resolve().parent
BARE_STREAMLIT = HERE / "bare_streamlit.py"
VANILLA_FOLIUM = HERE / "vanilla_folium.py"


class Server(StreamlitServer):
    """A peer app: ``streamlit run <script>`` from a temporary folder that links the
    project's ``static/`` (Leaflet served locally); ``stop()`` ends it."""

    def __init__(self, script: Path, env: dict[str, str] | None = None) -> None:
        self._tmp: tempfile.TemporaryDirectory | None = None
        if script.parent != paths.ROOT:  # the dashboard itself runs in place
            self._tmp = tempfile.TemporaryDirectory(prefix="fiches-peer-")
            folder = Path(self._tmp.name)
            shutil.copyfile(script, folder / script.name)
            (folder / "static").symlink_to(paths.STATIC, target_is_directory=True)
            script = folder / script.name
        super().__init__(env=env, script=script)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        super().stop(sig)
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
