"""« Dossier »: one saved case file. Its summary and appeal date; the follow-up steps with
their dates and texts (`followup.ladder`), each with its letter to prepare and its sending
to record; the letters of the analysis not sent yet; the answer diagnosis
(`followup.questions` → `classify` → `Store.record_answer`; « Lire la réponse reçue » pre-selects
it from a photo of the answer, `case_file_reading`), after which the steps update;
the person's consent; a complete copy (ZIP), closing, reopening, deleting. Each letter
prepared here is kept as a draft version that can go to review (« Demander une relecture »,
then pages/letter_review.py); its versions show with their status in words, and where the
organisation requires review only an approved version can be recorded as sent — a letter
whose last day is close says so, and goes out unapproved (« Envoyer sans approbation », with
a reason) where the organisation lets this user. « Mandat à faire signer » makes the
mandate (letters/mandate.py) for the person to sign.

Thin: the steps, the letters, the permissions and the refusals all come from the library
(`followup`, `letters`, `store`, `accounts`); every refusal is a French sentence. The case
is read once per run (`open_case`), then each section is one function, top to bottom; the
callbacks that write are in pages/case_file_actions.py.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Any, Callable

import streamlit as st

from assistant.law import interview as iv
from assistant.casefiles.calendar_ics import ladder_calendar_bytes
from assistant.law.analysis import analyse
from assistant.casefiles.export import export_zip
from assistant.casefiles.followup import FollowupError, case_for_step, classify, ladder, ladder_events, next_question
from assistant.core.elision import with_name
from assistant.core.formatting import last_day
from assistant.core.i18n import _, current_language
from assistant.letters import Letter, render_docx
from assistant.pages import bounded
from assistant.pages import case_file_actions as act
from assistant.pages.banner import deadline_banner
from assistant.pages.case_file_reading import answer_reader, next_step
from assistant.pages.common import (
    DOCX, MANDATE_ADDRESS, PAGE_FILES, announce_step, choice_key, escape_markdown, file_stem, follow_goto, letter_stem,
    show_legal_basis, slug, ui_date,
)
from assistant.pages.workspace import (
    CASE_ID, CONSENT_HOW, MANDATE_SCOPE_LABELS, NEEDS_APPROVAL, REFUSALS, ROLE_LABELS,
    answer_label, benefit_label, build_letter, case_store, case_today, channel_label, forget_prepared,
    letter_status_label, letter_title, open_review, organisation_name, organisation_requires_review,
    organisation_template, organism_label, prepared, refusal, require_user, scope_label, sent_before_saving,
    sent_letter_ids, show_notice, situation_label, status_label, today, urgent_sentence, urgent_way,
)
from assistant.casefiles.review_status import is_urgent, letter_dues, live_version
from assistant.casefiles.store import (
    MAX_REASON_CHARS, Channel, LetterStatus, ReviewSettings, Status, retention_days,
)

follow_goto()

MANDATE_DEFAULT = ("appeal", "documents", "follow_up")


@dataclass(frozen=True)
class Opened:
    """The case file this run shows, read once, and what the signed-in user may do with it."""

    actor: Any
    day: dt.date
    language: str
    saved: Any
    consents: list
    versions: list
    current: Any             # the case as of today: its letters are dated today
    sent: list
    answers: list
    sent_ids: list[str]
    round_: int
    review_required: bool
    review: ReviewSettings   # the organisation's rules: who may send an urgent letter unapproved
    dues: dict               # letter id → its last day (the follow-up's), for the urgent warnings
    # Notices already on the page this run: one explanation, not one per letter.
    said: set = field(default_factory=set)

    @property
    def case(self) -> Any:
        return self.saved.case

    @property
    def can_write(self) -> bool:
        return self.actor.can("case.write")

    @property
    def can_send(self) -> bool:
        return self.actor.can("letter.send")


def _back_to_list(message: str) -> None:
    st.title(_("Dossier"), anchor="dossier")
    announce_step(None, None, "dossier")
    if message:
        st.error(message, icon=":material/block:")
    st.page_link(PAGE_FILES["dashboard"], label=_("Voir les dossiers"), icon=":material/folder_open:")
    st.stop()


def open_case() -> Opened:
    """The chosen case file from the store, or back to the list with the reason."""
    actor = require_user()
    day = today()
    case_id = st.session_state.get(CASE_ID)
    if not case_id:
        _back_to_list(_("Choisissez d'abord un dossier dans la liste."))
    try:
        saved = case_store().get(case_id, actor=actor)
        consents = case_store().consents(case_id, actor=actor)
    except REFUSALS as error:
        _back_to_list(refusal(error))
    if st.session_state.get(act.PREPARED_FOR) != (saved.id, saved.version):
        forget_prepared()
        st.session_state[act.PREPARED_FOR] = (saved.id, saved.version)
    sent, answers = ladder_events(saved.events)
    try:
        versions = case_store().letters(case_id, actor=actor)
        review = case_store().review_settings(actor)
    except REFUSALS as error:
        _back_to_list(refusal(error))
    return Opened(actor=actor, day=day, language=current_language(), saved=saved, consents=consents,
                  versions=versions, current=case_today(saved.case, day), sent=sent, answers=answers,
                  sent_ids=sent_letter_ids(saved.case, sent), round_=act.current_round(),
                  review_required=organisation_requires_review(), review=review,
                  dues=letter_dues(case_store(), saved))


# --- One letter: prepared or stored, then its sending ---------------------------------------

def read_letter(title: str, letter: Letter) -> None:
    with st.expander(_("Lire le courrier (en français) : {title}").format(title=title)):
        for paragraph in letter.plain_text().split("\n"):
            if paragraph.strip():
                st.markdown(escape_markdown(paragraph))


def stored_letter(page: Opened, slot: str, version) -> None:
    """A letter kept in the store: its status in words, its comment, its DOCX and text."""
    title = letter_title(version.letter_id)
    st.markdown(_("**Statut : {status}** — version {n} du {date}").format(
        status=letter_status_label(version.status), n=version.number, date=ui_date(version.created_at.date())))
    if version.comment:
        st.warning(_("Commentaire de relecture : {comment}").format(comment=escape_markdown(version.comment)),
                   icon=":material/comment:")
    letter = Letter.model_validate(version.letter)
    st.download_button(_("Télécharger (DOCX, modifiable) : {title}").format(title=title),
                       render_docx(letter, template=organisation_template()), file_name=f"{letter_stem(letter, page.current)}.docx", mime=DOCX, key=f"pro.docx.{slot}",
                       on_click="ignore", icon=":material/description:")
    read_letter(title, letter)
    if version.status == LetterStatus.draft.value and page.actor.can("letter.edit"):
        st.button(_("Demander une relecture : {title}").format(title=title), key=f"pro.submit.{slot}", on_click=act.submit,
                  args=(version.id,), icon=":material/rate_review:")


def letter_block(page: Opened, slot: str, letter_id: str, make: Callable) -> None:
    """« Préparer ce courrier » (DOCX, text), or its stored version, and « Enregistrer
    l'envoi » for one letter."""
    title = letter_title(letter_id)
    live = live_version(page.versions, letter_id)
    made = prepared(slot)
    if live is not None:
        stored_letter(page, slot, live)
    elif made is None:
        st.button(_("Préparer ce courrier : {title}").format(title=title), key=f"pro.prepare.{slot}",
                  on_click=act.prepare_letter, args=(page.saved.id, slot, make), icon=":material/edit_document:")
    elif isinstance(made, str):
        st.error(made, icon=":material/error:")
    else:
        letter, docx = made
        stem = letter_stem(letter, page.current)
        st.download_button(_("Télécharger (DOCX, modifiable) : {title}").format(title=title), docx,
                           file_name=f"{stem}.docx", mime=DOCX, key=f"pro.docx.{slot}", on_click="ignore",
                           icon=":material/description:")
        read_letter(title, letter)
    unapproved = page.review_required and (live is None or live.status != LetterStatus.approved.value)
    if unapproved and is_urgent(page.dues.get(letter_id), page.day):
        urgent_letter(page, slot, letter_id, live)
    if not page.can_send:
        return
    if unapproved:
        if NEEDS_APPROVAL not in page.said:
            page.said.add(NEEDS_APPROVAL)
            st.info(_(NEEDS_APPROVAL), icon=":material/gavel:")
        return
    with st.expander(_("Enregistrer l'envoi : {title}").format(title=title)):
        form = f"pro.sent.{slot}.{page.round_}"
        with st.form(form, border=False):
            sending_fields(form, page.day)
            st.form_submit_button(_("Enregistrer l'envoi"), on_click=act.record_sent,
                                  args=(page.saved.id, slot, letter_id, make), icon=":material/send:")


