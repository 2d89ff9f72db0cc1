"""Dossier: the filtered fiches as one printable document (cover, map, contents, fiches)."""

from datetime import date

import streamlit as st

from fiches import ui
from fiches.dossier import (
    CONFIRM_ABOVE,
    MAX_FICHES,
    build_dossier,
    cover_map_svg,
    dashboard_base,
    selection_title,
)
from fiches.markup import escape_md
from fiches.urlstate import selection_url

ctx = ui.context()
c = ctx.corpus

ui.page_heading(
    ctx, "Dossier", empty="Aucune action ne correspond à ces filtres : le dossier serait vide."
)

ids = tuple(ctx.filtered.index)
n = len(ids)
title = selection_title(c, ctx.state, n)
st.markdown(f"### {escape_md(title)}")
st.caption(
    "Un document à imprimer ou à distribuer (A4) : une couverture avec la carte des actions"
    " numérotées, le sommaire, puis chaque fiche complète sur ses propres pages, avec le lien"
    " et le QR code qui ramènent à la fiche sur la carte en ligne. Il suit les filtres."
)
if n > MAX_FICHES:
    st.warning(
        f"Un dossier compte au plus {MAX_FICHES} fiches (environ trois pages chacune)."
        " Affinez la sélection avec les filtres."
    )
    ui.stop()

base = dashboard_base(st.context.url, "dossier")
key = (ids, title, base, date.today())
built = ui.session.dossier_built
if built is None or built[0] != key:
    if n > CONFIRM_ABOVE and ui.session.dossier_confirmed != key:
        # a callback, not the button's value: it holds even if the run is restarted
        st.button(
            f"Construire le dossier de {n} fiches",
            type="primary",
            key="dossier-confirm",
            on_click=lambda: setattr(ui.session, "dossier_confirmed", key),
        )
        st.warning(
            f"Cette sélection compte {n} fiches (plus de {CONFIRM_ABOVE}) : le document sera"
            " long et sa construction peut prendre quelques secondes."
        )
        ui.stop()
    with st.spinner("Construction du dossier…"):
        document = build_dossier(
            c,
            ids,
            title=title,
            base_url=base,
            selection_url=selection_url(base, ctx.state),
        )
    built = (key, document)
    ui.session.dossier_built = built
document = built[1]

cols = st.columns(2)
cols[0].download_button(
    "Télécharger le dossier (HTML)",
    document,
    file_name="dossier-fiches.html",
    mime="text/html",
    icon=":material/download:",
    help="Un seul fichier, sans connexion : l'ouvrir dans un navigateur puis l'imprimer (A4).",
    key="dossier-html",
    width="stretch",
)
cols[1].caption(
    "Pour un PDF : ouvrir le fichier dans le navigateur, « Imprimer » (A4, portrait), puis"
    " « Enregistrer au format PDF ». Chaque fiche commence sur une nouvelle page."
)

left, right = st.columns([3, 2])
with left:
    st.markdown("#### Carte de la couverture")
    # as an image: st.html sanitises the SVG away; st.image keeps it whole (a data: URI)
    st.image(
        cover_map_svg(c, ids),
        width="stretch",
        alt="Carte des actions du dossier, numérotées comme au sommaire",
    )
with right:
    st.markdown("#### Sommaire")
    with st.container(height=520, key="dossier-sommaire"):
        for i, titre in enumerate(ctx.filtered["titre"], start=1):
            st.markdown(f"**{i}.** {escape_md(titre)}")
