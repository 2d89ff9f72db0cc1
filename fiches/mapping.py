"""Build the folium map: a constant base map and a changing layer of fiche places.

The base map (region and département contours, optional tiles) never changes, so the
Streamlit component is not rebuilt when filters change; the places travel in one
compact layer (``FicheLayer``) passed with ``feature_group_to_add``. Markers are drawn by
a few lines of JavaScript from a JSON array (about 80 bytes a point instead of ~1 KB for
a folium Marker), clustered with Leaflet.markercluster. Every text from a fiche is
HTML-escaped before it reaches the page: Leaflet renders tooltip strings as HTML.
"""

from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field

import folium
from branca.element import MacroElement
from jinja2 import Template

from fiches import assets
from fiches.text import clean_spaces

REGIONS_VIEW = {"center": (46.85, 0.9), "zoom": 7}
# South-west and north-east corners of Centre and Poitou-Charentes (2015 regions).
REGIONS_BOUNDS = ((45.08, -1.57), (48.95, 3.13))
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#393b79", "#7f7f7f",
)  # fmt: skip
OTHER_COLOR = "#7f7f7f"
SPREAD_RADIUS_DEG = 0.004  # ~400 m: fiches sharing a point are drawn around it

TILES = {
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">contributeurs OpenStreetMap</a>',
    ),
    "ign": (
        "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&FORMAT=image/png"
        "&TILEMATRIXSET=PM&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
        '&copy; <a href="https://www.ign.fr/">IGN</a> Plan IGN',
    ),
}


def escape_tooltip(text: str) -> str:
    """The tooltip string for Leaflet (which sets it as innerHTML): escaped text."""
    return html.escape(clean_spaces(text), quote=True)


def tooltip_key(text: str | None) -> str:
    """What the browser sends back for a clicked tooltip, normalised for lookup."""
    return clean_spaces(text or "")


@dataclass
class MapPoint:
    fiche_id: str
    title: str
    lat: float
    lon: float
    color: str
    selected: bool = False


@dataclass
class MapArea:
    name: str
    geometry: dict
    fiche_ids: list[str]
    titles: list[str]
    color: str
    selected: bool = False

    @property
    def tooltip(self) -> str:
        shown = self.titles[:5]
        more = len(self.titles) - len(shown)
        count = f"{len(self.titles)} action{'s' if len(self.titles) > 1 else ''}"
        text = f"{self.name} ({count} au département) : " + " ; ".join(shown)
        return text + (f" ; et {more} autre{'s' if more > 1 else ''}" if more else "")


@dataclass
class LayerData:
    points: list[MapPoint] = field(default_factory=list)
    areas: list[MapArea] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)

    def click_lookup(self) -> dict[str, list[str]]:
        """Tooltip text (as the browser returns it) -> fiche ids."""
        lookup: dict[str, list[str]] = {}
        for p in self.points:
            lookup.setdefault(tooltip_key(p.title), [])
            if p.fiche_id not in lookup[tooltip_key(p.title)]:
                lookup[tooltip_key(p.title)].append(p.fiche_id)
        for a in self.areas:
            lookup[tooltip_key(a.tooltip)] = list(a.fiche_ids)
        return lookup


def spread_points(points: list[MapPoint]) -> list[MapPoint]:
    """Fiches that share one point are placed on a small circle around it."""
    groups: dict[tuple[float, float], list[MapPoint]] = defaultdict(list)
    for p in points:
        groups[(round(p.lat, 5), round(p.lon, 5))].append(p)
    out: list[MapPoint] = []
    for (lat, lon), group in groups.items():
        ids = sorted({p.fiche_id for p in group})
        if len(ids) == 1:
            out.extend(group)
            continue
        for p in group:
            k = ids.index(p.fiche_id)
            angle = 2 * math.pi * k / len(ids)
            dlat = SPREAD_RADIUS_DEG * math.sin(angle)
            dlon = SPREAD_RADIUS_DEG * math.cos(angle) / max(math.cos(math.radians(lat)), 0.1)
            out.append(MapPoint(p.fiche_id, p.title, lat + dlat, lon + dlon, p.color, p.selected))
    return out


