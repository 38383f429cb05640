"""The web app: `streamlit run assistant/app.py`.

Four pages (questions, review, your rights, your letters), a language switch and a
mediator mode. Everything about the person lives in this browser session's
`st.session_state` only: nothing is written to disk, logged, or cached across sessions.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts this file's folder on the path, not the project: make
# `import assistant` work from any working directory.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from assistant.i18n import LANGUAGES, _  # noqa: E402
from assistant.pages.common import PAGE_FILES, clear_session, mediator  # noqa: E402

# Settings live under their own keys; the widgets (keys `w.*`) are re-seeded from them
# on every run, because Streamlit forgets a widget's state across page switches.
SETTINGS = {"lang": "fr", "mediator": False}
for _name, _default in SETTINGS.items():
    st.session_state.setdefault(_name, _default)
    st.session_state.setdefault(f"w.{_name}", st.session_state[_name])


def _keep_setting(name: str) -> None:
    st.session_state[name] = st.session_state[f"w.{name}"]


st.set_page_config(
    page_title=_("Mes droits face à l'algorithme"),
    page_icon="⚖️",
    layout="wide" if mediator() else "centered",
    initial_sidebar_state="auto",
)

# Contrast (WCAG AA) for the accent colour, a visible keyboard focus everywhere, and a
# denser layout in mediator mode. Sizes in rem so that browser zoom scales them.
_CSS = """
<style>
[data-testid="stBaseButton-primary"] { background-color: #a4161a; border-color: #a4161a; color: #ffffff; }
[data-testid="stBaseButton-primary"]:hover { background-color: #7d0f12; border-color: #7d0f12; color: #ffffff; }
a { color: #0b4f9c; }
:focus-visible { outline: 3px solid #0b4f9c !important; outline-offset: 2px; }
[data-testid="stCaptionContainer"], [data-testid="stCaption"], [data-testid="stWidgetLabel"] small { color: #3b3d45 !important; }
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
h1 { font-size: 2rem !important; }
h2 { font-size: 1.5rem !important; }
h3 { font-size: 1.25rem !important; }
.mda-deadline { font-size: 1.6rem; font-weight: 700; line-height: 1.3; margin: 0.25rem 0; }
"""
_DENSE = """
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
[data-testid="stVerticalBlock"] { gap: 0.5rem; }
"""
st.html(_CSS + (_DENSE if mediator() else "") + "</style>")
# Screen readers pick their voice from <html lang>: Streamlit leaves it at "en".
st.html(f"<script>document.documentElement.lang = '{st.session_state['lang']}';</script>", unsafe_allow_javascript=True)

with st.sidebar:
    st.radio(
        "Langue / Language",
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key="w.lang",
        on_change=_keep_setting,
        args=("lang",),
        horizontal=True,
    )
    st.toggle(
        _("Mode médiateur"),
        key="w.mediator",
        on_change=_keep_setting,
        args=("mediator",),
        help=_("Pour les professionnels (France Services, associations) : écrans plus denses, textes de loi ouverts, et un bouton pour effacer avant la personne suivante."),
    )
    st.button(
        _("Terminer et effacer"),
        on_click=clear_session,
        type="primary" if mediator() else "secondary",
        help=_("Efface toutes les réponses de cette session, pour commencer un nouveau dossier."),
        width="stretch",
    )
    st.markdown(_("Rien n'est enregistré : vos réponses restent dans cette page et disparaissent quand vous la fermez ou cliquez sur « Terminer et effacer »."))

pages = [
    st.Page(PAGE_FILES["interview"], title=_("Vos réponses"), icon=":material/edit_note:", url_path="questions", default=True),
    st.Page(PAGE_FILES["review"], title=_("Vérifier"), icon=":material/fact_check:", url_path="verifier"),
    st.Page(PAGE_FILES["rights"], title=_("Vos droits"), icon=":material/balance:", url_path="droits"),
    st.Page(PAGE_FILES["letters"], title=_("Vos courriers"), icon=":material/mail:", url_path="courriers"),
]
st.navigation(pages).run()
