"""The « Dossier » page's callbacks (pages/case_file.py): each one a short write through the
store, then a sentence (`notice`); the forms' keys carry the round, bumped after each write
so that the forms come back empty.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Optional

import streamlit as st

from assistant.casefiles.followup import FollowupError, classify, next_question
from assistant.casefiles.review_status import live_version
from assistant.casefiles.store import MAX_REASON_CHARS, Channel, Consent, MissingReason, NotUrgent, Status
from assistant.core.i18n import _, babel_locale, current_language
from assistant.law import interview as iv
from assistant.law.model import InvalidCase
from assistant.pages import bounded
from assistant.pages.common import GOTO, MANDATE_ADDRESS, escape_markdown, ui_date
from assistant.pages.workspace import (
    CASE_ID, REFUSALS, ROLE_LABELS, acting_user, answer_label, case_store, forget_prepared, letter_title, notice,
    organisation_name, prepare, prepared, refusal, submit_for_review, today, warn_if_urgent,
)

ROUND = "pro.case.round"            # bumped after each write: the forms come back empty
PREPARED_FOR = "pro.prepared.for"   # (case id, version) the prepared letters belong to
MANDATE = "pro.mandate.made"        # (case id, DOCX, PDF or None), or (case id, French messages)


def current_round() -> int:
    """The forms' round: part of their keys, so a new round shows them empty."""
    return st.session_state.get(ROUND, 0)


def done(message: str) -> None:
    """After a write: a new round of empty forms, no stale prepared letters, the sentence."""
    st.session_state[ROUND] = current_round() + 1
    forget_prepared()
    notice(message)


def typed_date(key: str) -> dt.date | None:
    """A date typed in a field (06/10/2026), never after today; None and a message otherwise."""
    try:
        day = iv.parse_date(st.session_state.get(key, ""))
    except iv.DateProblem as problem:
        notice(iv.problem_text(problem.problem, _, babel_locale()), error=True)
        return None
    if day > today():
        notice(_("Cette date est après aujourd'hui : vérifiez-la."), error=True)
        return None
    return day


def prepare_letter(case_id: str, slot: str, make: Callable) -> None:
    """Callback of « Préparer ce courrier »: the letter, kept as a draft version when the
    role may write (a lawyer only reads it)."""
    prepare(slot, make)
    made = prepared(slot)
    try:
        actor = acting_user()
        if not isinstance(made, tuple) or not actor.can("case.write"):
            return
        case_store().add_letter(case_id, made[0].model_dump(mode="json"), actor=actor)
        # Our own write: the letters prepared in this session still hold.
        st.session_state[PREPARED_FOR] = (case_id, case_store().get(case_id, actor=actor).version)
    except REFUSALS as error:
        notice(refusal(error), error=True)


def submit(version_id: int) -> None:
    """« Demander une relecture »: the draft goes to the organisation's lawyers."""
    stored = submit_for_review(version_id)
    if stored is None:
        return
    done(_("Relecture demandée : {title}. Elle apparaît dans « Relecture » pour les juristes de votre organisation.").format(
        title=letter_title(stored.letter_id)))
    warn_if_urgent(st.session_state.get(CASE_ID), stored.letter_id)


PROOF_CHARS = 200        # « Preuve d'envoi »: a registered-mail number, a message reference
NOTE_CHARS = 2_000       # « Ce que dit la réponse »
ADDRESS_CHARS = 500      # the organisation's address on the mandate


def _sending(form: str) -> Optional[tuple[dt.date, Optional[Channel], Optional[str]]]:
    """The sending form's date (None, with the field's message, when it is not a date), its
    channel and its proof."""
    on = typed_date(f"{form}.on")
    if on is None:
        return None
    channel = st.session_state.get(f"{form}.channel")
    proof = (st.session_state.get(f"{form}.proof") or "").strip() or None
    return on, Channel(channel) if channel else None, proof


def record_sent(case_id: str, slot: str, letter_id: str, make: Callable) -> None:
    """The letter's stored version goes out (where review is required: approved only); a
    letter never stored goes out as prepared."""
    form = f"pro.sent.{slot}.{current_round()}"
    if bounded.cut_to_limits({f"{form}.proof": PROOF_CHARS}):
        return
    sending = _sending(form)
    if sending is None:
        return
    on, channel, proof = sending
    try:
        live = live_version(case_store().letters(case_id, actor=acting_user()), letter_id)
        letter = None
        if live is None:
            if not isinstance(prepared(slot), tuple):
                prepare(slot, make)
            made = prepared(slot)
            if not isinstance(made, tuple):
                notice(made, error=True)
                return
            letter = made[0].model_dump(mode="json")
        case_store().record_sent(case_id, letter_id, on, letter=letter, version_id=live.id if live else None,
                                 actor=acting_user(), channel=channel, proof=proof)
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    except (FollowupError, InvalidCase) as error:
        notice(escape_markdown(" ".join(getattr(error, "messages", [str(error)]))), error=True)
        return
    done(_("Envoi enregistré : {title}, le {date}.").format(title=letter_title(letter_id), date=ui_date(on)))


