"""Build the folium map: a constant base map and a small changing layer of fiches.

The base map (region and département contours, optional tiles) never changes, so the
Streamlit component is not rebuilt when filters change. The fiches travel as data
(``mapdata``): a dataset file fetched once by the browser, and a view of a few KB per
rerun passed with ``feature_group_to_add``; a few lines of JavaScript draw markers
(clustered with Leaflet.markercluster) and département areas from them. Every text from a
fiche is HTML-escaped before it reaches the page: Leaflet renders tooltip strings as HTML.
"""

from __future__ import annotations

import json

import folium
from branca.element import MacroElement
from jinja2 import Template

from fiches import assets

REGIONS_VIEW = {"center": (46.85, 0.9), "zoom": 7}
# South-west and north-east corners of Centre and Poitou-Charentes (2015 regions).
REGIONS_BOUNDS = ((45.08, -1.57), (48.95, 3.13))

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


class ViewSync(MacroElement):
    """Keeps the map view (lat, lon, z) in the page URL without rerunning the app."""

    images = assets.LEAFLET_IMAGES

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
  // Leaflet guesses its image folder from its script URL; say it, for any default icon
  L.Icon.Default.imagePath = "{{ this.images }}";
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
    """The visible fiches: département areas, clustered markers and a legend.

    Draws from the dataset file (fetched once per page, see ``mapdata``) and the small
    per-rerun view. Tooltip strings are HTML-escaped in Python; the legend is built with
    ``textContent``. Nothing from a fiche is ever inserted as markup.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (group, map) {
  var view = {{ this.payload }};
  function visible(i) {
    return (window.__ficheBits[i >> 3] >> (i & 7)) & 1;
  }
  function draw(ds) {
    var raw = atob(view.visible);
    window.__ficheBits = new Uint8Array(raw.length);
    for (var b = 0; b < raw.length; b++) { window.__ficheBits[b] = raw.charCodeAt(b); }
    var areas = L.geoJSON(null, {
      style: function (f) {
        var c = ds.colors[f.properties.c];
        return {color: c, weight: f.properties.s ? 3 : 1.5, fillColor: c,
                fillOpacity: f.properties.s ? 0.35 : 0.18};
      },
      onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.t, {sticky: true}); }
    });
    view.areas.forEach(function (a) {
      var geometry = ds.deps[a[0]];
      if (geometry) {
        areas.addData({type: "Feature", geometry: geometry,
                       properties: {t: a[1], c: a[2], s: a[3]}});
      }
    });
    areas.addTo(group);
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true,
      chunkedLoading: true
    });
    var icons = {};
    function icon(color, selected) {
      var key = color + (selected ? "s" : "");
      if (!icons[key]) {
        var size = selected ? 22 : 16;
        icons[key] = L.divIcon({
          className: "fiche-pin" + (selected ? " fiche-pin-selected" : ""),
          html: '<span style="display:block;width:' + size + "px;height:" + size +
                "px;border-radius:50%;border:2px solid #fff;box-shadow:0 0 0 1px #333;" +
                "background:" + ds.colors[color] + '"></span>',
          iconSize: [size + 4, size + 4], iconAnchor: [(size + 4) / 2, (size + 4) / 2]
        });
      }
      return icons[key];
    }
    var markers = [];
    ds.points.forEach(function (p) {
      var i = p[2];
      if (!visible(i)) { return; }
      var m = L.marker([p[0], p[1]], {
        icon: icon(ds.fiches[i][view.mode], i === view.selected), keyboard: true,
        riseOnHover: true
      });
      m.fiche = i;
      markers.push(m);
    });
    // Tooltips are bound on first use (hover, focus or click), not for every marker up
    // front: at 10,000 fiches that is most of the drawing time. This handler runs before
    // streamlit-folium's click handler, which reads the tooltip to identify the fiche.
    function tooltip(e) {
      var m = e.layer || e.target;
      if (m && m.fiche !== undefined && !m.getTooltip()) {
        m.bindTooltip(ds.fiches[m.fiche][0], {direction: "top"});
        if (e.type !== "click") { m.openTooltip(); }
      }
    }
    cluster.on("mouseover", tooltip);
    cluster.on("click", tooltip);
    cluster.on("keypress", tooltip);
    cluster.addLayers(markers);
    cluster.addTo(group);
    legend(ds);
  }
  function legend(ds) {
    if (window.__ficheLegend) { window.__ficheLegend.remove(); window.__ficheLegend = null; }
    if (!view.legend.length) { return; }
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "fiche-legend");
      div.style.cssText = "background:#fff;padding:4px 8px;border-radius:4px;" +
        "box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.4 sans-serif;max-width:210px";
      L.DomEvent.disableClickPropagation(div);
      var toggle = document.createElement("button");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", window.__ficheLegendOpen ? "true" : "false");
      toggle.style.cssText = "border:0;background:none;font:inherit;font-weight:600;" +
        "cursor:pointer;padding:2px 0";
      toggle.textContent = "Légende : " + view.legendTitle.toLowerCase() + " ▾";
      var list = document.createElement("div");
      list.style.display = window.__ficheLegendOpen ? "block" : "none";
      toggle.addEventListener("click", function () {
        window.__ficheLegendOpen = list.style.display === "none";
        list.style.display = window.__ficheLegendOpen ? "block" : "none";
        toggle.setAttribute("aria-expanded", window.__ficheLegendOpen ? "true" : "false");
      });
      div.appendChild(toggle);
      view.legend.forEach(function (item) {
        var row = document.createElement("div");
        var swatch = document.createElement("span");
        swatch.style.cssText = "display:inline-block;width:10px;height:10px;" +
          "border-radius:50%;margin-right:6px;background:" + item[1];
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(item[0]));
        list.appendChild(row);
      });
      div.appendChild(list);
      return div;
    };
    control.addTo(map);
    window.__ficheLegend = control;
  }
  window.__ficheData = window.__ficheData || {};
  if (view.data) { window.__ficheData[view.url] = view.data; }
  if (window.__ficheData[view.url]) {
    draw(window.__ficheData[view.url]);
  } else {
    fetch(view.url).then(function (r) { return r.json(); }).then(function (ds) {
      window.__ficheData[view.url] = ds;
      draw(ds);
    });
  }
})({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }});
{% endmacro %}
"""
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
    ]
    m.default_css = [
        ("leaflet_css", assets.LEAFLET_CSS),
        ("markercluster_css", assets.CLUSTER_CSS),
        ("markercluster_default_css", assets.CLUSTER_DEFAULT_CSS),
    ]
    return m


