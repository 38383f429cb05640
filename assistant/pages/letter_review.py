"""« Relecture »: the organisation's letters waiting for a lawyer (in review) and the drafts,
each with its last day (« Au plus tard le … (demain) »), the most urgent first, after a
notice to those who approve when one is due within a few days; one letter opened shows
its last day and why each paragraph is there (rights, facts, texts with their dates:
`trace.trace`), where the letter comes from (project and template versions, each
reference's verification date then and now), the annotated DOCX and the legal memo, an
editor that saves a new version (the generated text stays), the word-level changes since
the generated text, a DOCX edited outside the app taken back as a new version, and
« Approuver » / « Renvoyer avec un commentaire » for the roles allowed to.

Thin: versions, permissions and refusals come from `store` and `accounts`, the reasons
from `trace`, the documents from `letters.annotate`, the changes from `diffing`, the last
days from `review_status` (the store's follow-up).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Optional

import streamlit as st

from assistant.letters import diffing
from assistant.law.analysis import analyse
from assistant.core.elision import with_name
from assistant.core.i18n import _, lib
from assistant.letters.models import Letter
from assistant.pages import bounded
from assistant.pages.common import (
    DOCX, announce_step, escape_markdown, file_stem, follow_goto, legal_refs, letter_stem, ui_date,
)
from assistant.pages.workspace import (
    FROZEN, REFUSALS, REVIEW_CASE, REVIEW_VERSION, acting_user, case_store, case_today, claimant_name, due_html,
    letter_status_label, letter_title, notice, open_case, open_review, organisation_template, refusal, require_user,
    show_notice, submit_for_review, today, urgent_review_notice, warn_if_urgent,
)
from assistant.letters.provenance import template_version
from assistant.casefiles.review_status import chain, first_version, is_urgent, letter_dues, waiting
from assistant.casefiles.store import LetterStatus, StoredLetter

follow_goto()

EDITABLE = (LetterStatus.draft.value, LetterStatus.in_review.value, LetterStatus.approved.value)
REVIEWABLE = (LetterStatus.draft.value, LetterStatus.in_review.value)
STYLE_DEL = "text-decoration: line-through; background: #fde8e8; color: #7d0f12; margin-right: 0.2em;"
STYLE_INS = "text-decoration: underline; background: #e3f2e6; color: #0f5132; margin-right: 0.1em;"


def _close() -> None:
    st.session_state.pop(REVIEW_VERSION, None)
    st.session_state.pop(REVIEW_CASE, None)


def _form(version_id: int) -> str:
    return f"pro.review.edit.{version_id}"


# --- Callbacks ---------------------------------------------------------------------------------


def _stored(case_id: str, version_id: int) -> Optional[StoredLetter]:
    return next((v for v in case_store().letters(case_id, actor=acting_user()) if v.id == version_id), None)


def _changeable(case_id: str, version_id: int) -> Optional[StoredLetter]:
    """The version about to be changed, or None with the refusal said (gone, or no longer
    in this case's list for the user)."""
    try:
        current = _stored(case_id, version_id)
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return None
    if current is None:
        notice(_(FROZEN), error=True)
    return current


def _new_version(version_id: int, letter: dict, how: str) -> None:
    try:
        stored = case_store().edit_letter(version_id, letter, actor=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    st.session_state[REVIEW_VERSION] = stored.id
    notice(how.format(n=stored.number))


def _save_edit(case_id: str, version_id: int) -> None:
    """« Enregistrer une nouvelle version »: the boxes' text as a new version."""
    current = _changeable(case_id, version_id)
    if current is None:
        return
    form = _form(version_id)
    limits = {f"{form}.subject": diffing.MAX_SUBJECT_CHARS}
    limits.update({f"{form}.p{index}": diffing.MAX_PARAGRAPH_CHARS
                   for index in range(len(current.letter.get("paragraphs", [])))})
    if bounded.cut_to_limits(limits):
        return
    subject = (st.session_state.get(f"{form}.subject") or "").strip()
    if not subject:
        notice(_("L'objet du courrier ne peut pas être vide."), error=True)
        return
    texts = [st.session_state.get(f"{form}.p{index}", paragraph["text"]) or ""
             for index, paragraph in enumerate(current.letter.get("paragraphs", []))]
    try:  # the input gate and the size limits, whatever the browser let through
        letter = diffing.letter_from_edit(current.letter, subject, texts)
    except ValueError as error:
        notice(str(error), error=True)
        return
    if diffing.letter_text(letter) == diffing.letter_text(current.letter):
        notice(_("Rien n'a changé : aucune nouvelle version enregistrée."), error=True)
        return
    _new_version(version_id, letter,
                 _("Nouvelle version enregistrée (version {n}). Le texte généré reste conservé."))


def _upload(case_id: str, version_id: int, key: str) -> None:
    """« Déposer une version modifiée (DOCX) »: its text, mapped onto the letter, as a new version."""
    upload = st.session_state.get(key)
    if upload is None:
        return
    current = _changeable(case_id, version_id)
    if current is None:
        return
    try:
        letter = diffing.letter_from_docx(upload.getvalue(), current.letter)
    except ValueError as error:
        notice(str(error), error=True)
        return
    if diffing.letter_text(letter) == diffing.letter_text(current.letter):
        notice(_("Ce document a le même texte que la version ouverte : aucune nouvelle version enregistrée."),
               error=True)
        return
    _new_version(version_id, letter,
                 _("Document déposé : nouvelle version enregistrée (version {n}). Les modifications sont affichées ci-dessous."))


def _review(version_id: int, approve: bool) -> None:
    if bounded.cut_to_limits({f"pro.review.comment.{version_id}": diffing.MAX_COMMENT_CHARS}):
        return
    try:
        comment = diffing.review_comment(st.session_state.get(f"pro.review.comment.{version_id}"))
    except ValueError as error:
        notice(str(error), error=True)
        return
    if not approve and not comment:
        notice(_("Écrivez d'abord un commentaire : il dit à l'équipe ce qu'il faut changer."), error=True)
        return
    try:
        stored = case_store().review_letter(version_id, approve, comment, actor=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    title = letter_title(stored.letter_id)
    notice(_("Courrier approuvé : {title}.").format(title=title)
           if approve else _("Courrier renvoyé avec votre commentaire : {title}.").format(title=title))


def _submit(version_id: int) -> None:
    stored = submit_for_review(version_id)
    if stored is not None:
        notice(_("Relecture demandée : {title}.").format(title=letter_title(stored.letter_id)))
        warn_if_urgent(st.session_state.get(REVIEW_CASE), stored.letter_id)


# --- Pieces of the page ------------------------------------------------------------------------


def diff_html(chunks: list[diffing.Chunk]) -> str:
    """The changes as one HTML block: struck through and underlined (not colour alone), each
    change announced to screen readers."""
    parts = []
    for chunk in chunks:
        text = html.escape(chunk.text).replace("\n", "<br>")
        if chunk.text.isspace():  # a change of spacing only: shown as it is now
            parts.append("" if chunk.kind == "delete" else text)
        elif chunk.kind == "delete":
            parts.append(f'<del style="{STYLE_DEL}"><span class="mda-sr-only">[{html.escape(_("supprimé"))} : </span>'
                         f'{text}<span class="mda-sr-only">]</span></del>')
        elif chunk.kind == "insert":
            parts.append(f'<ins style="{STYLE_INS}"><span class="mda-sr-only">[{html.escape(_("ajouté"))} : </span>'
                         f'{text}<span class="mda-sr-only">]</span></ins>')
        else:
            parts.append(text)
    return ('<div class="mda-diff" style="overflow-wrap: anywhere; line-height: 1.6;">' + "".join(parts) + "</div>")


def status_line(version: StoredLetter) -> str:
    return _("**Statut : {status}** — version {n} du {date}").format(
        status=letter_status_label(version.status), n=version.number, date=ui_date(version.created_at.date()))


def show_list(actor, day: dt.date) -> None:
    """The organisation's letters waiting for review, then the drafts, one card each with its
    last day, the most urgent first (undated last)."""
    try:
        items = waiting(case_store(), day, (LetterStatus.in_review.value, LetterStatus.draft.value), actor=actor)
    except REFUSALS as error:
        st.error(refusal(error), icon=":material/block:")
        return
    for status, heading, anchor, empty in (
        (LetterStatus.in_review.value, _("En attente de relecture"), "en-relecture",
         _("Aucun courrier n'attend de relecture.")),
        (LetterStatus.draft.value, _("Brouillons"), "brouillons", _("Aucun brouillon.")),
    ):
        found = [item for item in items if item.version.status == status]
        st.header(f"{heading} ({len(found)})", anchor=anchor)
        if not found:
            st.info(empty)
        for item in found:
            version, name = item.version, claimant_name(item.case.case)
            title = letter_title(version.letter_id)
            with st.container(border=True):
                st.subheader(with_name(_("Dossier de {name}"), escape_markdown(name)), anchor=False)
                st.markdown(f"**{escape_markdown(title)}** — {status_line(version)}")
                st.markdown(due_html(item.due, day, item.urgent), unsafe_allow_html=True)
                if version.comment:
                    st.markdown(_("Commentaire de relecture : {comment}").format(
                        comment=escape_markdown(version.comment)))
                st.button(_("Ouvrir : {title} ({name})").format(title=title, name=escape_markdown(name)),
                          key=f"pro.review.open.{version.id}", on_click=open_review, args=(item.case.id, version.id),
                          icon=":material/rate_review:")


def show_references(version: StoredLetter, generated: StoredLetter) -> None:
    """Where the letter comes from, and the references checked again since it was made."""
    st.header(_("Provenance"), anchor="provenance")
    lines = [_("Version de l'outil : {version}").format(version=version.project_version),
             _("Version du modèle de courrier : {version}").format(version=version.template_version)]
    st.markdown("\n".join(f"- {escape_markdown(line)}" for line in lines))
    if template_version(version.letter_id) != version.template_version:
        st.warning(_("Le modèle de ce courrier a changé depuis qu'il a été préparé : sa formulation actuelle peut différer."),
                   icon=":material/update:")
    refs = legal_refs()
    for ref_id in version.refs:
        then_text = generated.refs_verified.get(ref_id) or version.refs_verified.get(ref_id)
        then = dt.date.fromisoformat(then_text) if then_text else None
        ref = refs.get(ref_id)
        citation = ref.citation if ref else ref_id
        line = _("{citation} ({id}) : vérifiée le {date} quand le courrier a été préparé.").format(
            citation=citation, id=ref_id, date=ui_date(then))
        st.markdown(f"- {escape_markdown(line)}")
        if ref is None:
            st.warning(_("La référence {id} n'existe plus dans les textes de l'outil : vérifiez ce paragraphe.").format(
                id=ref_id), icon=":material/warning:")
        elif then != ref.verified_on or ref.status == "corrected":
            st.warning(_("{citation} a été revérifiée ou corrigée depuis : vérifiée le {then} pour ce courrier, le {now} aujourd'hui. Relisez le paragraphe qui la cite.").format(
                citation=ref.citation, then=ui_date(then), now=ui_date(ref.verified_on)), icon=":material/update:")


def show_annotated(letter: Letter, case, analysis) -> None:
    """Each paragraph with the rights, facts and texts that put it there."""
    from assistant.letters.trace import right_title, trace

    st.header(_("Courrier annoté"), anchor="courrier-annote")
    st.markdown(_("**Objet :** {subject}").format(subject=escape_markdown(letter.subject)))
    try:
        traces = trace(letter, case, analysis)
    except KeyError as error:
        st.warning(_("Une référence citée n'existe plus ({id}) : le détail des paragraphes n'est pas disponible.").format(
            id=str(error).strip("'")), icon=":material/warning:")
        return
    for item in traces:
        with st.container(border=True):
            st.markdown(_("**Paragraphe {n}**").format(n=item.number) + f"  \n{escape_markdown(item.text)}")
            if item.basis == "rights":   # the reason would only repeat the rights
                st.markdown(_("**Droits :** {rights}").format(
                    rights=" ; ".join(escape_markdown(lib(right_title(r))) for r in item.rights)))
            else:
                st.markdown(_("**Pourquoi :** {reason}").format(reason=escape_markdown(item.reason)))
            if item.facts:
                st.markdown(_("**Faits :**") + "\n" + "\n".join(f"- {escape_markdown(f)}" for f in item.facts))
            if item.refs:
                lines = []
                for ref in item.refs:
                    link = _("Texte officiel : {citation}").format(citation=escape_markdown(ref.citation))
                    parts = [f"**{escape_markdown(ref.citation)}** — {escape_markdown(ref.summary)}", f"[{link}]({ref.url})",
                             escape_markdown(_("vérifiée le {date}").format(date=ui_date(ref.verified_on)))]
                    if ref.in_force_from:
                        parts.append(escape_markdown(_("en vigueur depuis le {date}").format(date=ui_date(ref.in_force_from))))
                    lines.append("- " + " — ".join(parts))
                st.markdown(_("**Textes :**") + "\n" + "\n".join(lines))
            else:
                st.caption(_("Ce paragraphe ne cite aucun texte."))



# The downloads, made when clicked.
def annotated(letter: Letter, case, analysis) -> bytes:
    from assistant.letters.annotate import annotated_docx

    return annotated_docx(letter, case, analysis)


def memo(case, analysis) -> bytes:
    from assistant.letters.annotate import memo_docx

    return memo_docx(case, analysis)


def plain(letter: Letter, template: Optional[bytes]) -> bytes:
    from assistant.letters import render_docx

    return render_docx(letter, template=template)


# --- The page ----------------------------------------------------------------------------------

actor = require_user()
case_id, version_id = st.session_state.get(REVIEW_CASE), st.session_state.get(REVIEW_VERSION)

if not (case_id and version_id):
    st.title(_("Relecture"), anchor="relecture")
    announce_step(None, None, "relecture")
    show_notice()
    urgent_review_notice(actor, today())
    st.markdown(_("Les courriers de votre organisation qui attendent une relecture, puis les brouillons, les plus urgents d'abord. Ouvrez-en un pour voir pourquoi chaque paragraphe est là, le modifier, puis l'approuver ou le renvoyer avec un commentaire."))
    if not actor.can("letter.approve"):
        st.info(_("Approuver un courrier est réservé aux avocats, aux juristes et aux administrateurs de l'organisation."),
                icon=":material/info:")
    show_list(actor, today())
    st.stop()

try:
    saved = case_store().get(case_id, actor=actor)
    versions = case_store().letters(case_id, actor=actor)
except REFUSALS as error:
    _close()
    st.title(_("Relecture"), anchor="relecture")
    st.error(refusal(error), icon=":material/block:")
    st.stop()

by_id = {v.id: v for v in versions}
version = by_id.get(version_id)
if version is None:
    _close()
    st.rerun()
# Someone edited it meanwhile: the newest version of the chain.
while (child := next((v for v in versions if v.parent_id == version.id), None)) is not None:
    version = child
st.session_state[REVIEW_VERSION] = version.id
generated = first_version(versions, version)
letter = Letter.model_validate(version.letter)
case = case_today(saved.case, today())
analysis = analyse(case)
name = f"{case.claimant.first_name} {case.claimant.last_name}".strip()
title = letter_title(version.letter_id)

st.title(_("Relecture : {title}").format(title=title), anchor="relecture-courrier")
announce_step(None, None, "relecture-courrier")
show_notice()
st.button(_("Retour à la liste des courriers"), on_click=_close, key="pro.review.close", icon=":material/arrow_back:")
st.markdown(with_name(_("Dossier de {name}"), escape_markdown(name)) + "  \n" + status_line(version))
due = letter_dues(case_store(), saved).get(version.letter_id)
st.markdown(due_html(due, today(), is_urgent(due, today())), unsafe_allow_html=True)
if version.status in REVIEWABLE and is_urgent(due, today()):
    st.warning(_("Ce courrier doit partir vite : relisez-le maintenant, sinon sa date limite risque de passer."),
               icon=":material/alarm:")
st.button(with_name(_("Ouvrir le dossier de {name}"), escape_markdown(name)), on_click=open_case, args=(saved.id,),
          key="pro.review.open_case", icon=":material/folder_open:")
st.markdown(" · ".join(f"[{label}](#{anchor})" for label, anchor in (
    (_("Modifications"), "modifications"), (_("Courrier annoté"), "courrier-annote"), (_("Provenance"), "provenance"),
    (_("Modifier le courrier"), "modifier"), (_("Décision de relecture"), "decision"))))
if version.comment:
    st.warning(_("Commentaire de relecture : {comment}").format(comment=escape_markdown(version.comment)),
               icon=":material/comment:")
if version.status == LetterStatus.approved.value:
    st.success(_("Ce courrier est approuvé : il peut être envoyé depuis la page du dossier."), icon=":material/verified:")
elif version.status == LetterStatus.sent.value:
    st.info(_("Ce courrier a été envoyé : il ne change plus."), icon=":material/send:")

stem = letter_stem(letter, case)
template = organisation_template()   # read now: the downloads are made after this run
left, middle, right = st.columns(3)
left.download_button(_("Courrier annoté (DOCX)"), lambda: annotated(letter, case, analysis),
                     file_name=f"{stem}-annote.docx", mime=DOCX, key="pro.review.annotated", on_click="ignore",
                     icon=":material/description:")
middle.download_button(_("Note juridique (DOCX)"), lambda: memo(case, analysis),
                       file_name=f"{file_stem('note-juridique', case)}.docx", mime=DOCX, key="pro.review.memo",
                       on_click="ignore", icon=":material/gavel:")
right.download_button(_("Courrier seul (DOCX)"), lambda: plain(letter, template),
                      file_name=f"{stem}-v{version.number}.docx", mime=DOCX, key="pro.review.docx", on_click="ignore",
                      icon=":material/edit_document:")


# --- The changes since the generated text ---------------------------------------------------------
st.header(_("Modifications depuis le texte généré"), anchor="modifications")
steps = chain(versions, version)
st.caption(" → ".join(_("version {n} ({status})").format(n=v.number, status=letter_status_label(v.status)) for v in steps))
chunks = diffing.word_diff(diffing.letter_text(generated.letter), diffing.letter_text(version.letter))
if not diffing.changed(chunks):
    st.info(_("Aucune modification : c'est le texte tel qu'il a été généré."))
else:
    st.markdown(_("Barré : texte supprimé. Souligné : texte ajouté."))
    st.markdown(diff_html(chunks), unsafe_allow_html=True)

show_annotated(letter, case, analysis)
show_references(version, generated)

# --- Edit, upload, decide ----------------------------------------------------------------------------
editable = version.status in EDITABLE and actor.can("letter.edit")
st.header(_("Modifier le courrier"), anchor="modifier")
if not editable:
    st.info(_("Cette version ne peut plus être modifiée.") if version.status not in EDITABLE
            else _("Votre rôle ne permet pas de modifier un courrier."))
else:
    st.markdown(_("Chaque modification crée une nouvelle version : le texte généré reste conservé. Videz un paragraphe pour le retirer."))
    form = _form(version.id)
    with st.form(form):
        bounded.text_input(_("Objet"), value=letter.subject, key=f"{form}.subject", limit=diffing.MAX_SUBJECT_CHARS)
        for index, paragraph in enumerate(letter.paragraphs):
            bounded.text_area(_("Paragraphe {n}").format(n=index + 1), value=paragraph.text, key=f"{form}.p{index}",
                              limit=diffing.MAX_PARAGRAPH_CHARS, height=140)
        st.form_submit_button(_("Enregistrer une nouvelle version"), on_click=_save_edit, args=(saved.id, version.id),
                              type="primary", icon=":material/save:")
    upload_key = f"pro.review.upload.{version.id}"
    st.file_uploader(_("Déposer une version modifiée (DOCX)"), type=["docx"], key=upload_key, on_change=_upload,
                     args=(saved.id, version.id, upload_key),
                     max_upload_size=diffing.MAX_UPLOAD_BYTES // (1024 * 1024),
                     help=_("Le courrier téléchargé ci-dessus, modifié dans Word ou LibreOffice. Son texte devient une nouvelle version, et les modifications s'affichent."))

st.header(_("Décision de relecture"), anchor="decision")
if version.status not in REVIEWABLE:
    st.info(_("Cette version n'attend pas de décision."))
elif actor.can("letter.approve"):
    bounded.text_area(_("Commentaire pour l'équipe (obligatoire pour renvoyer le courrier)"),
                      key=f"pro.review.comment.{version.id}", limit=diffing.MAX_COMMENT_CHARS)
    approve, back = st.columns(2)
    approve.button(_("Approuver"), on_click=_review, args=(version.id, True), key="pro.review.approve", type="primary",
                   icon=":material/verified:")
    back.button(_("Renvoyer avec un commentaire"), on_click=_review, args=(version.id, False), key="pro.review.back",
                icon=":material/undo:")
else:
    st.info(_("Approuver un courrier est réservé aux avocats, aux juristes et aux administrateurs de l'organisation."),
            icon=":material/info:")
    if version.status == LetterStatus.draft.value and actor.can("letter.edit"):
        st.button(_("Demander une relecture"), on_click=_submit, args=(version.id,), key="pro.review.submit",
                  icon=":material/rate_review:")