def sending_fields(form: str, day: dt.date) -> None:
    """The date, channel and proof of a sending (read back by case_file_actions._sending)."""
    st.text_input(_("Date d'envoi"), value=iv.date_text(day), key=f"{form}.on", max_chars=10,
                  help=_("Le jour, le mois et l'année, par exemple 06/10/2026."))
    st.selectbox(_("Mode d'envoi"), [c.value for c in Channel], format_func=channel_label, key=choice_key(f"{form}.channel"))
    bounded.text_input(_("Preuve d'envoi (facultatif)"), key=f"{form}.proof", limit=act.PROOF_CHARS,
                       placeholder=_("Par exemple : numéro du recommandé, référence du message"))


def urgent_letter(page: Opened, slot: str, letter_id: str, live) -> None:
    """A letter not approved whose last day is close: said, with what the organisation
    allows then; where it lets this user, « Envoyer sans approbation » with the reason
    (never a silent block). Once per letter, where the page shows it twice (step and proposal)."""
    if f"urgent:{letter_id}" in page.said:
        return
    page.said.add(f"urgent:{letter_id}")
    st.warning(" ".join((urgent_sentence(page.dues[letter_id], page.day), urgent_way(page.actor, page.review))),
               icon=":material/alarm:")
    if live is None or not page.can_send or not page.review.may_send_urgently(page.actor.role):
        return
    title = letter_title(letter_id)
    with st.expander(_("Envoyer sans approbation (urgent) : {title}").format(title=title)):
        form = f"pro.urgent.{slot}.{page.round_}"
        with st.form(form, border=False):
            bounded.text_area(_("Pourquoi ce courrier part sans approbation"), key=f"{form}.reason", limit=MAX_REASON_CHARS,
                              help=_("Par exemple : date limite demain, aucun juriste joignable. Le motif est gardé dans le "
                                     "journal de votre organisation."))
            sending_fields(form, page.day)
            st.form_submit_button(_("Envoyer sans approbation"), on_click=act.send_urgent,
                                  args=(page.saved.id, slot, letter_id, live.id), icon=":material/priority_high:")


