"""The contract between the map's JavaScript and Python, read from ``map_contract.json``.

The map (``static/js/fiches-map.js``) receives the same file's content in its config
(``map_folium.base_map``) and ``tests/js/`` reads the file itself, so that the click text,
the zoom steps, the URL's position and embedding parameters and the frame's title have
one home.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

CONTRACT: dict = json.loads((Path(__file__).with_name("map_contract.json")).read_text("utf-8"))

CLICK_PATTERN = re.compile(CONTRACT["click_text"]["pattern"])  # groups: ref, nonce
ZOOM_STEP: float = CONTRACT["zoom_step"]
POSITION_PARAMS: tuple[str, ...] = tuple(CONTRACT["position_params"])
POSITION_DECIMALS: int = CONTRACT["position_decimals"]
EMBED_PARAMS: tuple[str, ...] = tuple(CONTRACT["embed_params"])
FRAME_TITLE: str = CONTRACT["frame_title"]
FRAME_SELECTOR = f'iframe[title="{FRAME_TITLE}"]'


def round_zoom(zoom: float) -> float:
    """A zoom level in the map's steps (``zoomSnap``)."""
    return round(zoom / ZOOM_STEP) * ZOOM_STEP


def for_the_map() -> dict:
    """What the map's JavaScript reads (the file without its comment)."""
    return {k: v for k, v in CONTRACT.items() if not k.startswith("_")}
