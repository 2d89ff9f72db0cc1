"""Importer: parse another document of fiches, preview it, download the updated tables.

The hosted app never writes to its own data: the updated CSV files are offered for
download, to be committed (or imported with ``python -m fiches import``).
"""

import pandas as pd
import streamlit as st

from fiches import ui
from fiches.build import group_warnings
from fiches.importer import (
    MAX_DOCUMENT_BYTES,
    DocumentRefused,
    decode_document,
    fiche_preview,
    import_summary,
    place_preview,
    plan_import,
    preview_map_svg,
)
from fiches.markup import escape_md
from fiches.notices import fr_int
from fiches.parse import ParseError

LISTED = 200  # warnings listed on the page, per kind; the rest is downloaded

ui.context()
st.title("Importer des fiches", anchor=False)
st.markdown(
    "Déposez un document de fiches d'expériences au même format que la collection de 2015 "
    "(texte issu d'un PDF : une ligne « rubrique ⇥ texte » par rubrique, un sommaire en tête). "
    "Rien n'est modifié sur le site : vous obtenez un aperçu, puis les tables mises à jour "
    "à télécharger."
)
# Any file is taken and checked here: Streamlit's own refusal of a type is in English.
upload = st.file_uploader(
    "Document texte (.txt ou .md, UTF-8)",
    accept_multiple_files=False,
    max_upload_size=MAX_DOCUMENT_BYTES // 1_000_000,
    key="import_file",
)
if upload is None:
    ui.stop()

try:
    text = decode_document(upload.getvalue(), upload.name)
    plan = plan_import(text, upload.name, data_dir=ui.data_dir())
except (ParseError, DocumentRefused) as exc:
    st.error(f"Import impossible : {escape_md(str(exc))}")
    ui.stop()

st.success(escape_md(import_summary(plan)))
if plan.kind == "same":
    st.info(
        f"Ce document est déjà dans la collection (source « {escape_md(plan.source.id)} ») :"
        " rien ne change."
    )
elif plan.kind == "revision":
    st.info(
        f"Nouvelle version d'un document connu : ses fiches sont mises à jour sous la même"
        f" source (« {escape_md(plan.source.id)} »)."
    )
# one line per kind, its count first; the list itself folded (thousands of lines)
groups = group_warnings(plan.result.warnings)
for i, group in enumerate(groups):
    st.warning(escape_md(group.headline))
    with st.expander(f"Voir la liste ({fr_int(len(group.items))})"):
        st.markdown("\n".join(f"- {escape_md(item)}" for item in group.items[:LISTED]))
        if len(group.items) > LISTED:
            st.caption(f"… et {fr_int(len(group.items) - LISTED)} autres.")
            st.download_button(
                "Télécharger la liste complète",
                "\n".join(group.items) + "\n",
                f"avertissements-{i + 1}.txt",
                "text/plain",
                key=f"import-warnings-{i}",
            )
if any("curation" in group.headline for group in groups):
    st.caption(
        "La « curation », ce sont les thèmes, les types de porteurs et les lieux précisés à la"
        " main pour chaque fiche (fichier data/curation.toml). Une fiche nouvelle n'en a pas"
        " encore : elle s'affiche, sans thème ni type de porteur, jusqu'à ce qu'on les ajoute."
    )

st.subheader("Aperçu des fiches", anchor=False)
st.dataframe(pd.DataFrame(fiche_preview(plan)), hide_index=True, width="stretch")
st.subheader("Lieux détectés", anchor=False)
places = place_preview(plan)
if places:
    st.dataframe(pd.DataFrame(places), hide_index=True, width="stretch")
    st.caption("Sur la carte, chaque lieu porte le numéro de sa fiche dans l'aperçu.")
    with st.container(key="import-map"):
        st.image(preview_map_svg(plan, ui.corpus().contours), width=480)
else:
    st.info("Aucun lieu reconnu : à compléter dans data/curation.toml.")
cols = st.columns(2)
cols[0].download_button(
    "Télécharger fiches.csv mis à jour", plan.result.fiches_csv(), "fiches.csv", "text/csv"
)
cols[1].download_button(
    "Télécharger places.csv mis à jour", plan.result.places_csv(), "places.csv", "text/csv"
)
