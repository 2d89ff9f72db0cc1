"""Probe: how many script runs one page load of a streamlit-folium map makes.

``?variant=`` picks the ``st_folium`` call: ``count`` (the dashboard's returned objects:
clicked tooltip and click count), ``count-fixed`` (the same with ``ClickCountFromNone``
on the map), ``tooltip`` (clicked tooltip only). Each run appends ``<variant> <count>`` to
the file named by ``PEER_RUNS``. Driven by ``python -m scripts.peers.check_rerun``.
"""

import os

import folium
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from fiches import assets


class ClickCountFromNone(MacroElement):
    """streamlit-folium (0.27.4) starts its click counter at 0 in the browser while the
    Python default is None, so the map's first report differs from the default and reruns
    the script on every page load. Starting the counter at null makes that first report
    equal the default; clicks still count 1, 2, ... (null + 1 is 1 in JavaScript). It must
    be a child of the map: the map's script runs just before streamlit-folium reads it."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
if (window.__GLOBAL_DATA__ && window.__GLOBAL_DATA__.last_object_clicked_count === 0) {
  window.__GLOBAL_DATA__.last_object_clicked_count = null;
}
{% endmacro %}
"""
    )


RETURNED = {
    "count": ["last_object_clicked_tooltip", "last_object_clicked_count"],
    "count-fixed": ["last_object_clicked_tooltip", "last_object_clicked_count"],
    "tooltip": ["last_object_clicked_tooltip"],
}

variant = st.query_params.get("variant", "count")
m = folium.Map(location=[47.0, 0.7], zoom_start=7, tiles=None, maxZoom=18)
m.default_js = [("leaflet", assets.LEAFLET_JS)]
m.default_css = [("leaflet_css", assets.LEAFLET_CSS)]
if variant == "count-fixed":
    ClickCountFromNone().add_to(m)
layer = folium.FeatureGroup(name="Actions")
folium.CircleMarker([47.39, 0.69], radius=12, tooltip="Tours", fill=True).add_to(layer)
result = st_folium(
    m,
    key="carte",
    height=400,
    width=600,
    center=[47.0, 0.7],
    zoom=7,
    feature_group_to_add=layer,
    returned_objects=RETURNED[variant],
)
count = (result or {}).get("last_object_clicked_count")
st.write(f"count={count} tooltip={(result or {}).get('last_object_clicked_tooltip')}")
with open(os.environ["PEER_RUNS"], "a", encoding="utf-8") as fh:
    fh.write(f"{variant} {count}\n")
