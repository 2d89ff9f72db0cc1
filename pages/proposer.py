"""Proposer une fiche: the form in the fiche-type's sections, its receipt, and the private
follow-up page of a proposal (``?suivi=…``)."""

import streamlit as st

from fiches import ui
from fiches.ui import proposer
from fiches.ui.contrib import FOLLOW_PARAM

ctx = ui.context()
st.title("Proposer une fiche", anchor=False)
follow = st.query_params.get(FOLLOW_PARAM)
if follow:
    proposer.follow_up(ctx, follow)
    ui.stop()
st.markdown(
    "Vous avez mené une action de participation des habitants ? Décrivez-la dans les rubriques"
    " de la fiche d'expérience. Les modérateurs la relisent avant de la publier sur la carte ;"
    " un lien privé vous permet de suivre votre proposition."
)
proposer.proposal_form(ctx)
