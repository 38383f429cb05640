"""« Espace professionnel »: sign in (e-mail and password), then who you are, your
organisation and role, « Changer mon mot de passe » and « Se déconnecter ». Without an
account the assistant works as before and nothing is saved. An organisation's admin also
sees its accounts here (role, state, last sign-in), invites a person and makes a new
password link for one, changes a role, disables, re-enables or removes one.

A one-time link (`?lien=…`, made by `Accounts.invite` or `reset_password`) opens this page
on « Choisir votre mot de passe »: the token leaves the address at once and stays in this
browser session only until it is used.

Thin: the rules (own organisation only, never without an admin, audited) are `Accounts`'.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from assistant.casefiles.accounts import (
    COOLDOWN, INVITE, LINK_PARAM, MIN_PASSWORD_LENGTH, Accounts, EmailRefused, InvalidEmail, LastAdmin, Link, LinkRefused,
    Member, MissingName, OwnAccount, Role, TooManyAttempts, UnknownAccount, WeakPassword, WrongPassword,
    link_address,
)
from assistant.casefiles.crypto import SealError
from assistant.core.elision import with_name
from assistant.core.i18n import N_, _
from assistant.pages import bounded
from assistant.pages.common import GOTO, PAGE_FILES, announce_step, choice_key, escape_markdown, follow_goto, ui_date
from assistant.pages.workspace import (
    LOGIN_ERROR, REFUSALS, ROLE_LABELS, USER, acting_user, case_store, client_source, notice, organisation_name,
    refreshed_user, refusal, show_notice, sign_in, sign_out, store_unavailable,
)

follow_goto()

EMAIL, PASSWORD = "pro.email", "pro.password"
ROUND = "pro.users.round"      # bumped after each change: the role boxes show the stored roles again
LINK = "pro.link"              # the token of a one-time link opened here, until it is used
LINK_PASSWORDS = ("pro.link.password", "pro.link.confirm")
OWN_PASSWORDS = ("pro.own.current", "pro.own.new", "pro.own.confirm")
INVITE_FIELDS = ("pro.invite.name", "pro.invite.email", "pro.invite.role")
NAME_CHARS = 200               # a person's name; an e-mail address has no limit here: the store's
                               # check refuses an impossible one with its message (never cut)
SHOWN_LINK = "pro.users.link"  # a link just made, shown on the next run only
# The account page's address (app.py's url_path), for a link made where the browser's
# address is unknown (tests in-process).
PAGE_PATH = "espace-pro"
LINK_GONE = N_("Ce lien ne sert plus : il a déjà servi, il a expiré ou il a été remplacé. Demandez un nouveau lien à l'administrateur de votre organisation.")
TOO_SHORT = N_("Nouveau mot de passe : {n} caractères au moins.")
NOT_SAME = N_("Confirmation : les deux mots de passe ne sont pas identiques. Tapez-les à nouveau.")


def _take_link() -> None:
    """A link's token moves from the address to this browser session: it leaves the address
    bar and the history entry at once."""
    token = st.query_params.get(LINK_PARAM)
    if token is not None:
        st.session_state[LINK] = token
        del st.query_params[LINK_PARAM]


_take_link()


def _typed(keys: tuple[str, ...]) -> list[str]:
    """The passwords typed in these boxes, which are emptied: a password never stays in the session."""
    values = [st.session_state.get(key) or "" for key in keys]
    for key in keys:
        st.session_state[key] = ""
    return values


def _submit() -> None:
    """The form's callback: it runs before the navigation is built, so the pages of a
    signed-in user are there when the page switches to the dashboard."""
    ok = sign_in(st.session_state.get(EMAIL, ""), st.session_state.get(PASSWORD, ""))
    st.session_state[PASSWORD] = ""  # the password never stays in the session
    if ok:
        st.session_state.pop(EMAIL, None)
        st.session_state.pop(LINK, None)
        st.session_state[GOTO] = "dashboard"


def _round() -> int:
    return st.session_state.get(ROUND, 0)


def _change(done: str, action: Callable[[Accounts], Any]) -> Any:
    """One account change by the signed-in admin, then `done` or the refusal, in French;
    what the change returned (None when refused)."""
    result = None
    try:
        result = action(Accounts(case_store()))
    except LastAdmin:
        notice(_("C'est le dernier administrateur actif de l'organisation : nommez-en un autre d'abord."), error=True)
    except (UnknownAccount, EmailRefused):
        notice(_("Ce compte n'existe plus dans votre organisation."), error=True)
    except OwnAccount:
        notice(_("Votre propre mot de passe se change plus haut, dans « Changer mon mot de passe »."), error=True)
    except REFUSALS as error:
        notice(refusal(error), error=True)
    else:
        notice(done)
    st.session_state[ROUND] = _round() + 1
    return result


def _show_once(link: Optional[Link]) -> None:
    """Keep a link just made for the next run, which shows it and forgets it."""
    if link is not None:
        st.session_state[SHOWN_LINK] = (link.member.name, link_address(st.context.url or PAGE_PATH, link.token),
                                        link.expires_at, link.purpose)


def _invite() -> None:
    """« Créer le lien d'invitation »: a new account of the organisation and its link."""
    if bounded.cut_to_limits({INVITE_FIELDS[0]: NAME_CHARS}):
        return
    name, email, role = (st.session_state.get(key) for key in INVITE_FIELDS)
    try:
        link = Accounts(case_store()).invite(email or "", name or "", Role(role or Role.mediator), by=acting_user())
    except MissingName:
        notice(_("Nom : indiquez le nom de la personne."), error=True)
    except InvalidEmail:
        notice(_("Adresse e-mail : elle s'écrit nom@domaine.fr, sans espace."), error=True)
    except EmailRefused:
        notice(_("Adresse e-mail : elle ne peut pas recevoir de nouveau compte. Vérifiez-la, ou demandez à la personne une autre adresse."), error=True)
    except REFUSALS as error:
        notice(refusal(error), error=True)
    else:
        _show_once(link)
        st.session_state[INVITE_FIELDS[0]] = st.session_state[INVITE_FIELDS[1]] = ""
        st.session_state[ROUND] = _round() + 1