def send_urgent(case_id: str, slot: str, letter_id: str, version_id: int) -> None:
    """« Envoyer sans approbation »: a letter whose last day is close goes out unreviewed,
    with the reason typed (the store checks the organisation's rule and the date, and keeps
    who, why and when in the audit log)."""
    form = f"pro.urgent.{slot}.{current_round()}"
    if bounded.cut_to_limits({f"{form}.reason": MAX_REASON_CHARS, f"{form}.proof": PROOF_CHARS}):
        return
    reason = (st.session_state.get(f"{form}.reason") or "").strip()
    if not reason:
        notice(_("Motif de l'envoi sans approbation : écrivez pourquoi ce courrier part sans l'approbation d'un juriste."),
               error=True)
        return
    sending = _sending(form)
    if sending is None:
        return
    on, channel, proof = sending
    try:
        case_store().send_urgent(case_id, version_id, on, reason, actor=acting_user(), channel=channel, proof=proof)
    except NotUrgent:
        notice(_("Ce courrier n'est pas urgent : sa date limite n'est pas dans les prochains jours. Il attend "
                 "l'approbation d'un juriste."), error=True)
        return
    except MissingReason as error:
        notice(escape_markdown(str(error)), error=True)
        return
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    done(_("Envoi enregistré sans approbation : {title}, le {date}. Le motif est gardé dans le journal de votre "
           "organisation.").format(title=letter_title(letter_id), date=ui_date(on)))


def replies_given(round_: int) -> dict[str, str]:
    """The diagnosis replies given so far, question after question."""
    replies: dict[str, str] = {}
    while (question := next_question(replies, current_language())) is not None:
        value = st.session_state.get(f"pro.answer.{question.id}.{round_}")
        if value is None:
            break
        replies[question.id] = value
    return replies


def record_answer(case_id: str) -> None:
    round_ = current_round()
    if bounded.cut_to_limits({f"pro.answer.note.{round_}": NOTE_CHARS}):
        return
    on = typed_date(f"pro.answer.on.{round_}")
    if on is None:
        return
    replies = replies_given(round_)
    if next_question(replies) is not None:
        notice(_("Répondez d'abord aux questions sur la réponse."), error=True)
        return
    kind = classify(replies)
    to_letter = st.session_state.get(f"pro.answer.to.{round_}")
    note = (st.session_state.get(f"pro.answer.note.{round_}") or "").strip() or None
    try:
        case_store().record_answer(case_id, to_letter, on, kind.value, note=note, actor=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    except FollowupError as error:
        notice(escape_markdown(str(error)), error=True)
        return
    done(_("Réponse enregistrée : {kind}. Les prochaines étapes sont à jour.").format(kind=answer_label(kind)))


def give_consent(case_id: str) -> None:
    round_ = current_round()
    if not st.session_state.get(f"pro.consent.yes.{round_}"):
        notice(_("Cochez d'abord l'accord de la personne : sans lui, rien n'est enregistré."), error=True)
        return
    how = st.session_state.get(f"pro.consent.how.{round_}") or "oral"
    try:
        case_store().record_consent(case_id, Consent(given_on=today(), scope=["keep_file"], how=how),
                                    actor=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    done(_("Accord enregistré."))


def withdraw_consent(case_id: str) -> None:
    try:
        case_store().withdraw_consent(case_id, today(), actor=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    done(_("Accord retiré. Si la personne le demande, effacez aussi le dossier (plus bas)."))


def set_status(case_id: str, status: Status) -> None:
    try:
        case_store().set_status(case_id, status, actor=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    done(_("Dossier clos.") if status is Status.closed else _("Dossier rouvert."))


def delete_case(case_id: str) -> None:
    if not st.session_state.get(f"pro.delete.confirm.{current_round()}"):
        notice(_("Cochez d'abord la case de confirmation."), error=True)
        return
    try:
        case_store().delete(case_id, actor=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    st.session_state.pop(CASE_ID, None)
    forget_prepared()
    notice(_("Dossier effacé, avec ses courriers et son historique."))
    st.session_state[GOTO] = "dashboard"


def forget_mandate() -> None:
    st.session_state.pop(MANDATE, None)


def keep_address() -> None:
    bounded.cut_to_limits({f"{MANDATE_ADDRESS}.box": ADDRESS_CHARS})
    st.session_state[MANDATE_ADDRESS] = st.session_state.get(f"{MANDATE_ADDRESS}.box") or ""
    forget_mandate()


def prepare_mandate(case_id: str) -> None:
    """« Préparer le mandat »: DOCX and PDF, or the French messages naming each field."""
    from assistant.letters.mandate import Scope, mandate_docx, mandate_pdf, parse_mandate
    from assistant.letters.typeset import TypstUnavailable

    try:
        actor = acting_user()
        case = case_store().get(case_id, actor=actor).case
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    role = ROLE_LABELS[actor.role]   # in French, like the mandate
    data = {"representative": {"organisation": organisation_name(), "address": st.session_state.get(MANDATE_ADDRESS, ""),
                               "person": actor.name, "role": role[:1].lower() + role[1:]},
            "case": case.model_dump(mode="json"),
            "scope": [s.value for s in Scope if st.session_state.get(f"pro.mandate.scope.{s.value}")],
            "given_on": today().isoformat(), "valid_until": None}
    try:
        request = parse_mandate(data)
    except InvalidCase as error:
        st.session_state[MANDATE] = (case_id, list(error.messages))
        return
    try:
        pdf = mandate_pdf(request)
    except TypstUnavailable:
        pdf = None
    st.session_state[MANDATE] = (case_id, mandate_docx(request), pdf)