class ViewSync(MacroElement):
    """Keeps the map view (lat, lon, z) in the page URL without rerunning the app."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
  map.getContainer().style.background = "#f6f8fa";  // sea and abroad, without tiles
  map.on("moveend", function () {
    try {
      var c = map.getCenter();
      var w = window.parent;
      var url = new URL(w.location.href);
      url.searchParams.set("lat", c.lat.toFixed(4));
      url.searchParams.set("lon", c.lng.toFixed(4));
      url.searchParams.set("z", String(map.getZoom()));
      w.history.replaceState(w.history.state, "", url.toString());
    } catch (e) { /* not same-origin: the view simply stays out of the URL */ }
  });
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )


class FicheLayer(MacroElement):
    """Département contours and clustered markers of the filtered fiches, plus a legend."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (group) {
  var data = {{ this.payload }};
  var areas = L.geoJSON(null, {
    style: function (f) {
      return {color: f.properties.c, weight: f.properties.s ? 3 : 1.5,
              fillColor: f.properties.c, fillOpacity: f.properties.s ? 0.35 : 0.18};
    },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(f.properties.t, {sticky: true});
      layer.options.fiche = true;
    }
  });
  data.areas.forEach(function (a) { areas.addData(a); });
  areas.addTo(group);
  var cluster = L.markerClusterGroup({
    showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true,
    chunkedLoading: true
  });
  var markers = data.points.map(function (p) {
    var size = p[4] ? 22 : 16;
    var icon = L.divIcon({
      className: "fiche-pin" + (p[4] ? " fiche-pin-selected" : ""),
      html: '<span style="display:block;width:' + size + 'px;height:' + size +
            'px;border-radius:50%;border:2px solid #fff;box-shadow:0 0 0 1px #333;background:' +
            data.colors[p[2]] + '"></span>',
      iconSize: [size + 4, size + 4], iconAnchor: [(size + 4) / 2, (size + 4) / 2]
    });
    var m = L.marker([p[0], p[1]], {icon: icon, keyboard: true, riseOnHover: true});
    m.bindTooltip(p[3], {direction: "top"});
    return m;
  });
  cluster.addLayers(markers);
  cluster.addTo(group);
  var legend = L.control({position: "topright"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "fiche-legend");
    div.style.cssText = "background:#fff;padding:4px 8px;border-radius:4px;" +
      "box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.4 sans-serif;max-width:210px";
    L.DomEvent.disableClickPropagation(div);
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.style.cssText = "border:0;background:none;font:inherit;font-weight:600;" +
      "cursor:pointer;padding:2px 0";
    toggle.textContent = "Légende : " + data.legendTitle.toLowerCase() + " ▾";
    var list = document.createElement("div");
    list.style.display = "none";
    toggle.addEventListener("click", function () {
      var open = list.style.display === "none";
      list.style.display = open ? "block" : "none";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    div.appendChild(toggle);
    data.legend.forEach(function (item) {
      var row = document.createElement("div");
      var sw = document.createElement("span");
      sw.style.cssText = "display:inline-block;width:10px;height:10px;border-radius:50%;" +
        "margin-right:6px;background:" + item[1];
      row.appendChild(sw);
      row.appendChild(document.createTextNode(item[0]));
      list.appendChild(row);
    });
    div.appendChild(list);
    return div;
  };
  if (window.__ficheLegend) { window.__ficheLegend.remove(); }
  if (data.legend.length) { legend.addTo({{ this._parent._parent.get_name() }}); }
  window.__ficheLegend = data.legend.length ? legend : null;
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, data: LayerData, legend_title: str) -> None:
        super().__init__()
        self._name = "FicheLayer"
        colors = list(dict.fromkeys([c for _, c in data.legend] + [OTHER_COLOR]))
        index = {c: i for i, c in enumerate(colors)}
        payload = {
            "colors": colors,
            "legendTitle": legend_title,
            "legend": [[label, color] for label, color in data.legend],
            "points": [
                [round(p.lat, 5), round(p.lon, 5), index.get(p.color, 0), escape_tooltip(p.title)]
                + ([1] if p.selected else [])
                for p in spread_points(data.points)
            ],
            "areas": [
                {
                    "type": "Feature",
                    "geometry": a.geometry,
                    "properties": {
                        "t": escape_tooltip(a.tooltip),
                        "c": a.color,
                        "s": int(a.selected),
                    },
                }
                for a in data.areas
            ],
        }
        # json.dumps escapes nothing HTML-specific; forbid "</" so the payload cannot end a
        # <script> element, and keep the JSON valid JavaScript.
        self.payload = (
            json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
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
    ]
    m.default_css = [
        ("leaflet_css", assets.LEAFLET_CSS),
        ("markercluster_css", assets.CLUSTER_CSS),
        ("markercluster_default_css", assets.CLUSTER_DEFAULT_CSS),
    ]
    return m


def base_map(contours: dict, *, tiles: str | None = None) -> folium.Map:
    """The constant base map: framed on the two regions, their contours as background."""
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
    if tiles in TILES:
        url, attribution = TILES[tiles]
        folium.TileLayer(url, attr=attribution, name=tiles, max_zoom=18).add_to(m)
    deps = [f for f in contours["features"] if f["properties"]["kind"] == "departement"]
    regions = [f for f in contours["features"] if f["properties"]["kind"] == "region_2015"]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": deps},
        name="Départements",
        style_function=lambda f: {
            "color": "#6b7785",
            "weight": 1,
            "fillColor": "#eef1f4",
            "fillOpacity": 0.6,
        },
        interactive=False,
    ).add_to(m)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": regions},
        name="Régions 2015",
        style_function=lambda f: {"color": "#34495e", "weight": 2.5, "fill": False},
        interactive=False,
    ).add_to(m)
    m.fit_bounds(REGIONS_BOUNDS)
    ViewSync().add_to(m)
    return m