def _reset(account: Member) -> None:
    """« Nouveau lien de mot de passe »: the account's password stops working (after the
    confirmation box) and a one-time link lets its owner choose another."""
    if account.password_set and not st.session_state.get(f"pro.users.reset.confirm.{account.id}#{_round()}"):
        notice(_("Cochez d'abord la case de confirmation."), error=True)
        return
    _show_once(_change(_("Un nouveau lien est prêt pour {name}.").format(name=escape_markdown(account.name)),
                       lambda accounts: accounts.reset_password(account.id, by=acting_user())))


def _use_link() -> None:
    """« Enregistrer mon mot de passe », from a one-time link."""
    password, confirm = _typed(LINK_PASSWORDS)
    if password != confirm:
        notice(_(NOT_SAME), error=True)
        return
    try:
        user = Accounts(case_store()).use_link(st.session_state.get(LINK) or "", password)
    except WeakPassword:
        notice(_(TOO_SHORT).format(n=MIN_PASSWORD_LENGTH), error=True)
        return
    except LinkRefused:
        notice(_(LINK_GONE), error=True)
    else:
        st.session_state[EMAIL] = user.email
        notice(_("Votre mot de passe est enregistré. Connectez-vous avec votre adresse e-mail et ce mot de passe."))
    st.session_state.pop(LINK, None)


