"""The plain Leaflet page: the same points as the dashboard, no Streamlit (the floor)."""

from __future__ import annotations

from pathlib import Path
from string import Template

from fiches import assets

PAGE = Path(__file__).with_name("plain.html")


def plain_leaflet_page(dataset_url: str) -> str:
    """A plain Leaflet page drawing every point of the dashboard's dataset."""
    return Template(PAGE.read_text(encoding="utf-8")).substitute(
        url=dataset_url,
        leaflet_css=assets.LEAFLET_CSS,
        cluster_css=assets.CLUSTER_CSS,
        cluster_default_css=assets.CLUSTER_DEFAULT_CSS,
        leaflet_js=assets.LEAFLET_JS,
        cluster_js=assets.CLUSTER_JS,
    )