def due_line(opens_on: dt.date, due: dt.date | None, day: dt.date) -> str:
    """The step's dates as a line of HTML: dark red and said in words when overdue."""
    parts = []
    if due is not None and due < day:
        parts.append(f'<span class="mda-overdue">{html.escape(_("En retard : la date limite était le {date}").format(date=ui_date(due)))}</span>')
    elif due is not None:
        parts.append(f"<strong>{html.escape(last_day(due, day, capital=True))}</strong>")
    else:
        parts.append(html.escape(_("Pas de date limite")))
    if opens_on > day:
        parts.append(html.escape(_("à partir du {date}").format(date=ui_date(opens_on))))
    return '<p class="mda-due">' + " — ".join(parts) + "</p>"


# --- The page's sections, top to bottom ----------------------------------------------------------

def page_title(page: Opened) -> None:
    name = f"{page.case.claimant.first_name} {page.case.claimant.last_name}".strip()
    st.title(with_name(_("Dossier de {name}"), escape_markdown(name)), anchor="dossier")
    announce_step(None, None, "dossier")
    show_notice()
    st.page_link(PAGE_FILES["dashboard"], label=_("Retour aux dossiers"), icon=":material/arrow_back:")


def summary(page: Opened) -> None:
    case = page.case
    st.header(_("Résumé"), anchor="resume")
    facts = [
        (_("Organisme"), case.organism.name or organism_label(case.organism.kind)),
        (_("Prestation"), benefit_label(case.benefit)),
        (_("Situation"), situation_label(case.situation)),
        (_("Statut"), status_label(page.saved.status)),
    ]
    if case.decision.received_on:
        facts.append((_("Décision reçue le"), ui_date(case.decision.received_on)))
    if case.claimant.file_number:
        facts.append((_("Numéro de dossier"), case.claimant.file_number))
    facts.append((_("Enregistré le"), ui_date(page.saved.created_at.date())))
    st.markdown("\n".join(f"- **{label} :** {escape_markdown(str(value))}" for label, value in facts))
    if page.saved.status == Status.open.value:
        deadline_banner(analyse(page.current, lang=page.language))


