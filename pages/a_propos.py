"""À propos: source, method, data dictionary, vocabularies, licences."""

import streamlit as st

from fiches import ui
from fiches.about import about_markdown

ctx = ui.context()
st.title("À propos", anchor=False)
st.markdown(about_markdown(ctx.corpus, data_dir=ui.data_dir()))
