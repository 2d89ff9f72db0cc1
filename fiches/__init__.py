"""Domain package of the fiches d'expériences dashboard (no Streamlit import outside ``ui``)."""
