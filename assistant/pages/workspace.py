"""What the professional pages share (« Espace professionnel », « Dossiers », « Dossier »
and the letters page's « Enregistrer ce dossier »): the store, the signed-in user, the
labels shown for the registries' values, and refusals in French.

Nothing here runs for a person alone at home: the store is opened only when someone signs
in, and every helper that writes needs a signed-in user. The user lives in this browser
session's `st.session_state` only (never in the URL, never logged, never in the server
memory that survives a reload).
"""

from __future__ import annotations

import datetime as dt
import html
import sys
import time
from typing import Any, Callable, NoReturn, Optional

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from assistant.law import interview as iv
from assistant.casefiles.accounts import COOLDOWN, Accounts, NotAllowed, Role, TooManyAttempts, User
from assistant.law.analysis import HISTORY_FIELD_OF_LETTER, analyse
from assistant.casefiles.crypto import SealError
from assistant.casefiles.followup import AnswerKind
from assistant.core.formatting import last_day
from assistant.core.i18n import N_, _, lib
from assistant.letters.models import Letter
from assistant.law.model import Case, InvalidCase, parse_case
from assistant.pages.common import (
    GENERATION, GOTO, MANDATE_ADDRESS, PAGE_FILES, PRO_KEYS, case_fingerprint, choice_key, clear_session, escape_markdown,
    reference_date, ui_date,
)
from assistant.casefiles.service import open_store
from assistant.pages import faults, session_guard
from assistant.casefiles.store import (
    URGENT_DAYS, Channel, Conflict, Frozen, LetterStatus, NeedsApproval, NotFound, ReviewSettings, Status, Store,
    UrgentSend,
)

# The signed-in accounts.User and its organisation's name (for display): kept by « Terminer
# et effacer » (common.KEEP_ON_CLEAR), dropped by « Se déconnecter ». The failed sign-ins
# are counted by the store (accounts.authenticate), not in the browser session: a fresh
# session must not start again from zero.
USER, ORGANISATION = PRO_KEYS
LOGIN_ERROR = "pro.login_error"
CASE_ID = "pro.case_id"
# Said when the database or its key cannot be reached: at sign-in and on every later page.
STORE_UNAVAILABLE = N_("Connexion impossible pour l'instant : les dossiers enregistrés ne sont pas accessibles. "
                       "Réessayez plus tard ou prévenez la personne qui gère ce service.")              # the case file opened from the dashboard
NOTICE = "pro.notice"                # a one-line confirmation shown on the next page
NOTICE_WARNING = "pro.notice.warning"  # and a warning under it (a last day a review may pass)

ROLE_LABELS = {
    Role.mediator: N_("Médiateur ou médiatrice (France Services, conseiller numérique)"),
    Role.volunteer: N_("Bénévole d'association"),
    Role.lawyer: N_("Avocat ou juriste"),
    Role.admin: N_("Administrateur de l'organisation"),
}
STATUS_LABELS = {Status.open: N_("En cours"), Status.closed: N_("Clos")}
BUCKET_LABELS = {"overdue": N_("En retard"), "this_week": N_("Cette semaine"), "later": N_("Plus tard"),
                 "none": N_("Sans échéance")}
CHANNEL_LABELS = {
    Channel.registered_post: N_("Lettre recommandée avec accusé de réception"),
    Channel.post: N_("Courrier simple"),
    Channel.online_account: N_("Message sur l'espace en ligne de l'organisme"),
    Channel.email: N_("E-mail"),
    Channel.by_hand: N_("Remis au guichet, contre récépissé"),
}
CONSENT_HOW = {"signed": N_("Par écrit, signé"), "oral": N_("À l'oral"), "electronic": N_("Par voie électronique")}


@st.cache_resource(show_spinner=False)
def case_store() -> Store:
    """One store per server process, opened at the first professional use."""
    return open_store()


def user() -> Optional[User]:
    return st.session_state.get(USER)