def followup_steps(page: Opened) -> None:
    """The follow-up ladder: each step's dates, text, legal basis and letter."""
    case, sent, answers, day = page.case, page.sent, page.answers, page.day
    st.header(_("Prochaines étapes"), anchor="etapes")
    try:
        steps = ladder(case, sent, answers, lang=page.language)
    except FollowupError as error:
        steps = []
        st.error(escape_markdown(str(error)), icon=":material/error:")
    if not steps:
        st.info(_("Aucune étape de suivi pour l'instant : enregistrez l'envoi d'un courrier (ci-dessous), les relances et leurs dates apparaîtront ici."))
    else:
        st.download_button(_("Ajouter les échéances à l'agenda (.ics)"), ladder_calendar_bytes(case, steps, page.language),
                           file_name=f"{file_stem('echeances', page.current)}.ics", mime="text/calendar", key="pro.ics",
                           on_click="ignore", icon=":material/calendar_month:")
    for step in steps:
        with st.container(border=True):
            st.subheader(letter_title(step.letter_id) if step.letter_id else _("À faire"), anchor=False)
            st.markdown(due_line(step.opens_on, step.due, day), unsafe_allow_html=True)
            st.markdown(escape_markdown(step.text))
            show_legal_basis(step.legal_basis, expanded=False)
            if step.letter_id:
                letter_block(page, f"step.{step.id}", step.letter_id,
                             lambda step=step: build_letter(case_for_step(case, sent, answers, step, day), step.letter_id,
                                                             tuple(answers)))


def unsent_letters(page: Opened) -> None:
    """The analysis's letters not sent yet."""
    first_letters = [letter for letter in analyse(page.current).letters if letter not in page.sent_ids]
    if not first_letters:
        return
    st.header(_("Courriers proposés, pas encore envoyés"), anchor="courriers")
    for letter_id in first_letters:
        with st.container(border=True):
            st.subheader(letter_title(letter_id), anchor=False)
            letter_block(page, f"first.{letter_id}", letter_id, lambda letter_id=letter_id: build_letter(
                case_today(page.case, page.day), letter_id))


def letter_versions(page: Opened) -> None:
    """The letters kept, version by version."""
    versions = page.versions
    if not versions:
        return
    st.header(_("Versions des courriers"), anchor="versions")
    if page.review_required and NEEDS_APPROVAL not in page.said:
        page.said.add(NEEDS_APPROVAL)
        st.caption(_(NEEDS_APPROVAL))
    for letter_id in dict.fromkeys(v.letter_id for v in versions):
        title = letter_title(letter_id)
        with st.container(border=True):
            st.subheader(title, anchor=False)
            lines = []
            for version in reversed([v for v in versions if v.letter_id == letter_id]):
                line = _("Version {n} du {date} : {status}").format(
                    n=version.number, date=ui_date(version.created_at.date()), status=letter_status_label(version.status))
                parent = next((v for v in versions if v.id == version.parent_id), None)
                if parent is not None:
                    line += " " + _("(modifiée à partir de la version {n})").format(n=parent.number)
                if version.comment:
                    line += " — " + _("commentaire de relecture : {comment}").format(comment=version.comment)
                lines.append(f"- {escape_markdown(line)}")
            st.markdown("\n".join(lines))
            live = live_version(versions, letter_id)
            if live is not None:
                st.button(_("Ouvrir dans la relecture : {title}").format(title=title), key=f"pro.versions.open.{letter_id}",
                          on_click=open_review, args=(page.saved.id, live.id), icon=":material/rate_review:")


