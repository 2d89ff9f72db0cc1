"""Entry point: page config, navigation and the shared sidebar. Run: ``make run``."""

import time
from pathlib import Path

import streamlit as st

from fiches import ui

started = time.perf_counter()
st.set_page_config(
    page_title="Fiches d'expériences · Participation des habitants",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
)
ui.setup()

PAGES = {
    "carte": st.Page(
        "pages/carte.py", title="Carte", icon=":material/map:", url_path="carte", default=True
    ),
    "fiches": st.Page(
        "pages/fiches.py", title="Fiches", icon=":material/table_rows:", url_path="fiches"
    ),
    "statistiques": st.Page(
        "pages/statistiques.py",
        title="Statistiques",
        icon=":material/bar_chart:",
        url_path="statistiques",
    ),
    "importer": st.Page(
        "pages/importer.py", title="Importer", icon=":material/upload_file:", url_path="importer"
    ),
    "a_propos": st.Page(
        "pages/a_propos.py", title="À propos", icon=":material/info:", url_path="a_propos"
    ),
}
navigation = st.navigation(list(PAGES.values()))
st.session_state["ctx"] = ui.sidebar()
if st.session_state.pop("goto_map", False) and navigation.url_path != "carte":
    st.switch_page(PAGES["carte"], query_params=st.query_params.to_dict())
navigation.run()
ui.record_run_time(time.perf_counter() - started)