def signed_in() -> bool:
    return user() is not None


def today() -> dt.date:
    """The real date, unless a test pins it in the session."""
    return reference_date() or dt.date.today()


# --- Labels: the interview's options (one registry, already translated) ------------------

def _option_label(options: tuple, value: Any) -> str:
    value = getattr(value, "value", value)
    found = next((o for o in options if o.value == value), None)
    return _(found.label) if found else str(value)


def organism_label(kind: Any) -> str:
    return _option_label(iv.ORGANISMS, kind)


def benefit_label(benefit: Any) -> str:
    return _option_label(iv.BENEFITS, benefit)


def situation_label(situation: Any) -> str:
    return _option_label(iv.SITUATIONS, situation)


def status_label(status: Any) -> str:
    return _(STATUS_LABELS[Status(status)])


def channel_label(channel: Any) -> str:
    return _(CHANNEL_LABELS[Channel(channel)]) if channel else _("mode d'envoi non précisé")


# --- Signing in and out ------------------------------------------------------------------

def client_source() -> str:
    """Where a sign-in attempt comes from, for the store's per-source counter: behind the
    proxy (a loopback or private peer), the address nginx saw — the last X-Forwarded-For
    entry, the one it appended; those before it are whatever the client sent — else the
    peer's own address, else "local"."""
    return session_guard.source(st.context.ip_address, st.context.headers.get("X-Forwarded-For"))


