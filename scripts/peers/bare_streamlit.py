"""Peer: a bare Streamlit page, ``st.title`` only. Streamlit's floor for time to content."""

import streamlit as st

st.title("Fiches d'expériences")
