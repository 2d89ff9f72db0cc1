"""Settings read from the environment, and the run timer used by benchmarks."""

from __future__ import annotations

import os
from pathlib import Path

from fiches import paths
from fiches.map_folium import TILES


def data_dir() -> Path:
    """The data folder: ``FICHES_DATA_DIR`` when set (tests, benchmarks), else ``data/``."""
    return Path(os.environ.get("FICHES_DATA_DIR", paths.DATA))


def default_tiles() -> str | None:
    """The basemap shown first: ``FICHES_TILES=osm`` or ``ign`` on a hosted deployment;
    by default the offline contours (a person can still pick a tile layer on the map)."""
    value = os.environ.get("FICHES_TILES") or None
    return value if value in TILES else None


def trusted_proxies() -> int:
    """How many proxies stand in front of the app (``FICHES_TRUSTED_PROXIES``, default 0):
    the sign-in throttle reads the client's address from the entries they add."""
    value = os.environ.get("FICHES_TRUSTED_PROXIES", "").strip()
    return int(value) if value.isdigit() else 0


def record_run_time(seconds: float) -> None:
    """Append this run's server time to the file named by ``FICHES_TIMINGS`` (benchmarks)."""
    target = os.environ.get("FICHES_TIMINGS")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(f"{seconds * 1000:.1f}\n")
