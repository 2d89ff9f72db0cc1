"""Cached loaders: the corpus and the map's dataset, once per process and data version.

The data version is the committed files' modification times and the database's
``published_version`` (the fiches accepted online), read at most every
``PUBLISHED_CHECK_SECONDS`` per process: an accepted fiche reaches every server process
within a few seconds. When the database cannot be reached the site shows the committed
fiches (the problem is logged).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from fiches import paths
from fiches.assets import ensure_static_assets
from fiches.contrib.db import DatabaseUnavailable, open_store
from fiches.corpus import Corpus, load_corpus, with_contributions
from fiches.curation import CurationError
from fiches.map_data import MapDataset, build_dataset, publish
from fiches.markup import escape_md
from fiches.store import DataError
from fiches.ui.config import data_dir

DATA_FILES = ("fiches.csv", "places.csv", "curation.toml")
PUBLISHED_CHECK_SECONDS = 2.0
# after a failed check: the database may take seconds to answer that it is down, so the
# site's pages do not ask again on every run
UNAVAILABLE_RETRY_SECONDS = 30.0
PURGE_SECONDS = 3600.0  # the retention rules (À propos) applied at most hourly per process
log = logging.getLogger(__name__)


def secrets() -> dict:
    """The app's secrets as a plain mapping; empty when there is no secrets file."""
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, OSError, KeyError, AttributeError):  # no secrets.toml
        return {}
    except Exception as exc:  # StreamlitSecretNotFoundError, a malformed file
        log.warning("secrets unreadable: %s", exc)
        return {}


def store():
    """The contributions' store (``fiches.contrib``); raises ``DatabaseUnavailable``."""
    return open_store(secrets=secrets())


@dataclass
class _VersionClock:
    """The published version last read by this process, and when."""

    version: str = ""
    checked: float = float("-inf")
    purged: float = float("-inf")
    available: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(show_spinner=False)
def _clock() -> _VersionClock:
    return _VersionClock()


def published_version() -> str:
    """The database's published version, read at most every 2 s by this process;
    "" when the database cannot be reached (then the committed fiches alone are shown,
    and the next try is 30 s later)."""
    clock = _clock()
    with clock.lock:
        wait = PUBLISHED_CHECK_SECONDS if clock.available else UNAVAILABLE_RETRY_SECONDS
        if time.monotonic() - clock.checked < wait:
            return clock.version
        try:
            clock.version = store().published_version()
            clock.available = True
            if time.monotonic() - clock.purged >= PURGE_SECONDS:
                clock.purged = time.monotonic()
                store().purge()
        except DatabaseUnavailable as exc:
            clock.available = False
            if clock.version or clock.checked == float("-inf"):
                log.warning("contributions database unavailable: %s", exc.detail or exc)
            clock.version = ""
        clock.checked = time.monotonic()
        return clock.version


def database_available() -> bool:
    """Whether this process' last look at the database found it (``published_version``)."""
    published_version()
    return _clock().available


@st.cache_resource(show_spinner=False)
def _assets_ready() -> bool:
    try:
        ensure_static_assets()
    except OSError:  # read-only deployment: the files may have been copied at build time
        return (paths.STATIC / "vendor" / "leaflet" / "leaflet.js").exists()
    return True


def check_assets() -> None:
    """Say so when the map's Leaflet files are missing (the map would stay blank)."""
    if not _assets_ready():
        st.error(
            "La carte ne peut pas s'afficher : les fichiers Leaflet n'ont pas pu être copiés "
            "dans static/vendor (lancez `python -m fiches assets`)."
        )


# cache_resource, not cache_data: the corpus is read-only, and cache_data would unpickle a
# copy of every table (seconds at 100,000 fiches) on each rerun. Keyed on the modification
# times, so an edited file is reloaded.
@st.cache_resource(show_spinner="Chargement des fiches…", max_entries=2)
def _load(directory: str, mtimes: tuple[float, ...]) -> Corpus:
    return load_corpus(Path(directory))


def _mtimes(directory: Path) -> tuple[float, ...]:
    files = [directory / name for name in DATA_FILES]
    return tuple(f.stat().st_mtime if f.exists() else 0.0 for f in files)


@st.cache_resource(show_spinner="Chargement des fiches…", max_entries=2)
def _load_all(directory: str, mtimes: tuple[float, ...], version: str) -> Corpus:
    """The committed corpus with the fiches published online at ``version`` (raises
    ``DatabaseUnavailable``, which is not cached: the next run tries again)."""
    base = _load(directory, mtimes)
    return with_contributions(base, store().published()) if version else base


def _with_published(load, directory: Path):
    """``load(directory, mtimes, version)`` at the current published version, or at none
    (the committed fiches) when the database cannot be reached."""
    mtimes = _mtimes(directory)
    try:
        return load(str(directory), mtimes, published_version())
    except DatabaseUnavailable as exc:
        log.warning("published fiches unavailable: %s", exc.detail or exc)
        return load(str(directory), mtimes, "")


@st.cache_resource(show_spinner=False, max_entries=2)
def _dataset(directory: str, mtimes: tuple[float, ...], version: str) -> MapDataset:
    dataset = build_dataset(_load_all(directory, mtimes, version))
    try:
        publish(dataset, paths.STATIC)
    except OSError:
        dataset.inline = True  # cannot write static/: the view carries the data itself
    return dataset


def map_dataset() -> MapDataset:
    """The map's constant dataset, published once as a static file (see ``map_data``)."""
    return _with_published(_dataset, data_dir())


def corpus() -> Corpus:
    """The loaded corpus (with the fiches published online); a French error and the end
    of the run when the committed data cannot load."""
    try:
        return _with_published(_load_all, data_dir())
    except (DataError, CurationError) as exc:
        st.error(f"Les données ne peuvent pas être chargées : {escape_md(str(exc))}")
        from fiches.ui.chrome import stop

        stop()