def fiche_layer(data: LayerData, legend_title: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Actions")
    FicheLayer(data, legend_title).add_to(group)
    return group


def standalone_html(contours: dict, data: LayerData, legend_title: str) -> str:
    """The same map as one HTML page (used by tests and the benchmark)."""
    m = base_map(contours)
    fiche_layer(data, legend_title).add_to(m)
    return m.get_root().render()


def _color_table(corpus, color_by: str) -> tuple[dict[str, str], list[tuple[str, str]], str]:
    """(fiche id -> colour, legend entries, legend title) for colouring by thème or bailleur."""
    column = "bailleurs" if color_by == "bailleur" else "themes"
    values = corpus.options(column)
    colors = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}
    firsts = corpus.first_value(column)
    by_fiche = dict(zip(firsts.index, firsts.map(colors).fillna(OTHER_COLOR), strict=True))
    label = corpus.theme_label if column == "themes" else (lambda v: v)
    legend = [(label(v), colors[v]) for v in values]
    if (firsts == "").any():
        legend.append(("Sans bailleur" if column == "bailleurs" else "Sans thème", OTHER_COLOR))
    return by_fiche, legend, "Bailleur" if column == "bailleurs" else "Thème principal"


def layer_data(
    corpus, fiche_ids, *, color_by: str = "theme", selected: str = ""
) -> tuple[LayerData, str]:
    """Points and département areas of the given fiches, coloured; plus the legend title."""
    ids = set(fiche_ids)
    colors, legend, legend_title = _color_table(corpus, color_by)
    places = corpus.places[corpus.places["fiche_id"].isin(ids)]
    titles = corpus.fiches["titre"]
    data = LayerData()
    used_colors: set[str] = set()
    points = places[places["lat"].notna()]
    for fid, lat, lon in zip(points["fiche_id"], points["lat"], points["lon"], strict=True):
        color = colors.get(fid, OTHER_COLOR)
        used_colors.add(color)
        data.points.append(
            MapPoint(fid, titles[fid], float(lat), float(lon), color, fid == selected)
        )
    dep_places = places[(places["niveau"] == "departement") & places["lat"].isna()]
    contours = {
        f["properties"]["code"]: f
        for f in corpus.contours["features"]
        if f["properties"]["kind"] == "departement"
    }
    for code, group in dep_places.groupby("code_departement", sort=True):
        feature = contours.get(code)
        if feature is None:
            continue
        fids = list(dict.fromkeys(group["fiche_id"]))
        first_color = colors.get(fids[0], OTHER_COLOR)
        color = first_color if all(colors.get(f) == first_color for f in fids) else OTHER_COLOR
        used_colors.add(color)
        data.areas.append(
            MapArea(
                corpus.departements.get(code, feature["properties"]["nom"]),
                feature["geometry"],
                fids,
                [titles[f] for f in fids],
                color,
                selected in fids,
            )
        )
    data.legend = [(label, c) for label, c in legend if c in used_colors]
    return data, legend_title


def view_of_fiche(corpus, fiche_id: str) -> tuple[tuple[float, float], int] | None:
    """Centre and zoom that show every place of a fiche."""
    places = corpus.places[corpus.places["fiche_id"] == fiche_id]
    lats, lons = list(places["lat"].dropna()), list(places["lon"].dropna())
    for code in places.loc[places["niveau"] == "departement", "code_departement"]:
        for f in corpus.contours["features"]:
            if f["properties"]["kind"] == "departement" and f["properties"]["code"] == code:
                for lon, lat in _coords(f["geometry"]):
                    lats.append(lat)
                    lons.append(lon)
    if not lats:
        return None
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * 0.7)
    zoom = 13 if span < 0.02 else 11 if span < 0.15 else 9 if span < 0.8 else 8 if span < 1.6 else 7
    return ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2), zoom


def _coords(geometry: dict):
    def walk(obj):
        if obj and isinstance(obj[0], (int, float)):
            yield obj
        else:
            for x in obj:
                yield from walk(x)

    yield from walk(geometry["coordinates"])


def resolve_click(tooltip: str | None, lookup: dict[str, list[str]]) -> list[str]:
    """Fiche ids behind a clicked marker or area (from the tooltip the browser returns)."""
    return list(lookup.get(tooltip_key(tooltip), []))
