"""The small map of the proposal form, where a contributor places the action's position.

Built without Streamlit (``fiches.ui.contrib`` shows it with streamlit-folium). Leaflet is
served by the app; the chosen communes are drawn from the committed outlines, and the
online basemaps (Plan IGN, OpenStreetMap) stay off until the person picks one: nothing
leaves the site before that.
"""

from __future__ import annotations

import functools
import json

import folium

from fiches import assets, paths
from fiches.map_folium import REGIONS_BOUNDS, TILES

FRAME_HEIGHT = 360
COMMUNE_ZOOM = 13
OUTLINE_STYLE = {"color": "#1f5f8b", "weight": 2, "fillOpacity": 0.05}
DEPARTEMENT_STYLE = {"color": "#6b7785", "weight": 1, "fillColor": "#eef1f4", "fillOpacity": 0.4}


@functools.cache
def _outlines() -> dict[str, dict]:
    """Commune code -> outline, from ``geo/communes_contours.geojson`` (read once)."""
    path = paths.GEO / "communes_contours.geojson"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: f["geometry"] for f in data["features"]}


def commune_outline(code: str) -> dict | None:
    return _outlines().get(code)


def picker_map(
    *,
    center: tuple[float, float] | None,
    outlines: list[dict],
    departements: list[dict],
    point: tuple[float, float] | None,
) -> folium.Map:
    """The map: the chosen communes' outlines over the départements, the point if any.

    ``center``: where to open (the first chosen commune), else the two regions."""
    m = folium.Map(
        location=center or (46.85, 0.9),
        zoom_start=COMMUNE_ZOOM if center else 7,
        tiles=None,
        control_scale=True,
        max_zoom=18,
    )
    m.default_js = [("leaflet", assets.LEAFLET_JS), *assets.picker_script_urls()]
    m.default_css = [("leaflet_css", assets.LEAFLET_CSS), ("fiches_map", assets.map_style_url())]
    if center is None:
        m.fit_bounds(REGIONS_BOUNDS)
    for label, url, attribution in TILES.values():
        folium.TileLayer(url, attr=attribution, name=label, show=False, max_zoom=18).add_to(m)
    for geometry in departements:
        folium.GeoJson(
            geometry, style_function=lambda _f: DEPARTEMENT_STYLE, interactive=False
        ).add_to(m)
    for geometry in outlines:
        folium.GeoJson(geometry, style_function=lambda _f: OUTLINE_STYLE, interactive=False).add_to(
            m
        )
    if point is not None:
        folium.CircleMarker(
            point,
            radius=8,
            color="#b3261e",
            weight=3,
            fill=True,
            fill_opacity=0.8,
            tooltip="Position indiquée",
        ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m
