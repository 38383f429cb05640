"""« Espace professionnel »: sign in (e-mail and password), then who you are, your
organisation and role, and « Se déconnecter ». Without an account the assistant works as
before and nothing is saved."""

from __future__ import annotations

import streamlit as st

from assistant.i18n import _
from assistant.pages.common import GOTO, PAGE_FILES, announce_step, escape_markdown, follow_goto
from assistant.pages.workspace import (
    LOGIN_ERROR, ROLE_LABELS, locked_seconds, organisation_name, show_notice, sign_in, sign_out, user,
)

follow_goto()

EMAIL, PASSWORD = "pro.email", "pro.password"


def _submit() -> None:
    """The form's callback: it runs before the navigation is built, so the pages of a
    signed-in user are there when the page switches to the dashboard."""
    ok = sign_in(st.session_state.get(EMAIL, ""), st.session_state.get(PASSWORD, ""))
    st.session_state[PASSWORD] = ""  # the password never stays in the session
    if ok:
        st.session_state.pop(EMAIL, None)
        st.session_state[GOTO] = "dashboard"


st.title(_("Espace professionnel"), anchor="espace-professionnel")
announce_step(None, None, "espace-professionnel")
show_notice()
current = user()

if current is None:
    st.markdown(_("Pour les médiateurs, les associations et les avocats qui suivent des dossiers : enregistrer un dossier avec l'accord de la personne, voir les échéances, préparer les relances."))
    st.info(_("Sans compte, l'assistant fonctionne comme avant et rien n'est enregistré."), icon=":material/lock:")
    with st.form("pro.login"):
        st.text_input(_("Adresse e-mail"), key=EMAIL, autocomplete="email", max_chars=320)
        st.text_input(_("Mot de passe"), key=PASSWORD, type="password", autocomplete="current-password",
                      max_chars=200)
        st.form_submit_button(_("Se connecter"), type="primary", on_click=_submit, icon=":material/login:")
    error = st.session_state.get(LOGIN_ERROR)
    if error:
        st.error(error, icon=":material/error:")
    elif locked_seconds():
        st.warning(_("Trop d'essais : attendez une minute avant de réessayer."))
    st.caption(_("Pas de compte ? L'administrateur de votre organisation le crée pour vous."))
    st.stop()

st.markdown(_("**Connecté :** {name} ({email})").format(name=escape_markdown(current.name),
                                                        email=escape_markdown(current.email)))
st.markdown(_("**Organisation :** {name}").format(name=escape_markdown(organisation_name())))
st.markdown(_("**Rôle :** {role}").format(role=_(ROLE_LABELS[current.role])))
st.page_link(PAGE_FILES["dashboard"], label=_("Voir les dossiers"), icon=":material/folder_open:")
st.button(_("Se déconnecter"), on_click=sign_out, key="pro.logout", icon=":material/logout:")
st.caption(_("Se déconnecter efface aussi les réponses en cours sur cet ordinateur, comme « Terminer et effacer »."))
