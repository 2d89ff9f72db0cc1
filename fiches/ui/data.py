"""Cached loaders: the corpus and the map's dataset, once per process and data version."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from fiches import paths
from fiches.assets import ensure_static_assets
from fiches.corpus import Corpus, load_corpus
from fiches.curation import CurationError
from fiches.map_data import MapDataset, build_dataset, publish
from fiches.markup import escape_md
from fiches.store import DataError
from fiches.ui.config import data_dir

DATA_FILES = ("fiches.csv", "places.csv", "curation.toml")


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


@st.cache_resource(show_spinner=False, max_entries=2)
def _dataset(directory: str, mtimes: tuple[float, ...]) -> MapDataset:
    dataset = build_dataset(_load(directory, mtimes))
    try:
        publish(dataset, paths.STATIC)
    except OSError:
        dataset.inline = True  # cannot write static/: the view carries the data itself
    return dataset


def map_dataset() -> MapDataset:
    """The map's constant dataset, published once as a static file (see ``map_data``)."""
    directory = data_dir()
    return _dataset(str(directory), _mtimes(directory))


def corpus() -> Corpus:
    """The loaded corpus; a French error and the end of the run when it cannot load."""
    directory = data_dir()
    try:
        return _load(str(directory), _mtimes(directory))
    except (DataError, CurationError) as exc:
        st.error(f"Les données ne peuvent pas être chargées : {escape_md(str(exc))}")
        from fiches.ui.chrome import stop

        stop()