def answer_form(page: Opened) -> None:
    """An answer received: which letter, when, the diagnosis questions, a note."""
    round_ = page.round_
    st.header(_("Enregistrer une réponse"), anchor="reponse")
    if not page.can_write:
        st.info(_("Votre rôle permet de lire ce dossier, pas d'y enregistrer une réponse."))
        return
    if not page.sent_ids:
        st.info(_("Enregistrez d'abord l'envoi d'un courrier : une réponse se rattache au courrier auquel elle répond."))
        return
    st.selectbox(_("À quel courrier l'organisme répond-il ?"), page.sent_ids, format_func=letter_title,
                 key=choice_key(f"pro.answer.to.{round_}"))
    st.text_input(_("Date de la réponse"), value=iv.date_text(page.day), key=f"pro.answer.on.{round_}", max_chars=10,
                  help=_("Le jour, le mois et l'année, par exemple 06/10/2026."))
    answer_reader(round_)     # « Lire la réponse reçue »: the kind read pre-selects the questions
    replies: dict[str, str] = {}
    while (question := next_question(replies, page.language)) is not None:
        value = st.radio(question.text, [c.value for c in question.choices], index=None, horizontal=True,
                         format_func={c.value: c.text for c in question.choices}.__getitem__,
                         key=choice_key(f"pro.answer.{question.id}.{round_}"))
        if value is None:
            break
        replies[question.id] = value
    settled = next_question(replies, page.language) is None
    if settled:
        st.markdown(_("**Type de réponse :** {kind}").format(kind=answer_label(classify(replies))))
        next_step(page, classify(replies))
    bounded.text_area(_("Ce que dit la réponse (facultatif)"), key=f"pro.answer.note.{round_}", limit=act.NOTE_CHARS)
    st.button(_("Enregistrer la réponse"), on_click=act.record_answer, args=(page.saved.id,), key=f"pro.answer.save.{round_}",
              type="primary", disabled=not settled, icon=":material/save:")


def history(page: Opened) -> None:
    """What happened, the latest first."""
    st.header(_("Historique"), anchor="historique")
    happened: list[tuple[dt.date, int, str]] = []
    for event in page.saved.events:
        if event.kind == "sent":
            line = _("{date} — Envoyé : {title} ({channel}).").format(
                date=ui_date(event.on), title=letter_title(event.letter_id), channel=channel_label(event.channel))
            if event.note:
                line += " " + _("Preuve : {proof}").format(proof=event.note)
        else:
            line = _("{date} — Réponse à « {title} » : {kind}.").format(
                date=ui_date(event.on), title=letter_title(event.letter_id), kind=answer_label(event.answer_kind))
            if event.note:
                line += " " + event.note
        happened.append((event.on, event.id, line))
    for letter_id, on in sent_before_saving(page.case, page.sent):
        happened.append((on, 0, _("{date} — Envoyé avant l'enregistrement du dossier : {title}.").format(
            date=ui_date(on), title=letter_title(letter_id))))
    lines = [f"- {escape_markdown(line)}" for _on, _id, line in sorted(happened, reverse=True)]
    st.markdown("\n".join(lines) if lines else _("Rien d'enregistré pour l'instant."))


def consent(page: Opened) -> None:
    """The person's consent: given, withdrawn, or to record."""
    st.header(_("Accord de la personne"), anchor="accord")
    for given in page.consents:
        line = _("Accord donné le {date} ({how}) pour : {scope}.").format(
            date=ui_date(given.given_on), how=_(CONSENT_HOW.get(given.how, given.how)),
            scope=", ".join(scope_label(s) for s in given.scope))
        if given.withdrawn_on:
            line += " " + _("Retiré le {date}.").format(date=ui_date(given.withdrawn_on))
        st.markdown(f"- {escape_markdown(line)}")
    active = [c for c in page.consents if c.withdrawn_on is None]
    if not active:
        st.warning(_("Aucun accord en cours : sans l'accord de la personne, ce dossier ne doit pas être conservé."),
                   icon=":material/warning:")
    if page.can_write and active:
        st.button(_("La personne retire son accord"), on_click=act.withdraw_consent, args=(page.saved.id,),
                  key="pro.consent.withdraw", icon=":material/person_remove:")
    elif page.can_write:
        st.checkbox(_("La personne accepte que son dossier soit conservé par {organisation}").format(
            organisation=organisation_name() or _("votre organisation")), key=f"pro.consent.yes.{page.round_}")
        st.radio(_("Comment a-t-elle donné son accord ?"), list(CONSENT_HOW), format_func=lambda how: _(CONSENT_HOW[how]),
                 key=choice_key(f"pro.consent.how.{page.round_}"), horizontal=True)
        st.button(_("Enregistrer l'accord"), on_click=act.give_consent, args=(page.saved.id,), key="pro.consent.give",
                  icon=":material/how_to_reg:")