# The contours drawn under the actions, bottom first: (kind in contours.geojson, name, style).
BACKGROUND_LAYERS = (
    ("departement", "Départements",
     {"color": "#6b7785", "weight": 1, "fillColor": "#eef1f4", "fillOpacity": 0.6}),
    ("commune", "Communes citées",
     {"color": "#6b7785", "weight": 1, "dashArray": "4 3", "fill": False}),
    ("region_2015", "Régions 2015", {"color": "#34495e", "weight": 2.5, "fill": False}),
)  # fmt: skip


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
    for kind, name, style in BACKGROUND_LAYERS:
        features = [f for f in contours["features"] if f["properties"]["kind"] == kind]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=name,
            style_function=lambda f, style=style: style,
            interactive=False,
        ).add_to(m)
    m.fit_bounds(REGIONS_BOUNDS)
    ViewSync().add_to(m)
    return m


def fiche_layer(view_payload: dict) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Actions")
    FicheLayer(view_payload).add_to(group)
    return group


PLAIN_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Carte Leaflet simple</title>
<link rel="stylesheet" href="{leaflet_css}"><link rel="stylesheet" href="{cluster_css}">
<link rel="stylesheet" href="{cluster_default_css}">
<script src="{leaflet_js}"></script><script src="{cluster_js}"></script>
<style>html,body,#map{{height:100%;margin:0}}</style></head>
<body><div id="map"></div><script>
var map = L.map("map", {{maxZoom: 18}}).fitBounds([[45.08, -1.57], [48.95, 3.13]]);
fetch("{url}").then(function (r) {{ return r.json(); }}).then(function (ds) {{
  var cluster = L.markerClusterGroup({{maxClusterRadius: 40, chunkedLoading: true}});
  var markers = ds.points.map(function (p) {{
    var icon = L.divIcon({{className: "fiche-pin", iconSize: [20, 20]}});
    var m = L.marker([p[0], p[1]], {{icon: icon}});
    m.bindTooltip(ds.fiches[p[2]][0]);
    return m;
  }});
  cluster.addLayers(markers);
  cluster.addTo(map);
}});
</script></body></html>
"""


def plain_leaflet_page(dataset_url: str) -> str:
    """A plain Leaflet page drawing every point of the dataset: the floor for benchmarks."""
    return PLAIN_PAGE.format(
        url=dataset_url,
        leaflet_css=assets.LEAFLET_CSS,
        cluster_css=assets.CLUSTER_CSS,
        cluster_default_css=assets.CLUSTER_DEFAULT_CSS,
        leaflet_js=assets.LEAFLET_JS,
        cluster_js=assets.CLUSTER_JS,
    )
