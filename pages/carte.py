"""Carte: the actions on a map of Centre-Val de Loire and Poitou-Charentes."""

import streamlit as st
from streamlit_folium import st_folium

from fiches import ui
from fiches.map_data import build_view, choice_heading, resolve_click
from fiches.map_folium import base_map, fiche_layer
from fiches.markup import escape_md

ctx = ui.context()
c = ctx.corpus
PANEL = "carte"

if not ctx.embed:
    st.title("Carte des actions", anchor=False)
    st.caption(
        "« Participation des habitants et cadre de vie » : fiches d'expériences en région "
        "Centre et Poitou-Charentes (juin 2015). Cliquez sur un marqueur ou un département "
        "pour ouvrir l'action."
    )

# The map takes the width; the fiche's panel goes beside it while one is open. One layout
# for both states (the right column only narrows to nothing): moving the map to another
# place in the page would rebuild its frame and lose the view the person chose.
left, right = st.columns(
    [3, 2] if ctx.view.fiche else [1, 1e-6], gap="medium" if ctx.view.fiche else None
)
with left:
    # A view set by the URL or « Voir sur la carte » is kept; otherwise the map fits the
    # visible actions, after every filter change.
    center, zoom = ui.session.map_center, ui.session.map_zoom
    dataset = ui.map_dataset()
    view = build_view(
        dataset,
        c,
        ctx.filtered.index,
        color_by=ctx.view.color_by,
        selected=ctx.view.fiche,
        fit=ctx.view.zoom is None and zoom is None,
    )
    result = st_folium(
        # fresh each run (st_folium mutates it), identical for a corpus
        base_map(tiles=ui.default_tiles(), dataset_url=dataset.url),
        key="carte",
        height=560,
        use_container_width=True,
        center=center,
        zoom=zoom,
        feature_group_to_add=fiche_layer(view.payload),
        # only the click: panning and zooming never rerun, and the first report equals
        # the default (no second run on page load)
        returned_objects=["last_object_clicked_tooltip"],
    )
    ref = ui.new_map_click(result)
    ids = resolve_click(ref, dataset, view)
    if len(ids) == 1:
        ui.select_fiche(ids[0], focus=ui.panel_selector(PANEL, ids[0]))
        st.rerun()
    elif ids:
        ui.session.map_choice, ui.session.map_choice_ref = ids, ref
        ui.session.focus = ".st-key-map-choice h2"
    choice = [i for i in ui.session.map_choice if i in ctx.filtered.index]
    if choice:
        with st.container(key="map-choice"):
            heading = choice_heading(dataset, ui.session.map_choice_ref)  # a département, a commune
            st.markdown(f"## {escape_md(heading)}")
            for fid in choice:
                ui.action_button(
                    escape_md(c.fiches.at[fid, "titre"]),
                    key=f"choice-{fid}",
                    on_click=ui.select_fiche,
                    args=(fid,),
                    kwargs={"focus": ui.panel_selector(PANEL, fid)},
                )
    if ctx.view.fiche:
        # folded while a fiche is open, so that on a phone the fiche follows the map closely
        st.markdown(ui.count_line(ctx))
        with st.expander("Liste des actions"):
            ui.fiche_list(ctx, key="liste", panel=PANEL)
    else:
        if not ctx.embed:
            ui.share_buttons(key="carte")
        st.markdown(ui.count_line(ctx))
        if not ctx.filtered.empty:  # over an empty result, the list says why instead
            st.caption("Choisissez une action pour lire sa fiche complète.")
        ui.fiche_list(ctx, key="liste", panel=PANEL)

if ctx.view.fiche:
    with right:
        ui.fiche_panel(ctx, key=PANEL)
