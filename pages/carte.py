"""Carte: the actions on a map of Centre-Val de Loire and Poitou-Charentes."""

import streamlit as st
from streamlit_folium import st_folium

from fiches import ui
from fiches.mapdata import build_view, resolve_click
from fiches.mapping import base_map, fiche_layer
from fiches.markup import escape_md

ctx = ui.context()
c = ctx.corpus

st.markdown("### Participation des habitants et cadre de vie")
st.caption(
    "Fiches d'expériences en région Centre et Poitou-Charentes (juin 2015). "
    "Cliquez sur un marqueur ou un département pour ouvrir l'action."
)

left, right = st.columns([3, 2], gap="medium")
with left:
    view = build_view(
        ui.map_dataset(), c, ctx.filtered.index, color_by=ctx.view.color_by, selected=ctx.view.fiche
    )
    # None leaves the view to the map (framed on the two regions) or to the user.
    center = st.session_state.get("map_center")
    zoom = st.session_state.get("map_zoom")
    result = st_folium(
        base_map(c.contours, tiles=ui.tiles()),  # fresh each run: st_folium mutates it
        key="carte",
        height=560,
        use_container_width=True,
        center=center,
        zoom=zoom,
        feature_group_to_add=fiche_layer(view.payload),
        returned_objects=["last_object_clicked_tooltip", "last_object_clicked_count"],
    )
    clicked = ui.new_map_click(result)
    if clicked is not None:
        ids = resolve_click(clicked, view.lookup)
        if len(ids) == 1:
            ui.select_fiche(ids[0])
            st.rerun()
        elif ids:
            st.session_state["map_choice"] = ids
    choice = [i for i in st.session_state.get("map_choice", []) if i in ctx.filtered.index]
    if choice:
        st.markdown("**Plusieurs actions dans ce département :**")
        for fid in choice:
            st.button(
                escape_md(c.fiches.at[fid, "titre"]),
                key=f"choice-{fid}",
                on_click=ui.select_fiche,
                args=(fid,),
            )
    if ctx.view.fiche:
        # folded while a fiche is open, so that on a phone the fiche follows the map closely
        st.markdown(ui.count_line(ctx))
        with st.expander("Liste des actions"):
            ui.fiche_list(ctx, key="liste")

with right:
    if ctx.view.fiche:
        ui.fiche_panel(ctx, key="carte")
    else:
        st.markdown(ui.count_line(ctx))
        st.caption("Choisissez une action pour lire sa fiche complète.")
        ui.fiche_list(ctx, key="liste")
