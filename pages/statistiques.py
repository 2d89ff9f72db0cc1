"""Statistiques: counts by thème, bailleur, département and start year, following the filters."""

import pandas as pd
import streamlit as st

from fiches import ui
from fiches.stats import counts_by

ctx = ui.context()
c = ctx.corpus

ui.page_heading(ctx, "Statistiques", empty="Aucune action ne correspond à ces filtres.")

charts = {
    "Par thème": counts_by(ctx.filtered, "themes", label=c.theme_label),
    "Par bailleur": counts_by(ctx.filtered, "bailleurs", empty="Sans bailleur"),
    "Par département": counts_by(
        ctx.filtered, "departements", label=lambda d: f"{d} – {c.departements.get(d, d)}"
    ),
    "Par année de début": counts_by(ctx.filtered, "annee_debut", empty="Non indiquée"),
}
cols = st.columns(2)
for i, (title, counts) in enumerate(charts.items()):
    with cols[i % 2]:
        st.subheader(title, anchor=False)
        frame = pd.DataFrame({"valeur": counts.index, "actions": counts.values})
        # a table with bars: full labels, readable on a phone, and accessible as text
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            column_config={
                "valeur": st.column_config.TextColumn(title.removeprefix("Par ").capitalize()),
                "actions": st.column_config.ProgressColumn(
                    "Actions", format="%d", min_value=0, max_value=int(counts.max())
                ),
            },
        )
