"""Placeholder page until the guided interview lands (issue 5)."""

import streamlit as st

st.set_page_config(page_title="Mes droits face à l'algorithme", page_icon="⚖️")
st.title("Mes droits face à l'algorithme")
st.write("L'assistant arrive bientôt. En attendant : `python -m assistant analyse dossier.json`.")
