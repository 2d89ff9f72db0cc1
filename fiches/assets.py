"""Serve Leaflet and MarkerCluster from the app itself (no CDN).

The files come from the XStatic packages installed by requirements.txt and are copied
into ``static/vendor/`` (git-ignored), which Streamlit serves at ``/app/static/vendor/``
when ``server.enableStaticServing`` is on.
"""

from __future__ import annotations

import filecmp
import functools
import hashlib
import shutil
from pathlib import Path

from fiches import paths

URL_PREFIX = "/app/static/vendor"
LEAFLET_JS = f"{URL_PREFIX}/leaflet/leaflet.js"
LEAFLET_CSS = f"{URL_PREFIX}/leaflet/leaflet.css"
LEAFLET_IMAGES = f"{URL_PREFIX}/leaflet/images/"
CLUSTER_JS = f"{URL_PREFIX}/markercluster/leaflet.markercluster.js"
CLUSTER_CSS = f"{URL_PREFIX}/markercluster/MarkerCluster.css"
CLUSTER_DEFAULT_CSS = f"{URL_PREFIX}/markercluster/MarkerCluster.Default.css"


def _sources() -> dict[str, Path]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    return {"leaflet": Path(leaflet.BASE_DIR), "markercluster": Path(cluster.BASE_DIR)}


def ensure_static_assets(target: Path = paths.STATIC / "vendor") -> list[Path]:
    """Copy the packaged files into ``target`` when missing or different; return copies."""
    copied: list[Path] = []
    for name, src_dir in _sources().items():
        for src in src_dir.rglob("*"):
            if src.is_dir() or src.suffix == ".map" or "esm" in src.name:
                continue
            dst = target / name / src.relative_to(src_dir)
            if dst.exists() and filecmp.cmp(src, dst, shallow=False):
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            copied.append(dst)
    return copied


# Our own scripts and styles (committed in static/js/), versioned by content so that a
# browser never keeps an old copy.
OWN_URL_PREFIX = "/app/static/js"


def _versioned(name: str) -> str:
    path = paths.STATIC / "js" / name
    return f"{OWN_URL_PREFIX}/{name}?v={_digest(path, path.stat().st_mtime_ns)}"


@functools.cache
def _digest(path: Path, mtime_ns: int) -> str:
    """Content hash of a file version (read once per version, not on every run)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


# The map's scripts in load order: each uses the ones before it (static/js/fiches-map.js
# lists what each holds). Small files that the browser fetches in parallel.
MAP_SCRIPTS = (
    "fiches-map-core.js",
    "fiches-labels.js",
    "fiches-map-controls.js",
    "fiches-map-names.js",
    "fiches-map-areas.js",
    "fiches-map-markers.js",
    "fiches-map-view.js",
    "fiches-map.js",
)


def _default_js(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(name, versioned URL)`` of our scripts, in this order (folium's default_js)."""
    return [(name.removesuffix(".js").replace("-", "_"), _versioned(name)) for name in names]


def map_script_urls() -> list[tuple[str, str]]:
    """Every map script, in load order."""
    return _default_js(MAP_SCRIPTS)


def map_style_url() -> str:
    return _versioned("fiches-map.css")


def page_script_url() -> str:
    return _versioned("page.js")


def picker_script_urls() -> list[tuple[str, str]]:
    """The proposal form's map scripts, after Leaflet's."""
    return _default_js(("fiches-map-controls.js", "picker.js"))


def draft_script_url() -> str:
    return _versioned("draft.js")
