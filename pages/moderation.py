"""Modération: sign in, then the queue of proposals by status, each previewed as its
public fiche, with corrections, decisions and history."""

import streamlit as st

from fiches import ui
from fiches.ui import moderation

ctx = ui.context()
st.title("Modération des propositions", anchor=False)
moderator = moderation.signed_in()
if not moderator:
    ui.stop()
moderation.moderation_queue(ctx, moderator)