def _change_own() -> None:
    """« Changer le mot de passe »: the signed-in user's own, with the current one."""
    current_password, password, confirm = _typed(OWN_PASSWORDS)
    if password != confirm:
        notice(_(NOT_SAME), error=True)
        return
    try:
        changed = Accounts(case_store()).change_password(acting_user(), current_password, password,
                                                         source=client_source())
    except WrongPassword:
        notice(_("Mot de passe actuel : ce n'est pas le bon."), error=True)
    except WeakPassword:
        notice(_(TOO_SHORT).format(n=MIN_PASSWORD_LENGTH), error=True)
    except TooManyAttempts:
        notice(_("Trop d'essais : attendez {minutes} minutes avant de réessayer.").format(
            minutes=int(COOLDOWN.total_seconds() // 60)), error=True)
    except REFUSALS as error:
        notice(refusal(error), error=True)
    else:
        st.session_state[USER] = changed   # this session goes on; the account's others end
        notice(_("Votre mot de passe est changé. Utilisez-le à la prochaine connexion. "
                 "Vos autres sessions ouvertes sont fermées."))


def _set_role(account: Member) -> None:
    role = Role(st.session_state.get(f"pro.users.role.{account.id}#{_round()}", account.role))
    _change(with_name(_("Nouveau rôle de {name} : {role}."), escape_markdown(account.name), role=_(ROLE_LABELS[role])),
            lambda accounts: accounts.set_role(account.id, role, by=acting_user()))


def _disable(account: Member) -> None:
    _change(with_name(_("Le compte de {name} est désactivé : il ne peut plus se connecter, et ses sessions ouvertes perdent leurs droits."),
        escape_markdown(account.name)), lambda accounts: accounts.disable(account.id, by=acting_user()))


def _enable(account: Member) -> None:
    _change(with_name(_("Le compte de {name} est réactivé."), escape_markdown(account.name)),
            lambda accounts: accounts.enable(account.id, by=acting_user()))


def _remove(account: Member) -> None:
    if not st.session_state.get(f"pro.users.remove.confirm.{account.id}#{_round()}"):
        notice(_("Cochez d'abord la case de confirmation."), error=True)
        return
    _change(with_name(_("Le compte de {name} est supprimé. Ses dossiers restent à l'organisation."),
        escape_markdown(account.name)), lambda accounts: accounts.remove(account.id, by=acting_user()))


def _account_row(account: Member, me: bool) -> None:
    """One account: who, role, status, and what the admin may change (never their own
    account here: another admin does it, so nobody locks themselves out by a click)."""
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(account.name)}** · {escape_markdown(account.email)}"
                    + (" · " + _("vous") if me else ""))
        st.caption(" · ".join((_(ROLE_LABELS[account.role]), _state(account), _last_sign_in(account))))
        if me:
            return
        key = f"{account.id}#{_round()}"
        roles = list(Role)
        left, right = st.columns(2)
        with left:
            st.selectbox(with_name(_("Rôle de {name}"), escape_markdown(account.name)), roles, index=roles.index(account.role),
                         format_func=lambda role: _(ROLE_LABELS[role]), key=choice_key(f"pro.users.role.{key}"))
            st.button(_("Changer le rôle"), on_click=_set_role, args=(account,), key=f"pro.users.set_role.{key}",
                      icon=":material/manage_accounts:")
        with right:
            if account.active:
                st.button(_("Désactiver le compte"), on_click=_disable, args=(account,),
                          key=f"pro.users.disable.{key}", icon=":material/block:")
            else:
                st.button(_("Réactiver le compte"), on_click=_enable, args=(account,),
                          key=f"pro.users.enable.{key}", icon=":material/check_circle:")
            st.checkbox(with_name(_("Je confirme : supprimer le compte de {name}"), escape_markdown(account.name)),
                        key=f"pro.users.remove.confirm.{key}")
            st.button(_("Supprimer le compte"), on_click=_remove, args=(account,), key=f"pro.users.remove.{key}",
                      icon=":material/person_remove:")
        if not account.active:
            return
        if account.password_set:
            st.checkbox(with_name(_("Je confirme : le mot de passe actuel de {name} ne marchera plus"),
                escape_markdown(account.name)), key=f"pro.users.reset.confirm.{key}")
            label = _("Nouveau lien de mot de passe")
        else:
            label = _("Nouveau lien d'invitation") if account.last_sign_in_at is None else _("Nouveau lien de mot de passe")
        st.button(label, on_click=_reset, args=(account,), key=f"pro.users.reset.{key}", icon=":material/key:")


def _state(account: Member) -> str:
    """Active, disabled, or waiting for its owner to choose a password (and until when)."""
    if not account.active:
        return _("Désactivé le {date}").format(date=ui_date(account.disabled_at.date()))
    if account.password_set:
        return _("Actif")
    expires = account.link_expires_at
    if expires is None:
        return _("Sans mot de passe : faites un nouveau lien")
    if expires <= dt.datetime.now(dt.timezone.utc):
        return _("Lien expiré le {date} : faites un nouveau lien").format(date=ui_date(expires.date()))
    if account.link_purpose == INVITE:
        return _("Invitation en attente, lien valable jusqu'au {date}").format(date=ui_date(expires.date()))
    return _("Nouveau mot de passe à choisir, lien valable jusqu'au {date}").format(date=ui_date(expires.date()))


def _last_sign_in(account: Member) -> str:
    if account.last_sign_in_at is None:
        return _("Aucune connexion pour l'instant")
    return _("Dernière connexion le {date}").format(date=ui_date(account.last_sign_in_at.date()))


def _link_shown() -> None:
    """The link just made, once: the admin copies it and passes it on."""
    found = st.session_state.pop(SHOWN_LINK, None)
    if not found:
        return
    name, address, expires, purpose = found
    with st.container(border=True):
        st.success((_("Lien d'invitation pour {name}") if purpose == INVITE
                    else _("Lien de nouveau mot de passe pour {name}")).format(name=escape_markdown(name)),
                   icon=":material/link:")
        st.code(address, language=None, wrap_lines=True)
        st.markdown(_("Copiez ce lien et envoyez-le à {name} (e-mail, SMS). Il sert une seule fois, jusqu'au {date}. Il ne sera plus affiché : s'il se perd, faites un nouveau lien.").format(
            name=escape_markdown(name), date=ui_date(expires.date())))


def _link_form() -> None:
    """A one-time link was opened: its owner chooses a password, then signs in."""
    try:
        holder = Accounts(case_store()).link_holder(st.session_state.get(LINK) or "")
    except (SQLAlchemyError, SealError) as error:
        store_unavailable(error)
    if holder is None:   # said at every run until a sign-in: a rerun must not hide it
        st.error(_(LINK_GONE), icon=":material/link_off:")
        return
    st.header(_("Choisir votre mot de passe"), anchor="choisir-mot-de-passe")
    st.markdown(_("Compte de **{name}** ({email}) pour {organisation}.").format(
        name=escape_markdown(holder.name), email=escape_markdown(holder.email),
        organisation=escape_markdown(holder.organisation)))
    with st.form("pro.link.form"):
        st.text_input(_("Nouveau mot de passe"), key=LINK_PASSWORDS[0], type="password", autocomplete="new-password",
                      max_chars=200)
        st.text_input(_("Le même mot de passe, encore une fois"), key=LINK_PASSWORDS[1], type="password",
                      autocomplete="new-password", max_chars=200)
        st.caption(_("{n} caractères au moins : une phrase de quelques mots se retient bien. Ce lien sert une seule fois, jusqu'au {date}.").format(
            n=MIN_PASSWORD_LENGTH, date=ui_date(holder.expires_at.date())))
        st.form_submit_button(_("Enregistrer mon mot de passe"), type="primary", on_click=_use_link, icon=":material/key:")
    st.stop()


def _own_password() -> None:
    with st.expander(_("Changer mon mot de passe"), icon=":material/password:"):
        with st.form("pro.own.form"):
            st.text_input(_("Mot de passe actuel"), key=OWN_PASSWORDS[0], type="password",
                          autocomplete="current-password", max_chars=200)
            st.text_input(_("Nouveau mot de passe"), key=OWN_PASSWORDS[1], type="password",
                          autocomplete="new-password", max_chars=200)
            st.text_input(_("Le même mot de passe, encore une fois"), key=OWN_PASSWORDS[2], type="password",
                          autocomplete="new-password", max_chars=200)
            st.caption(_("{n} caractères au moins : une phrase de quelques mots se retient bien.").format(
                n=MIN_PASSWORD_LENGTH))
            st.form_submit_button(_("Changer le mot de passe"), on_click=_change_own, icon=":material/key:")


def _invite_form() -> None:
    with st.expander(_("Inviter une personne"), icon=":material/person_add:"):
        with st.form("pro.invite.form"):
            bounded.text_input(_("Nom"), key=INVITE_FIELDS[0], limit=NAME_CHARS)
            st.text_input(_("Adresse e-mail"), key=INVITE_FIELDS[1], autocomplete="off")
            roles = list(Role)
            st.selectbox(_("Rôle"), roles, key=choice_key(INVITE_FIELDS[2]), index=roles.index(Role.mediator),
                         format_func=lambda role: _(ROLE_LABELS[role]))
            st.caption(_("Un lien à usage unique s'affiche ensuite : vous l'envoyez à la personne, qui choisit elle-même son mot de passe. Personne d'autre ne le connaît, même pas vous."))
            st.form_submit_button(_("Créer le lien d'invitation"), type="primary", on_click=_invite,
                                  icon=":material/link:")


st.title(_("Espace professionnel"), anchor="espace-professionnel")
announce_step(None, None, "espace-professionnel")
show_notice()
if st.session_state.get(LINK):
    _link_form()
current = refreshed_user()

if current is None:
    st.markdown(_("Pour les médiateurs, les associations et les avocats qui suivent des dossiers : enregistrer un dossier avec l'accord de la personne, voir les échéances, préparer les relances."))
    st.info(_("Sans compte, l'assistant fonctionne comme avant et rien n'est enregistré."), icon=":material/lock:")
    with st.form("pro.login"):
        st.text_input(_("Adresse e-mail"), key=EMAIL, autocomplete="email")
        st.text_input(_("Mot de passe"), key=PASSWORD, type="password", autocomplete="current-password",
                      max_chars=200)
        st.form_submit_button(_("Se connecter"), type="primary", on_click=_submit, icon=":material/login:")
    error = st.session_state.get(LOGIN_ERROR)
    if error:
        st.error(error, icon=":material/error:")
    st.caption(_("Pas de compte ? L'administrateur de votre organisation vous envoie un lien d'invitation. Mot de passe oublié ? Il vous envoie un nouveau lien."))
    st.stop()

st.markdown(_("**Connecté :** {name} ({email})").format(name=escape_markdown(current.name),
                                                        email=escape_markdown(current.email)))
st.markdown(_("**Organisation :** {name}").format(name=escape_markdown(organisation_name())))
st.markdown(_("**Rôle :** {role}").format(role=_(ROLE_LABELS[current.role])))
st.page_link(PAGE_FILES["dashboard"], label=_("Voir les dossiers"), icon=":material/folder_open:")
st.button(_("Se déconnecter"), on_click=sign_out, key="pro.logout", icon=":material/logout:")
st.caption(_("Se déconnecter efface aussi les réponses en cours sur cet ordinateur, comme « Terminer et effacer »."))
if current.can("account.password"):
    _own_password()

if current.can("user.manage"):
    st.header(_("Comptes de l'organisation"), anchor="comptes-organisation")
    st.markdown(_("Un compte désactivé ne peut plus se connecter, et ses sessions ouvertes perdent leurs droits au clic suivant. Un nouveau rôle vaut aussi dès le clic suivant. L'organisation garde toujours au moins un administrateur actif."))
    _link_shown()
    if current.can("user.invite"):
        _invite_form()
    for account in Accounts(case_store()).users(by=current):
        _account_row(account, me=account.id == current.id)