def sign_in(email: str, password: str) -> bool:
    """Check the e-mail and password; on failure the same message whatever was wrong, and
    while the store counts too many recent failures for the address or this source, one
    message and no attempt (accounts.authenticate)."""
    st.session_state.pop(LOGIN_ERROR, None)
    try:
        store = case_store()
        found = Accounts(store).authenticate(email, password, source=client_source()) if email and password else None
    except TooManyAttempts:
        st.session_state[LOGIN_ERROR] = _("Trop d'essais : attendez {minutes} minutes avant de réessayer.").format(
            minutes=int(COOLDOWN.total_seconds() // 60))
        return False
    except (SQLAlchemyError, SealError):  # the database or its key is not there: no traceback
        st.session_state[LOGIN_ERROR] = _(STORE_UNAVAILABLE)
        return False
    if found is None:
        st.session_state[LOGIN_ERROR] = _("Adresse e-mail ou mot de passe incorrect.")
        return False
    st.session_state[USER] = found
    st.session_state[ORGANISATION] = Accounts(store).organisation_name(found.organisation_id)
    return True


def sign_out() -> None:
    """« Se déconnecter »: the user and the person's answers both go, as with « Terminer et
    effacer »; the page stays where it is (the account page)."""
    clear_session()
    for key in (USER, ORGANISATION, MANDATE_ADDRESS):
        st.session_state.pop(key, None)
    st.session_state.pop(GOTO, None)


def organisation_name() -> str:
    return st.session_state.get(ORGANISATION) or ""


# --- Refusals ------------------------------------------------------------------------------

def refusal(error: Exception) -> str:
    """A refusal of the store, in French for the page (never a traceback)."""
    if isinstance(error, NotFound):
        return _("Ce dossier n'existe pas ou n'est pas accessible avec votre compte.")
    if isinstance(error, NotAllowed):
        return _("Votre rôle ne permet pas cette action. Demandez à un médiateur ou à l'administrateur de votre organisation.")
    if isinstance(error, Conflict):
        return _("Ce dossier vient d'être modifié par quelqu'un d'autre : rechargez la page et recommencez.")
    if isinstance(error, NeedsApproval):
        return _(NEEDS_APPROVAL)
    if isinstance(error, Frozen):
        return _(FROZEN)
    raise error


REFUSALS = (NotFound, NotAllowed, Conflict, NeedsApproval, Frozen)


def submit_for_review(version_id: int) -> Optional[Any]:
    """« Demander une relecture »: the stored version, or None with the refusal said."""
    try:
        return case_store().submit_letter(version_id, actor=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return None


def notice(message: str, error: bool = False) -> None:
    """A confirmation (or a refusal) for the next run: callbacks cannot show anything."""
    st.session_state[NOTICE] = (message, error)


def show_notice() -> None:
    found = st.session_state.pop(NOTICE, None)
    if found:
        message, error = found
        if error:
            st.error(message, icon=":material/error:")
        else:
            st.success(message, icon=":material/check_circle:")
    warning = st.session_state.pop(NOTICE_WARNING, None)
    if warning:
        st.warning(warning, icon=":material/alarm:")


def acting_user() -> User:
    """The user a write acts for; never None, which the store would read as « no
    organisation, every case » (NotAllowed once signed out, e.g. in another tab)."""
    current = user()
    if current is None:
        raise NotAllowed("signed out")
    return current


def refreshed_user() -> Optional[User]:
    """The signed-in user as the store knows them now: a changed role shows at once, and a
    disabled or removed account is signed out here (the store refuses it anyway)."""
    current = user()
    if current is None:
        return None
    try:
        fresh = Accounts(case_store()).refresh(current)
    except (SQLAlchemyError, SealError) as error:
        store_unavailable(error)
    if fresh is None:
        password_changed = Accounts(case_store()).password_changed(current)
        sign_out()
        if password_changed:
            st.warning(_("Le mot de passe de votre compte a changé depuis votre connexion : reconnectez-vous."),
                       icon=":material/lock_reset:")
        else:
            st.error(_("Votre compte a été désactivé ou supprimé par l'administrateur de votre organisation."),
                     icon=":material/block:")
    elif fresh != current:
        st.session_state[USER] = fresh
    return fresh


def store_unavailable(error: Exception) -> NoReturn:
    """The database or its key is not there (server stopped, key lost): one French sentence
    on the page, the detail (which key is expected, where it goes) on the server's standard
    error for its operator, never a traceback; the page stops here."""
    print(f"Dossiers indisponibles : {type(error).__name__}: {error if isinstance(error, SealError) else ''}",
          file=sys.stderr)
    st.error(_(STORE_UNAVAILABLE),
             icon=":material/key_off:")
    st.stop()


def require_user() -> User:
    """For the professional pages: the signed-in user as the store knows them now, or the
    way to sign in."""
    current = refreshed_user()
    if current is None:
        st.info(_("Cette page est réservée aux professionnels connectés."))
        st.page_link(PAGE_FILES["account"], label=_("Se connecter"), icon=":material/login:")
        st.stop()
    return current


# --- « Enregistrer ce dossier » (letters page, signed in only) ------------------------------

SAVED = "pro.saved"            # (case fingerprint, case id) of the case saved from the answers
SAVE_ERROR = "pro.save_error"


def _widget(name: str) -> str:
    """A key that changes with « Terminer et effacer »: the next person gets fresh boxes."""
    return f"{name}#{st.session_state.get(GENERATION, 0)}"


def _open_saved() -> None:
    saved = st.session_state.get(SAVED)
    if saved:
        st.session_state[CASE_ID] = saved[1]
        st.session_state[GOTO] = "case_file"


def _save(case: Case) -> None:
    """Callback of « Enregistrer le dossier »: only with the person's consent ticked."""
    from assistant.casefiles.store import Consent

    st.session_state.pop(SAVE_ERROR, None)
    saved = st.session_state.get(SAVED)
    try:
        actor = acting_user()
        if saved:  # the answers changed since: the same case file, updated
            case_id = case_store().save(case, case_id=saved[1], actor=actor)
        else:
            if not st.session_state.get(_widget("pro.consent")):
                st.session_state[SAVE_ERROR] = _("Cochez d'abord l'accord de la personne : sans lui, rien n'est enregistré.")
                return
            how = st.session_state.get(_widget("pro.consent.how")) or "oral"
            consent = Consent(given_on=today(), scope=["keep_file"], how=how)
            case_id = case_store().save(case, actor=actor, consent=consent)
    except REFUSALS as error:
        st.session_state[SAVE_ERROR] = refusal(error)
        return
    except SQLAlchemyError as error:   # the database is down or its disk full: nothing half-saved
        st.session_state[SAVE_ERROR] = faults.case_not_saved(error) or refusal(error)
        return
    st.session_state[SAVED] = (case_fingerprint(case), case_id)
    st.session_state[CASE_ID] = case_id


def save_section(case: Case) -> None:
    """The section of the letters page that saves the case file, with the person's consent."""
    actor = user()
    if actor is None:
        return
    with st.container(border=True):
        st.header(_("Enregistrer ce dossier"), anchor="enregistrer-dossier")
        saved = st.session_state.get(SAVED)
        if not actor.can("case.write"):
            st.info(_("Votre rôle permet de lire les dossiers, pas d'en enregistrer."))
        elif saved:
            st.success(_("Dossier enregistré pour {organisation}.").format(organisation=organisation_name()),
                       icon=":material/check_circle:")
            if saved[0] != case_fingerprint(case):
                st.warning(_("Les réponses ont changé depuis l'enregistrement."))
                st.button(_("Mettre à jour le dossier enregistré"), on_click=_save, args=(case,), key="pro.update",
                          icon=":material/save:")
            st.button(_("Ouvrir le dossier enregistré"), on_click=_open_saved, key="pro.open.saved",
                      icon=":material/folder_open:")
        else:
            st.markdown(_("Pour suivre les réponses et les relances dans « Dossiers ». Le dossier est conservé chiffré par votre organisation ; la personne peut en demander une copie ou l'effacement à tout moment."))
            st.checkbox(_("La personne accepte que son dossier soit conservé par {organisation}").format(
                organisation=organisation_name() or _("votre organisation")), key=_widget("pro.consent"))
            st.radio(_("Comment a-t-elle donné son accord ?"), list(CONSENT_HOW), key=choice_key(_widget("pro.consent.how")),
                     format_func=lambda how: _(CONSENT_HOW[how]), horizontal=True)
            st.button(_("Enregistrer le dossier"), on_click=_save, args=(case,), key="pro.save", type="primary",
                      icon=":material/save:")
        message = st.session_state.get(SAVE_ERROR)
        if message:
            st.error(message, icon=":material/error:")


# --- One saved case file (pages/case_file.py) ------------------------------------------------

ANSWER_LABELS = {
    AnswerKind.complete: N_("Réponse complète : demande satisfaite ou recours accepté"),
    AnswerKind.partial: N_("Réponse en partie seulement"),
    AnswerKind.refusal_with_reasons: N_("Refus motivé"),
    AnswerKind.refusal_without_reasons: N_("Refus sans motifs"),
    AnswerKind.asks_identity: N_("Demande d'un document avant de répondre"),
    AnswerKind.asks_more_time: N_("Demande de délai supplémentaire"),
    AnswerKind.wrong_body: N_("Renvoi vers un autre organisme"),
    AnswerKind.withdrawn: N_("Décision retirée ou annulée"),
}
SCOPE_LABELS = {"keep_file": N_("conserver le dossier"), "appeal": N_("contester la décision"),
                "documents": N_("demander les documents"), "follow_up": N_("suivre les réponses et relancer")}
PREPARED = "pro.prepared"   # letters made on this page: slot → (Letter, DOCX bytes) or a French message


def answer_label(kind: Any) -> str:
    return _(ANSWER_LABELS[AnswerKind(kind)])


def scope_label(scope: str) -> str:
    return _(SCOPE_LABELS[scope]) if scope in SCOPE_LABELS else scope


def letter_title(letter_id: Optional[str]) -> str:
    """The catalogue's title of a letter, in the session's language."""
    from assistant.letters.build import load_catalogue

    spec = load_catalogue().letters.get(letter_id or "")
    return lib(spec.title) if spec else (letter_id or "")


def case_today(case: Case, day: dt.date) -> Case:
    """The saved case with `day` as its reference date (its letters are written today)."""
    if case.reference_date >= day:
        return case
    try:
        return parse_case({**case.model_dump(mode="json"), "today": day.isoformat()})
    except InvalidCase:
        return case


def sent_before_saving(case: Case, sent: list) -> list[tuple[str, dt.date]]:
    """The letters already sent when the case was saved (its history), not recorded since."""
    recorded = {s.letter_id for s in sent}
    return [(letter, getattr(case.history, field)) for letter, field in HISTORY_FIELD_OF_LETTER.items()
            if getattr(case.history, field) and letter not in recorded]


def sent_letter_ids(case: Case, sent: list) -> list[str]:
    """The letters sent in this case (recorded, or already in its history when saved)."""
    return list(dict.fromkeys([*(s.letter_id for s in sent), *(letter for letter, _day in sent_before_saving(case, sent))]))


def build_letter(case: Case, letter_id: str, answers: tuple = ()) -> Letter:
    """One letter of the catalogue for a case, saying what the body already answered
    (followup.Answer); raises LetterError or InvalidCase, with French messages."""
    from assistant.letters import build_letters

    return build_letters(case, analyse(case), only=[letter_id], answers=answers)[0]


def prepared(slot: str) -> Any:
    return st.session_state.get(PREPARED, {}).get(slot)


def prepare(slot: str, make: Callable[[], Letter]) -> None:
    """Callback of « Préparer ce courrier »: the letter and its DOCX, kept for this session."""
    from assistant.casefiles.followup import FollowupError
    from assistant.letters import LetterError, render_docx

    made: Any
    try:
        letter = make()
        made = (letter, render_docx(letter, template=organisation_template()))
    except InvalidCase as error:
        made = " ".join(error.messages)
    except (LetterError, FollowupError) as error:
        made = str(error)
    st.session_state.setdefault(PREPARED, {})[slot] = made


def forget_prepared() -> None:
    st.session_state.pop(PREPARED, None)


# --- Letters under review (pages/letter_review.py, case_file.py, dashboard.py) ----------------

LETTER_STATUS_LABELS = {
    LetterStatus.draft: N_("Brouillon"),
    LetterStatus.in_review: N_("En relecture"),
    LetterStatus.approved: N_("Approuvé"),
    LetterStatus.sent: N_("Envoyé"),
    LetterStatus.superseded: N_("Remplacé"),
}
# The mandate's powers (the values of letters/mandate.Scope) in plain words.
MANDATE_SCOPE_LABELS = {
    "appeal": N_("Former le recours et le suivre jusqu'à la réponse"),
    "documents": N_("Demander et recevoir le dossier et les données personnelles"),
    "follow_up": N_("Relancer, saisir la CADA, le médiateur ou le Défenseur des droits, recevoir les réponses"),
    "cnil_complaint": N_("Déposer une plainte auprès de la CNIL (association de protection des données seulement)"),
    "court": N_("Accompagner la personne devant le tribunal (sans la représenter)"),
}
REVIEW_CASE = "pro.review.case"        # the case and the letter version opened in « Relecture »
REVIEW_VERSION = "pro.review.version"
NEEDS_APPROVAL = N_("Votre organisation demande qu'un juriste approuve ce courrier avant l'envoi.")
FROZEN = N_("Ce courrier a déjà été envoyé ou remplacé : il ne peut plus changer. Rechargez la page.")


def letter_status_label(status: Any) -> str:
    return _(LETTER_STATUS_LABELS[LetterStatus(status)])


# Who may send an urgent letter without approval (store.UrgentSend), as the settings say it.
URGENT_SEND_LABELS = {
    UrgentSend.nobody: N_("Personne : le courrier attend l'approbation d'un juriste, même si sa date limite est proche"),
    UrgentSend.admin: N_("Un administrateur de l'organisation"),
    UrgentSend.sender: N_("Un administrateur, ou le bénévole ou le médiateur qui suit le dossier"),
}


def urgent_send_label(value: Any) -> str:
    return _(URGENT_SEND_LABELS[UrgentSend(value)])


def due_words(due: Optional[dt.date], day: dt.date, capital: bool = True) -> str:
    """A letter's last day in words, the project's one phrasing (formatting.last_day): « Au plus
    tard le 7 décembre 2026 (demain) »; a passed one said as passed."""
    if due is None:
        return _("Pas de date limite")
    if due < day:
        return _("Date limite passée : c'était le {date}").format(date=ui_date(due))
    return last_day(due, day, capital=capital)


def urgent_sentence(due: dt.date, day: dt.date) -> str:
    """Why a letter not approved yet is urgent: its last day, which a review may pass."""
    if due < day:
        return _("La date limite de ce courrier est passée (c'était le {date}) : il doit partir au plus vite.").format(
            date=ui_date(due))
    return _("Ce courrier doit partir {due} : la relecture risque de dépasser cette date.").format(
        due=due_words(due, day, capital=False))


def urgent_way(actor: User, settings: ReviewSettings) -> str:
    """What the organisation allows when an urgent letter is not approved in time (its
    `UrgentSend`), said to this user."""
    if actor.can("letter.send") and settings.may_send_urgently(actor.role):
        return _("S'il n'est pas approuvé à temps, vous pouvez l'envoyer sans approbation depuis la page du dossier, "
                 "en disant pourquoi.")
    if settings.urgent_send is UrgentSend.admin:
        return _("S'il n'est pas approuvé à temps, un administrateur de votre organisation peut l'envoyer sans approbation.")
    if settings.urgent_send is UrgentSend.sender:
        return _("S'il n'est pas approuvé à temps, un administrateur, le bénévole ou le médiateur qui suit le dossier "
                 "peut l'envoyer sans approbation.")
    return _("Votre organisation n'envoie que des courriers approuvés.")


def warn_if_urgent(case_id: str, letter_id: str) -> None:
    """After « Demander une relecture »: when the letter's last day is close, a warning on
    the next run (the review is asked all the same: nothing is blocked)."""
    from assistant.casefiles.review_status import is_urgent, letter_dues

    try:
        actor, store = acting_user(), case_store()
        due = letter_dues(store, store.get(case_id, actor=actor)).get(letter_id)
        settings = store.review_settings(actor)
    except REFUSALS:
        return
    if due is not None and is_urgent(due, today()):
        st.session_state[NOTICE_WARNING] = " ".join((
            urgent_sentence(due, today()), _("Prévenez un juriste dès maintenant."), urgent_way(actor, settings)))


def claimant_name(case: Case) -> str:
    """The person's first and last name as typed (for the professionals' lists)."""
    return f"{case.claimant.first_name} {case.claimant.last_name}".strip() or _("Dossier sans nom")


def due_html(due: Optional[dt.date], day: dt.date, urgent: bool) -> str:
    """A waiting letter's last day as a line of HTML: in dark red and « Urgent » (in words,
    not colour alone) when a review may pass it."""
    words = html.escape(due_words(due, day))
    if urgent:
        label = html.escape(_("Urgent"))
        return f'<p class="mda-overdue">{label} — {words}</p>'
    return f'<p class="mda-due">{words}</p>'


def urgent_review_notice(actor: User, day: dt.date, link: bool = False) -> None:
    """For those who approve (« Relecture », « Dossiers »): the letters waiting for review
    whose last day is within URGENT_DAYS, most urgent first, said before anything else."""
    from assistant.casefiles.review_status import urgent_reviews

    if not actor.can("letter.approve"):
        return
    try:
        items = urgent_reviews(case_store(), day, actor=actor)
    except REFUSALS:
        return
    if not items:
        return
    head = (_("1 courrier en attente de relecture doit partir dans {days} jours ou moins : relisez-le en premier.")
            if len(items) == 1 else
            _("{n} courriers en attente de relecture doivent partir dans {days} jours ou moins : relisez-les en premier.")
            ).format(n=len(items), days=URGENT_DAYS)
    lines = [f"- {escape_markdown(letter_title(w.version.letter_id))} ({escape_markdown(claimant_name(w.case.case))}) : "
             f"{escape_markdown(due_words(w.due, day))}" for w in items]
    st.warning(head + "\n\n" + "\n".join(lines), icon=":material/alarm:")
    if link:
        st.page_link(PAGE_FILES["letter_review"], label=_("Ouvrir la relecture"), icon=":material/rate_review:")


def open_review(case_id: str, version_id: int) -> None:
    """Callback: open one letter version in « Relecture »."""
    st.session_state[REVIEW_CASE] = case_id
    st.session_state[REVIEW_VERSION] = version_id
    st.session_state[GOTO] = "letter_review"


def open_case(case_id: str) -> None:
    """Callback: open a case file."""
    st.session_state[CASE_ID] = case_id
    st.session_state[GOTO] = "case_file"


def review_line(counts: Any) -> str:
    """« 1 courrier en relecture · 2 brouillons »: the live letters of a case, in words."""
    parts = []
    for status, one, many in (
        (LetterStatus.in_review, _("1 courrier en relecture"), _("{n} courriers en relecture")),
        (LetterStatus.approved, _("1 courrier approuvé, à envoyer"), _("{n} courriers approuvés, à envoyer")),
        (LetterStatus.draft, _("1 brouillon de courrier"), _("{n} brouillons de courrier")),
    ):
        n = counts.get(status.value, 0)
        if n:
            parts.append(one if n == 1 else many.format(n=n))
    return " · ".join(parts)


# --- The organisation's own letter template and review setting (pages/org_template.py) -------

TEMPLATE = "pro.template"      # (organisation id, time.monotonic() when read, DOCX bytes or None)
TEMPLATE_SECONDS = 300         # another session's adoption is seen within five minutes


def organisation_template() -> Optional[bytes]:
    """The signed-in user's organisation's letter template, or None: the standard one (always
    for a person alone). Read once per session, again after TEMPLATE_SECONDS or an adoption."""
    current = user()
    if current is None:
        return None
    cached = st.session_state.get(TEMPLATE)
    if cached and cached[0] == current.organisation_id and time.monotonic() - cached[1] < TEMPLATE_SECONDS:
        return cached[2]
    docx = Accounts(case_store()).template(current.organisation_id)
    if docx is not None and not usable_template(docx):
        docx = None
    st.session_state[TEMPLATE] = (current.organisation_id, time.monotonic(), docx)
    return docx


def usable_template(docx: bytes) -> bool:
    """A stored template that the allow-list now refuses (adopted before it existed) is not
    used: the letters fall back to the standard template, and the page says why, so the
    person in front of the mediator still leaves with a letter."""
    from assistant.letters.render import TemplateRefused, letter_template

    try:
        letter_template(docx)
    except TemplateRefused as error:
        st.warning(_("Le modèle de courrier de votre organisation n'est plus accepté ({reason}) : les courriers "
                     "sont faits avec le modèle standard. Un administrateur peut en déposer un autre.")
                   .format(reason=escape_markdown(str(error))))
        return False
    return True


def forget_organisation_template() -> None:
    """After « Adopter ce modèle » or « Revenir au modèle standard »: read it again, and the
    letters prepared with the old one are made again."""
    st.session_state.pop(TEMPLATE, None)
    forget_prepared()


def organisation_requires_review() -> bool:
    """Whether the signed-in user's organisation lets only approved letters go out (never for
    a person alone)."""
    current = user()
    return current is not None and Accounts(case_store()).requires_review(current.organisation_id)
