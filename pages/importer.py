"""Importer: parse another document of fiches, preview it, download the updated tables.

The hosted app never writes to its own data: the updated CSV files are offered for
download, to be committed (or imported with ``python -m fiches import``).
"""

import pandas as pd
import streamlit as st

from fiches import ui
from fiches.build import group_warnings
from fiches.importer import MAX_DOCUMENT_BYTES, DocumentRefused, decode_document, plan_import
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
upload = st.file_uploader(
    "Document texte (.txt, UTF-8)",
    type=["txt", "md"],
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

st.success(
    f"{fr_int(len(plan.document.fiches))} fiche(s) lue(s) : {fr_int(len(plan.added))}"
    f" nouvelle(s), {fr_int(len(plan.changed))} mise(s) à jour,"
    f" {fr_int(len(plan.unchanged))} inchangée(s)."
)
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
for i, group in enumerate(group_warnings(plan.result.warnings)):
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

new_ids = set(plan.added) | set(plan.changed)
rows = [r for r in plan.result.fiches if r["id"] in new_ids]
st.subheader("Aperçu des fiches", anchor=False)
st.dataframe(
    pd.DataFrame(
        [
            {
                "id": r["id"],
                "titre": r["titre"],
                "état": "nouvelle" if r["id"] in plan.added else "mise à jour",
                "rubriques remplies": sum(
                    1 for k, v in r.items() if k.startswith("section_") and v
                ),
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)
st.subheader("Lieux détectés", anchor=False)
places = [p for p in plan.result.places if p["fiche_id"] in new_ids]
if places:
    st.dataframe(
        pd.DataFrame(places)[["fiche_id", "nom", "niveau", "precision", "source_geo", "note"]],
        hide_index=True,
        width="stretch",
    )
else:
    st.info("Aucun lieu reconnu : à compléter dans data/curation.toml.")
cols = st.columns(2)
cols[0].download_button(
    "Télécharger fiches.csv mis à jour", plan.result.fiches_csv(), "fiches.csv", "text/csv"
)
cols[1].download_button(
    "Télécharger places.csv mis à jour", plan.result.places_csv(), "places.csv", "text/csv"
)
