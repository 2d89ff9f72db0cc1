"""Peer: a vanilla streamlit-folium app drawing the dashboard's points.

MarkerCluster of plain markers with a tooltip up to ``FAST_FROM`` points, FastMarkerCluster
above (as streamlit-folium's docs advise for thousands of points). Leaflet and MarkerCluster
are served locally, like the dashboard's. The points (``[[lat, lon, title], ...]``) are
read from the JSON file named by ``PEER_POINTS``; ``PEER_RUNS`` names a file that gets one
line per script run.
"""

import json
import os

import folium
import streamlit as st
from folium.plugins import FastMarkerCluster, MarkerCluster
from streamlit_folium import st_folium

from fiches import assets

FAST_FROM = 1_000
# FastMarkerCluster's default callback needs Leaflet.awesome-markers, not served here
PLAIN_MARKER = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"


@st.cache_data
def load_points(path: str) -> list:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


if os.environ.get("PEER_RUNS"):
    with open(os.environ["PEER_RUNS"], "a", encoding="utf-8") as fh:
        fh.write("run\n")

points = load_points(os.environ["PEER_POINTS"])
st.title("Fiches d'expériences")
m = folium.Map(location=[47.0, 0.7], zoom_start=7, tiles=None, maxZoom=18)
m.default_js = [("leaflet", assets.LEAFLET_JS)]
m.default_css = [("leaflet_css", assets.LEAFLET_CSS)]
if len(points) >= FAST_FROM:
    cluster = FastMarkerCluster([p[:2] for p in points], callback=PLAIN_MARKER)
else:
    cluster = MarkerCluster()
    for lat, lon, title in points:
        folium.Marker([lat, lon], tooltip=title).add_to(cluster)
cluster.default_js = [("markercluster", assets.CLUSTER_JS)]
cluster.default_css = [
    ("markercluster_css", assets.CLUSTER_CSS),
    ("markercluster_default_css", assets.CLUSTER_DEFAULT_CSS),
]
cluster.add_to(m)
st_folium(
    m, key="carte", height=560, use_container_width=True, returned_objects=["last_object_clicked"]
)