def mandate(page: Opened) -> None:
    """The mandate for the person to sign: its scope, the organisation's address, the files."""
    st.header(_("Mandat à faire signer"), anchor="mandat")
    if not page.can_write:
        st.info(_("Le mandat est préparé par le médiateur, le bénévole ou l'administrateur qui agit pour la personne."))
        return
    actor = page.actor
    st.markdown(_("Quand votre organisation agit au nom de la personne, celle-ci signe ce mandat : il dit ce que vous pouvez faire pour elle. Elle peut le retirer à tout moment."))
    st.markdown(_("**Démarches confiées**"))
    for scope, label in MANDATE_SCOPE_LABELS.items():
        st.checkbox(_(label), value=scope in MANDATE_DEFAULT, key=f"pro.mandate.scope.{scope}", on_change=act.forget_mandate)
    box = f"{MANDATE_ADDRESS}.box"
    if box not in st.session_state:
        st.session_state[box] = st.session_state.get(MANDATE_ADDRESS, "")
    bounded.text_area(_("Adresse de votre organisation (elle figure sur le mandat)"), key=box, on_change=act.keep_address,
                      limit=act.ADDRESS_CHARS, height=90)
    role = _(ROLE_LABELS[actor.role])
    st.markdown(_("**Mandataire :** {person}, {role}, pour {organisation}").format(
        person=escape_markdown(actor.name), role=escape_markdown(role[:1].lower() + role[1:]),
        organisation=escape_markdown(organisation_name())))
    st.button(_("Préparer le mandat"), on_click=act.prepare_mandate, args=(page.saved.id,), key="pro.mandate.prepare",
              icon=":material/contract_edit:")
    made_mandate = st.session_state.get(act.MANDATE)
    if not made_mandate or made_mandate[0] != page.saved.id:
        return
    if len(made_mandate) == 2:
        for message in made_mandate[1]:
            st.error(message, icon=":material/error:")
        return
    stem = file_stem("mandat", page.current)
    st.download_button(_("Télécharger le mandat (DOCX, modifiable)"), made_mandate[1], file_name=f"{stem}.docx",
                       mime=DOCX, key="pro.mandate.docx", on_click="ignore", icon=":material/description:")
    if made_mandate[2] is not None:
        st.download_button(_("Télécharger le mandat (PDF, à imprimer)"), made_mandate[2], file_name=f"{stem}.pdf",
                           mime="application/pdf", key="pro.mandate.pdf", on_click="ignore",
                           icon=":material/picture_as_pdf:")
    st.caption(_("Deux exemplaires signés : un pour la personne, un pour votre organisation."))


def copy_close_delete(page: Opened) -> None:
    """A complete copy (ZIP), closing or reopening, deleting."""
    actor, saved = page.actor, page.saved
    st.header(_("Copie, clôture, effacement"), anchor="gestion")
    st.download_button(_("Télécharger une copie complète du dossier (ZIP)"),
                       lambda: export_zip(case_store(), saved.id, actor=actor),
                       file_name=f"dossier-{slug(page.case.claimant.last_name)}-{page.day.isoformat()}.zip", mime="application/zip",
                       key="pro.export", on_click="ignore", disabled=not actor.can("case.export"),
                       icon=":material/folder_zip:")
    st.caption(_("Le dossier, ses courriers tels qu'envoyés et son historique : la copie à remettre à la personne qui la demande.")
               if actor.can("case.export") else _("Votre rôle ne permet pas d'exporter un dossier."))
    if page.can_write:
        if saved.status == Status.open.value:
            st.button(_("Clore le dossier"), on_click=act.set_status, args=(saved.id, Status.closed), key="pro.close",
                      icon=":material/inventory_2:")
            st.caption(_("Un dossier clos est effacé automatiquement {days} jours après sa clôture.").format(days=retention_days()))
        else:
            st.button(_("Rouvrir le dossier"), on_click=act.set_status, args=(saved.id, Status.open), key="pro.reopen",
                      icon=":material/unarchive:")
    can_delete = actor.can("case.delete")
    st.checkbox(_("Je confirme : effacer ce dossier, ses courriers et son historique, pour de bon"),
                key=f"pro.delete.confirm.{page.round_}", disabled=not can_delete)
    st.button(_("Effacer le dossier"), on_click=act.delete_case, args=(saved.id,), key="pro.delete", disabled=not can_delete,
              icon=":material/delete_forever:")
    if not can_delete:
        st.caption(_("Votre rôle ne permet pas d'effacer un dossier : demandez à un médiateur ou à l'administrateur de votre organisation."))


opened = open_case()
for section in (page_title, summary, followup_steps, unsent_letters, letter_versions, answer_form, history, consent, mandate,
                copy_close_delete):
    section(opened)
