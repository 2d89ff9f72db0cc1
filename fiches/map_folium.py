"""Build the folium map: a constant base map and a small changing layer of fiches.

The base map (region and département contours, the basemap switcher) never changes, so
the Streamlit component is not rebuilt when filters change. The fiches travel as data
(``map_data``): a dataset file fetched once by the browser, and a view of a few KB per
rerun passed with ``feature_group_to_add``. ``static/js/fiches-map.js`` draws markers
(clustered with Leaflet.markercluster), areas and place names from them; the templates
here are one call each. Every text from a fiche is HTML-escaped before it reaches the
page: Leaflet renders tooltip strings as HTML.
"""

from __future__ import annotations

import json

import folium
from branca.element import MacroElement
from jinja2 import Template

from fiches import assets
from fiches.map_contract import for_the_map

REGIONS_VIEW = {"center": (46.85, 0.9), "zoom": 7}
# South-west and north-east corners of Centre and Poitou-Charentes (2015 regions).
REGIONS_BOUNDS = ((45.08, -1.57), (48.95, 3.13))

# Online basemaps a person may pick in the map (key: label, URL template, attribution).
TILES = {
    "ign": (
        "Plan IGN",
        "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&FORMAT=image/png"
        "&TILEMATRIXSET=PM&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
        '&copy; <a href="https://www.ign.fr/">IGN</a> Plan IGN',
    ),
    "osm": (
        "OpenStreetMap",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">contributeurs OpenStreetMap</a>',
    ),
}


class MapSetup(MacroElement):
    """Once per map: basemaps and their switcher, place names, view in the URL, controls."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "FicheMap.init({{ this._parent.get_name() }}, {{ this.config }});"
        "{% endmacro %}"
    )

    def __init__(self, config: dict) -> None:
        super().__init__()
        self._name = "MapSetup"
        self.config = script_json(config)


class FicheLayer(MacroElement):
    """The visible fiches, drawn by ``static/js/fiches-map.js`` from the per-rerun view.

    The view holds data only (escaped titles, codes, colours); no code travels with it.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "FicheMap.draw({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }}, "
        "{{ this.payload }});"
        "{% endmacro %}"
    )

    def __init__(self, view_payload: dict) -> None:
        super().__init__()
        self._name = "FicheLayer"
        self.payload = script_json(view_payload)


def script_json(value) -> str:
    """JSON that is safe inside a <script> element (no "</", no U+2028/2029)."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("</", "<\\/")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _offline_map(**kwargs) -> folium.Map:
    m = folium.Map(**kwargs)
    # Leaflet and MarkerCluster come from the app itself (static/vendor), never a CDN.
    m.default_js = [
        ("leaflet", assets.LEAFLET_JS),
        ("markercluster", assets.CLUSTER_JS),
        *assets.map_script_urls(),
    ]
    m.default_css = [
        ("leaflet_css", assets.LEAFLET_CSS),
        ("markercluster_css", assets.CLUSTER_CSS),
        ("markercluster_default_css", assets.CLUSTER_DEFAULT_CSS),
        ("fiches_map_css", assets.map_style_url()),
    ]
    return m


# The contours drawn under the actions, bottom first: (kind in contours.geojson, style).
# Their geometries travel in the map's dataset file (fetched once, cached), not in the
# map's script, which Streamlit sends again on every rerun.
BACKGROUND_LAYERS = (
    ("departement", {"color": "#6b7785", "weight": 1, "fillColor": "#eef1f4", "fillOpacity": 0.6}),
    ("commune", {"color": "#6b7785", "weight": 1, "dashArray": "4 3", "fill": False}),
    ("region_2015", {"color": "#34495e", "weight": 2.5, "fill": False}),
)
# Every commune's outline, from about z 10.5 (``map_data.OUTLINES_ZOOM``), under the others.
OUTLINE_STYLE = {"color": "#8a96a3", "weight": 0.8, "fill": False}


def base_map(*, tiles: str | None = None, dataset_url: str = "") -> folium.Map:
    """The constant base map, framed on the two regions; ``static/js/fiches-map.js`` draws
    the contours under the actions from the dataset.

    ``tiles`` only chooses the basemap shown first; the others stay one click away in the
    map's layer switcher, and no tile is requested until a tile basemap is shown.
    ``dataset_url``: the map's dataset file, fetched as soon as the map exists (the first
    view arrives later); constant for a corpus, so the map is not rebuilt across reruns.
    """
    m = _offline_map(
        location=REGIONS_VIEW["center"],
        zoom_start=REGIONS_VIEW["zoom"],
        tiles=None,
        maxZoom=18,
        minZoom=5,
        zoomSnap=0.25,
        control_scale=True,
        prefer_canvas=False,
    )
    # the first view at once: an animated fit still running when streamlit-folium sets the
    # server's view (a link's, a framed fiche's) would end on the regions, over that view
    first_fit = folium.FitBounds(REGIONS_BOUNDS)
    first_fit.options["animate"] = False
    m.add_child(first_fit)
    MapSetup(
        {
            "images": assets.LEAFLET_IMAGES,
            "basemaps": [["contours", "Contours (hors ligne)", None, None]]
            + [[key, label, url, attribution] for key, (label, url, attribution) in TILES.items()],
            "basemap": tiles if tiles in TILES else "contours",
            "bounds": REGIONS_BOUNDS,
            "background": [list(layer) for layer in BACKGROUND_LAYERS],
            "outlineStyle": OUTLINE_STYLE,
            "contract": for_the_map(),
            "dataset": dataset_url,
        }
    ).add_to(m)
    return m


def fiche_layer(view_payload: dict) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Actions")
    FicheLayer(view_payload).add_to(group)
    return group
