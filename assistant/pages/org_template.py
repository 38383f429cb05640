"""« Modèle de courrier »: the letter template of the organisation — the standard one, or its
own with its letterhead, signature and wording — whether a lawyer must approve the
letters before they go out, and then who may send without approval a letter whose last day
is close (store.UrgentSend). An administrator uploads a DOCX: it is checked before anything
else and refused with a French message naming each missing field, or shown (what differs
from the standard one, a trial letter) and adopted with one click. The others see which
template is used.

Thin: the check and the comparison are `letters/org_templates.py`, the storage `Accounts`.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from assistant.casefiles.accounts import Accounts
from assistant.core.i18n import _
from assistant.letters.org_templates import check_template, diff_against_standard, sample_letter
from assistant.letters.render import LETTER_TEMPLATE, render_docx
from assistant.pages.common import DOCX, announce_step, choice_key, escape_markdown, follow_goto, ui_date
from assistant.casefiles.store import URGENT_DAYS, UrgentSend
from assistant.pages.workspace import (
    REFUSALS, acting_user, case_store, forget_organisation_template, notice, organisation_name, refusal,
    require_user, show_notice, today, urgent_send_label,
)

follow_goto()

ROUND = "pro.template.round"          # bumped after an adoption: the file field comes back empty
REVIEW = "pro.template.review"        # the « approved by a lawyer » box
URGENT = "pro.template.urgent"        # who may send an urgent letter without approval


def _round() -> int:
    return st.session_state.get(ROUND, 0)


def _fingerprint(docx: bytes) -> str:
    return hashlib.sha256(docx).hexdigest()


def _adopt(docx: bytes) -> None:
    """« Adopter ce modèle »: checked once more, then kept for the organisation."""
    if not check_template(docx).ok:
        notice(_("Ce modèle est refusé : il n'est pas enregistré."), error=True)
        return
    try:
        Accounts(case_store()).set_template(docx, by=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    forget_organisation_template()
    st.session_state[ROUND] = _round() + 1
    notice(_("Modèle adopté : les courriers de {organisation} sont désormais faits avec lui.").format(
        organisation=organisation_name()))


def _standard() -> None:
    """« Revenir au modèle standard »."""
    try:
        Accounts(case_store()).clear_template(by=acting_user())
    except REFUSALS as error:
        notice(refusal(error), error=True)
        return
    forget_organisation_template()
    notice(_("Les courriers de {organisation} sont de nouveau faits avec le modèle standard.").format(
        organisation=organisation_name()))


def _review_changed() -> None:
    value = bool(st.session_state.get(REVIEW))
    try:
        Accounts(case_store()).set_requires_review(value, by=acting_user())
    except REFUSALS as error:
        st.session_state.pop(REVIEW, None)
        notice(refusal(error), error=True)
        return
    notice(_("Désormais, seuls les courriers approuvés par un juriste sortent.") if value
           else _("Les courriers n'ont plus besoin d'être approuvés avant l'envoi."))


def _urgent_changed() -> None:
    value = st.session_state.get(URGENT)
    try:
        case_store().set_urgent_send(UrgentSend(value), actor=acting_user())
    except REFUSALS as error:
        st.session_state.pop(URGENT, None)
        notice(refusal(error), error=True)
        return
    notice(_("Envoi urgent sans approbation : {who}.").format(who=urgent_send_label(value)))


actor = require_user()
accounts = Accounts(case_store())
admin = actor.can("template.manage")
organisation = organisation_name() or _("votre organisation")

st.title(_("Modèle de courrier"), anchor="modele-courrier")
announce_step(None, None, "modele-courrier")
show_notice()

st.header(_("Le modèle utilisé"), anchor="modele-utilise")
current = accounts.template(actor.organisation_id)
standard = LETTER_TEMPLATE.read_bytes()
if current is None:
    st.markdown(_("{organisation} utilise le modèle standard de l'outil.").format(
        organisation=escape_markdown(organisation)))
else:
    fingerprint = _fingerprint(current)
    adopted = next((entry for entry in reversed(case_store().audit_trail(actor=actor))
                    if entry["action"] == "template.set" and entry["detail"] == fingerprint[:12]), None)
    st.markdown(_("{organisation} utilise son propre modèle.").format(organisation=escape_markdown(organisation)))
    st.markdown(_("Empreinte : {fingerprint}").format(fingerprint=f"`{fingerprint[:12]}`")
                + (" · " + _("adopté le {date}").format(date=ui_date(adopted["at"].date())) if adopted else ""))
st.download_button(_("Télécharger le modèle utilisé (DOCX)"), current or standard, file_name="modele-courrier.docx",
                   mime=DOCX, key="pro.template.current", on_click="ignore", icon=":material/download:")
if current is not None:
    st.download_button(_("Télécharger le modèle standard (DOCX)"), standard, file_name="modele-standard.docx",
                       mime=DOCX, key="pro.template.standard", on_click="ignore", icon=":material/download:")
    if admin:
        st.button(_("Revenir au modèle standard"), on_click=_standard, key="pro.template.clear",
                  icon=":material/undo:")

st.header(_("Relecture avant l'envoi"), anchor="relecture-avant-envoi")
requires = accounts.requires_review(actor.organisation_id)
if actor.can("user.manage"):
    if REVIEW not in st.session_state:
        st.session_state[REVIEW] = requires
    st.checkbox(_("Les courriers doivent être approuvés par un juriste avant l'envoi"), key=REVIEW,
                on_change=_review_changed)
elif requires:
    st.markdown(_("Les courriers de {organisation} doivent être approuvés par un juriste avant l'envoi.").format(
        organisation=escape_markdown(organisation)))
else:
    st.markdown(_("Les courriers de {organisation} n'ont pas besoin d'être approuvés avant l'envoi.").format(
        organisation=escape_markdown(organisation)))
st.caption(_("Quand l'approbation est demandée, seuls les courriers approuvés sortent : dans les dossiers comme sur la page « Plusieurs dossiers »."))
if requires:
    urgent = case_store().review_settings(actor).urgent_send
    question = _("Un courrier doit partir dans {days} jours ou moins et n'est pas encore approuvé : qui peut l'envoyer sans approbation ?").format(days=URGENT_DAYS)
    if actor.can("user.manage"):
        if URGENT not in st.session_state:
            st.session_state[URGENT] = urgent.value
        st.radio(question, [u.value for u in UrgentSend], key=choice_key(URGENT), format_func=urgent_send_label,
                 on_change=_urgent_changed)
    else:
        st.markdown(f"{escape_markdown(question)}  \n**{escape_markdown(urgent_send_label(urgent))}**")
    st.caption(_("Les juristes sont prévenus de ces courriers, et la personne qui les envoie aussi. Un envoi sans approbation demande un motif, gardé avec son auteur et sa date dans le journal de l'organisation."))

st.header(_("Changer de modèle"), anchor="changer-de-modele")
if not admin:
    st.info(_("Seul l'administrateur de votre organisation peut changer le modèle de courrier."),
            icon=":material/lock:")
    st.stop()
st.markdown(_("Partez du modèle standard : changez l'en-tête (votre logo, votre adresse), la signature, les polices et le texte fixe, mais gardez chaque champ entre doubles accolades, par exemple le corps du courrier « paragraphs ». Le modèle est vérifié avant d'être accepté."))
upload = st.file_uploader(_("Votre modèle (.docx)"), type=["docx"], key=f"pro.template.upload#{_round()}",
                          max_upload_size=10)
if upload is None:
    st.stop()
data = upload.getvalue()
result = check_template(data)
if not result.ok:
    st.error(_("Ce modèle est refusé : il n'est pas enregistré.") + "\n\n"
             + "\n".join(f"- {escape_markdown(message)}" for message in result.errors), icon=":material/error:")
    st.stop()

st.success(_("Le modèle est accepté : il contient tous les champs du modèle standard."),
           icon=":material/check_circle:")
st.subheader(_("Ce qui diffère du modèle standard"), anchor=False)
differences = diff_against_standard(data)
if differences:
    st.markdown("\n".join(f"- {escape_markdown(line)}" for line in differences))
else:
    st.markdown(_("Aucune différence de texte ni de champ avec le modèle standard."))
st.download_button(_("Télécharger un courrier d'essai fait avec ce modèle (DOCX)"),
                   render_docx(sample_letter(today()), template=data), file_name="courrier-essai.docx", mime=DOCX,
                   key="pro.template.sample", on_click="ignore", icon=":material/description:")
st.caption(_("Un courrier pour une personne imaginaire, pour voir le modèle rempli avant de l'adopter."))
st.button(_("Adopter ce modèle pour {organisation}").format(organisation=organisation), on_click=_adopt, args=(data,),
          key="pro.template.adopt", type="primary", icon=":material/check:")
