"""« Espace professionnel »: sign in (e-mail and password), then who you are, your
organisation and role, and « Se déconnecter ». Without an account the assistant works as
before and nothing is saved. An organisation's admin also sees its accounts here and
changes a role, disables, re-enables or removes one.

Thin: the rules (own organisation only, never without an admin, audited) are `Accounts`'.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from assistant.casefiles.accounts import Accounts, EmailRefused, LastAdmin, Member, Role, UnknownAccount
from assistant.core.i18n import _
from assistant.pages.common import GOTO, PAGE_FILES, announce_step, escape_markdown, follow_goto, ui_date
from assistant.pages.workspace import (
    LOGIN_ERROR, REFUSALS, ROLE_LABELS, acting_user, case_store, notice, organisation_name, refreshed_user, refusal,
    show_notice, sign_in, sign_out,
)

follow_goto()

EMAIL, PASSWORD = "pro.email", "pro.password"
ROUND = "pro.users.round"      # bumped after each change: the role boxes show the stored roles again


def _submit() -> None:
    """The form's callback: it runs before the navigation is built, so the pages of a
    signed-in user are there when the page switches to the dashboard."""
    ok = sign_in(st.session_state.get(EMAIL, ""), st.session_state.get(PASSWORD, ""))
    st.session_state[PASSWORD] = ""  # the password never stays in the session
    if ok:
        st.session_state.pop(EMAIL, None)
        st.session_state[GOTO] = "dashboard"


def _round() -> int:
    return st.session_state.get(ROUND, 0)


def _change(done: str, action: Callable[[Accounts], None]) -> None:
    """One account change by the signed-in admin, then `done` or the refusal, in French."""
    try:
        action(Accounts(case_store()))
    except LastAdmin:
        notice(_("C'est le dernier administrateur actif de l'organisation : nommez-en un autre d'abord."), error=True)
    except (UnknownAccount, EmailRefused):
        notice(_("Ce compte n'existe plus dans votre organisation."), error=True)
    except REFUSALS as error:
        notice(refusal(error), error=True)
    else:
        notice(done)
    st.session_state[ROUND] = _round() + 1


def _set_role(account: Member) -> None:
    role = Role(st.session_state.get(f"pro.users.role.{account.id}#{_round()}", account.role))
    _change(_("Nouveau rôle de {name} : {role}.").format(name=escape_markdown(account.name), role=_(ROLE_LABELS[role])),
            lambda accounts: accounts.set_role(account.id, role, by=acting_user()))


def _disable(account: Member) -> None:
    _change(_("Le compte de {name} est désactivé : il ne peut plus se connecter, et ses sessions ouvertes perdent leurs droits.").format(
        name=escape_markdown(account.name)), lambda accounts: accounts.disable(account.id, by=acting_user()))


def _enable(account: Member) -> None:
    _change(_("Le compte de {name} est réactivé.").format(name=escape_markdown(account.name)),
            lambda accounts: accounts.enable(account.id, by=acting_user()))


def _remove(account: Member) -> None:
    if not st.session_state.get(f"pro.users.remove.confirm.{account.id}#{_round()}"):
        notice(_("Cochez d'abord la case de confirmation."), error=True)
        return
    _change(_("Le compte de {name} est supprimé. Ses dossiers restent à l'organisation.").format(
        name=escape_markdown(account.name)), lambda accounts: accounts.remove(account.id, by=acting_user()))


def _account_row(account: Member, me: bool) -> None:
    """One account: who, role, status, and what the admin may change (never their own
    account here: another admin does it, so nobody locks themselves out by a click)."""
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(account.name)}** · {escape_markdown(account.email)}"
                    + (" · " + _("vous") if me else ""))
        status = (_("Actif") if account.active
                  else _("Désactivé le {date}").format(date=ui_date(account.disabled_at.date())))
        st.caption(f"{_(ROLE_LABELS[account.role])} · {status}")
        if me:
            return
        key = f"{account.id}#{_round()}"
        roles = list(Role)
        left, right = st.columns(2)
        with left:
            st.selectbox(_("Rôle de {name}").format(name=escape_markdown(account.name)), roles, index=roles.index(account.role),
                         format_func=lambda role: _(ROLE_LABELS[role]), key=f"pro.users.role.{key}")
            st.button(_("Changer le rôle"), on_click=_set_role, args=(account,), key=f"pro.users.set_role.{key}",
                      icon=":material/manage_accounts:")
        with right:
            if account.active:
                st.button(_("Désactiver le compte"), on_click=_disable, args=(account,),
                          key=f"pro.users.disable.{key}", icon=":material/block:")
            else:
                st.button(_("Réactiver le compte"), on_click=_enable, args=(account,),
                          key=f"pro.users.enable.{key}", icon=":material/check_circle:")
            st.checkbox(_("Je confirme : supprimer le compte de {name}").format(name=escape_markdown(account.name)),
                        key=f"pro.users.remove.confirm.{key}")
            st.button(_("Supprimer le compte"), on_click=_remove, args=(account,), key=f"pro.users.remove.{key}",
                      icon=":material/person_remove:")


st.title(_("Espace professionnel"), anchor="espace-professionnel")
announce_step(None, None, "espace-professionnel")
show_notice()
current = refreshed_user()

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
    st.caption(_("Pas de compte ? L'administrateur de votre organisation le crée pour vous."))
    st.stop()

st.markdown(_("**Connecté :** {name} ({email})").format(name=escape_markdown(current.name),
                                                        email=escape_markdown(current.email)))
st.markdown(_("**Organisation :** {name}").format(name=escape_markdown(organisation_name())))
st.markdown(_("**Rôle :** {role}").format(role=_(ROLE_LABELS[current.role])))
st.page_link(PAGE_FILES["dashboard"], label=_("Voir les dossiers"), icon=":material/folder_open:")
st.button(_("Se déconnecter"), on_click=sign_out, key="pro.logout", icon=":material/logout:")
st.caption(_("Se déconnecter efface aussi les réponses en cours sur cet ordinateur, comme « Terminer et effacer »."))

if current.can("user.manage"):
    st.header(_("Comptes de l'organisation"), anchor="comptes-organisation")
    st.markdown(_("Un compte désactivé ne peut plus se connecter, et ses sessions ouvertes perdent leurs droits au clic suivant. Un nouveau rôle vaut aussi dès le clic suivant. L'organisation garde toujours au moins un administrateur actif."))
    for account in Accounts(case_store()).users(by=current):
        _account_row(account, me=account.id == current.id)
