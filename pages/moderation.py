"""Modération: sign in, then the queue of proposals by status, each previewed as its
public fiche, with corrections, decisions and history."""

import streamlit as st

from fiches import ui
from fiches.ui import contrib

ctx = ui.context()
st.title("Modération des propositions", anchor=False)
moderator = contrib.signed_in()
if not moderator:
    ui.stop()
contrib.moderation_queue(ctx, moderator)
