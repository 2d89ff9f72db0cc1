"""Fiches: a table of the filtered fiches, downloads, and the detail panel."""

from functools import partial

import streamlit as st

from fiches import ui
from fiches.excerpts import excerpts
from fiches.export import fiches_csv, places_geojson

TABLE_EXCERPT = 90  # characters of an excerpt in the table

ctx = ui.context()
c = ctx.corpus

ui.page_heading(
    ctx, "Fiches", caption="Cochez une ligne pour ouvrir la fiche complète sous le tableau."
)

table = ctx.filtered[
    ["titre", "bailleurs", "themes", "departements", "communes", "annee_debut"]
].copy()
table["themes"] = ctx.filtered["themes"].map(
    lambda s: ", ".join(c.theme_label(t) for t in s.split(" | ") if t)
)
if ctx.state.q:  # where the words were found, after the title (in three lines)
    why = excerpts(c, ctx.filtered.index, ctx.state, length=TABLE_EXCERPT)
    table.insert(1, "trouve", [why[f].line() if f in why else "" for f in ctx.filtered.index])
event = st.dataframe(
    table,
    key="table",
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    # rows of three lines: long titles and excerpts wrap instead of being cut (Streamlit
    # wraps text only in rows taller than 4rem)
    row_height=72,
    column_config={
        "titre": st.column_config.TextColumn("Titre", width="large"),
        "trouve": st.column_config.TextColumn(
            "Trouvé dans",
            width="large",
            help="La rubrique où les mots cherchés ont été trouvés et un extrait ;"
            " les mots trouvés sont entre ‹ ›.",
        ),
        "bailleurs": "Bailleur",
        "themes": "Thèmes",
        "departements": "Départements",
        "communes": "Communes",
        "annee_debut": st.column_config.NumberColumn("Début", format="%d"),
    },
)
# act on a new selection only: the table keeps its selection after the fiche is closed
rows = list(event.selection.rows) if event else []
if rows != ui.session.table_rows:
    ui.session.table_rows = rows
    if rows and ctx.filtered.index[rows[0]] != ctx.view.fiche:
        fid = ctx.filtered.index[rows[0]]
        ui.select_fiche(fid, focus=ui.panel_selector("fiches", fid))
        st.rerun()

# exports are built when the button is pressed, never on a rerun
cols = st.columns(2)
cols[0].download_button(
    "Télécharger la sélection (CSV)",
    partial(fiches_csv, ctx.filtered),
    file_name="fiches.csv",
    mime="text/csv",
    width="stretch",
)
cols[1].download_button(
    "Télécharger les lieux (GeoJSON)",
    partial(places_geojson, c, ctx.filtered.index),
    file_name="fiches.geojson",
    mime="application/geo+json",
    width="stretch",
)

if ctx.view.fiche:
    ui.fiche_panel(ctx, key="fiches")
