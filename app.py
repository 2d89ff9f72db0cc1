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
ui.check_assets()
ui.page_style()

CARTE = st.Page("pages/carte.py", title="Carte", icon=":material/map:", url_path="carte")
MENU = [
    CARTE,
    st.Page("pages/fiches.py", title="Fiches", icon=":material/table_rows:", url_path="fiches"),
    st.Page(
        "pages/statistiques.py",
        title="Statistiques",
        icon=":material/bar_chart:",
        url_path="statistiques",
    ),
    st.Page("pages/dossier.py", title="Dossier", icon=":material/print:", url_path="dossier"),
    COMPARER := st.Page(
        "pages/comparer.py", title="Comparer", icon=":material/compare:", url_path="comparer"
    ),
    st.Page(
        "pages/synthese.py", title="Synthèse", icon=":material/summarize:", url_path="synthese"
    ),
    st.Page(
        "pages/importer.py", title="Importer", icon=":material/upload_file:", url_path="importer"
    ),
    st.Page(
        "pages/proposer.py",
        title="Proposer une fiche",
        icon=":material/edit_note:",
        url_path="proposer",
    ),
    st.Page(
        "pages/moderation.py",
        title="Modération",
        icon=":material/fact_check:",
        url_path="moderation",
    ),
    st.Page("pages/a_propos.py", title="À propos", icon=":material/info:", url_path="a_propos"),
]
# The map also answers at the site's root: Streamlit serves its default page at "/" only,
# and "/carte" must work too (shared and embedded links).
HOME = st.Page("pages/carte.py", title="Carte", url_path="accueil", default=True)

navigation = st.navigation([HOME, *MENU], position="hidden")
ctx = ui.run_context(MENU)
ui.data_notices(ctx)
if ui.session.goto_map:  # « Voir sur la carte » from another page
    ui.session.goto_map = False
    if navigation.url_path not in ("carte", ""):
        st.switch_page(CARTE, query_params=ui.query_of(ctx))
if ui.session.goto_compare:  # « Ajouter à la comparaison »
    ui.session.goto_compare = False
    if navigation.url_path != "comparer":
        st.switch_page(COMPARER, query_params=ui.compare_query(ctx))
try:
    navigation.run()
    ui.end_of_run()  # pages that stop early end their run with ui.stop()
finally:
    elapsed = time.perf_counter() - started
    ui.session.run_ms = elapsed * 1000  # read by the benchmarks' AppTest runs
    ui.record_run_time(elapsed)
