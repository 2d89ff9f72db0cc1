"""Synthèse: the lessons of the filtered fiches, word for word, by section and thème."""

import pandas as pd
import streamlit as st

from fiches import ui
from fiches.digest import build_digest, digest_markdown
from fiches.dossier import dashboard_base, selection_title
from fiches.markup import escape_md
from fiches.urlstate import fiche_url

EXCERPTS_SHOWN = 5  # per thème and section on the page; the export has them all

ctx = ui.context()
c = ctx.corpus

ui.page_heading(
    ctx,
    "Synthèse",
    caption=(
        "Les rubriques qui portent des enseignements (Difficultés, Résultats obtenus, Intérêt /"
        " Enseignement, Perspectives), rassemblées rubrique par rubrique et classées par thème"
        " principal de la fiche. Chaque extrait est le texte de la fiche, mot pour mot : rien"
        " n'est résumé ni rédigé."
    ),
    empty="Aucune action ne correspond à ces filtres.",
)

digest = build_digest(c, ctx.filtered)
base = dashboard_base(st.context.url, "synthese")
title = selection_title(c, ctx.state, len(ctx.filtered))
st.download_button(
    "Télécharger la synthèse (Markdown)",
    lambda: digest_markdown(digest, title=title, base_url=base),
    file_name="synthese.md",
    mime="text/markdown",
    icon=":material/download:",
    help="Tous les extraits et les comptes, avec le lien de chaque fiche.",
    key="synthese-md",
)

cols = st.columns(2)
for i, (heading, counts) in enumerate(digest.counts.items()):
    with cols[i % 2]:
        st.markdown(f"**{heading}**")
        st.dataframe(
            pd.DataFrame({"valeur": counts.index.astype(str), "actions": counts.values}),
            hide_index=True,
            width="stretch",
            height=min(36 + 35 * len(counts), 250),
            column_config={
                "valeur": heading.removeprefix("Par ").capitalize(),
                "actions": st.column_config.NumberColumn("Actions", format="%d"),
            },
        )

tabs = st.tabs([f"{s.heading} ({s.size})" for s in digest.sections])
for tab, section in zip(tabs, digest.sections, strict=True):
    with tab:
        if not section.groups:
            st.info("Aucune fiche de la sélection ne renseigne cette rubrique.")
        for group in section.groups:
            st.markdown(f"#### {escape_md(group.label)} ({len(group.excerpts)})")
            for e in group.excerpts[:EXCERPTS_SHOWN]:
                with st.container(border=True):
                    st.markdown(f"**[{escape_md(e.titre)}]({fiche_url(base, e.fiche_id)})**")
                    st.markdown(e.text)
            rest = len(group.excerpts) - EXCERPTS_SHOWN
            if rest > 0:
                plural = "s" if rest > 1 else ""
                st.caption(f"… et {rest} autre{plural} extrait{plural} dans l'export Markdown.")
