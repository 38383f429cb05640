"""Your letters: what each one is for (in your language), its text (in French), the
files to download (DOCX, PDF, all as ZIP), how to send it, and the calendar of dates.

The PDFs are typeset in process by Typst from the same letter data as the DOCX (a few
milliseconds each), so they are made with the DOCX, while a status box names the
documents being prepared. File names carry the letter, the person's last name and the
date (`recours-benali-2026-11-23.pdf`): on a shared office computer one person's letter
is not mistaken for another's."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any, Optional

import streamlit as st

from assistant.core import i18n, logs
from assistant.casefiles.calendar_ics import calendar_bytes
from assistant.core.formatting import last_day
from assistant.core.i18n import _, current_language, lib
from assistant.pages import bounded, common, workspace
from assistant.pages.common import (
    DOCX, case_fingerprint, escape_markdown, file_stem, follow_goto, letter_stem, linked_markdown, mediator,
    require_outcome, ui_date,
)
from assistant.law import interview as iv

follow_goto()


def letters_api() -> Optional[Any]:
    """The letters package, or None while it is not available on this installation."""
    try:
        from assistant import letters
        from assistant.letters import guides, pdf
    except Exception:  # being built, or broken: the rest of the app must keep working
        return None
    needed = ("build_letters", "render_docx_many", "render_guide_docx")
    return (letters, pdf, guides) if all(hasattr(letters, name) for name in needed) else None


@dataclass
class Bundle:
    """This session's documents for one version of the answers (kept in session_state only)."""

    fingerprint: str
    letters: list
    docx: dict[str, bytes]           # file name → bytes, letters then the guide
    pdf: dict[str, bytes]
    pdf_error: Optional[str]
    zip_cache: Optional[bytes] = None


def bundle(api: Any, case: Any, analysis: Any) -> Bundle:
    """Letters, guide, DOCX and PDF, made once per version of the answers."""
    letters_pkg, pdf_pkg, _guides = api
    fingerprint = case_fingerprint(case)
    current = st.session_state.get("letters_bundle")
    if current is not None and current.fingerprint == fingerprint:
        return current
    made = letters_pkg.build_letters(case, analysis)
    logs.event("letters_built", source="app", letters=[letter.id for letter in made])
    if not made:
        current = Bundle(fingerprint, [], {}, {}, None)
        st.session_state["letters_bundle"] = current
        return current
    titles = [lib(letter.title) for letter in made]
    guide_stem = file_stem("comment-envoyer", case)
    with st.status(_("Préparation de vos documents : {names}").format(names=", ".join(titles)), expanded=False) as box:
        docx = dict(zip((f"{letter_stem(x, case)}.docx" for x in made), letters_pkg.render_docx_many(made)))
        docx[f"{guide_stem}.docx"] = letters_pkg.render_guide_docx(made)
        box.write(_("Courriers modifiables (DOCX) : prêts."))
        pdf: dict[str, bytes] = {}
        error = None
        try:
            pdf = dict(zip((f"{letter_stem(x, case)}.pdf" for x in made), pdf_pkg.render_pdf_many(made)))
            pdf[f"{guide_stem}.pdf"] = pdf_pkg.render_guide_pdf(made)
            box.write(_("Courriers à imprimer (PDF) : prêts."))
        except pdf_pkg.PdfUnavailable as failure:
            error = str(failure)
        box.update(label=_("Vos documents sont prêts : {names}").format(names=", ".join(titles)), state="complete")
    current = Bundle(fingerprint, made, docx, pdf, error)
    st.session_state["letters_bundle"] = current
    return current


def zip_bytes(made: Bundle, ics: tuple[str, bytes], guides: list, case: Any, language: str, lines_of) -> bytes:
    """Every file, already compressed ones stored as they are (DOCX, PDF are zips/deflated)."""
    if made.zip_cache is not None:
        return made.zip_cache
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in (*made.docx.items(), *made.pdf.items()):
            archive.writestr(name, data)
        if made.pdf_error:
            archive.writestr("PDF-indisponible.txt", made.pdf_error, zipfile.ZIP_DEFLATED)
        archive.writestr(ics[0], ics[1], zipfile.ZIP_DEFLATED)
        text = []
        for letter, guide in zip(made.letters, guides):
            text.append(f"{letter_stem(letter, case)} — {i18n.translate(letter.title, language, 'library')}")
            text += [f"  - {line}" for line in lines_of(guide, language)]
            text.append("")
        archive.writestr(f"{file_stem('comment-envoyer', case)}.txt", "\n".join(text), zipfile.ZIP_DEFLATED)
    made.zip_cache = buffer.getvalue()
    return made.zip_cache


def appeal_date_line(result: Any, case: Any, analysis: Any) -> None:
    """The safe date on the appeal's card: the date, the days left, then the nuance
    (pages/banner.py's `deadline_banner`, the same on every page; a plain line without it)."""
    banner = _deadline_banner()
    if banner is not None:
        banner(result)
        return
    deadline = analysis.appeal.deadline
    if deadline is None or case.history.appeal_filed_on:
        return
    days = (deadline - case.reference_date).days
    if days < 0:
        if analysis.appeal.deadline_opposable:
            st.markdown(_("**Le délai pour contester a expiré le {date}** : parlez-en à un conseiller avant d'envoyer ce courrier.").format(
                date=ui_date(deadline)))
        return
    st.markdown(_("**À envoyer {last_day}.**").format(last_day=last_day(deadline, case.reference_date)))
    if not analysis.appeal.deadline_opposable:
        st.caption(_("La décision n'indiquait pas comment la contester : le délai ne court pas, mais cette date est la plus sûre."))


def _keep_addresses(paths: list[str]) -> None:
    """The addresses typed become answers (case-file fields): the letters, the saved case and
    « Télécharger mes réponses » then carry them."""
    store, cut = common.answers(), st.session_state.setdefault("addr.cut", {})
    for path in paths:
        typed = str(st.session_state.get(f"addr.{path}") or "").strip()
        limit = iv.model_max_length(path) or len(typed)
        cut.pop(path, None)
        if len(typed) > limit:   # a paste too long is cut, and said, never dropped
            cut[path], typed = len(typed), typed[:limit]
            st.session_state[f"addr.{path}"] = typed
        if typed:
            store[path] = typed
        else:
            store.pop(path, None)


def address_section(requests: list, letters: list, links: frozenset[str]) -> None:
    """One field per recipient the letters name, labelled with its name, with the letters
    that print it and where to find it (the guide's own sentence)."""
    if not requests:
        return
    st.header(_("Les adresses des destinataires"), anchor="adresses")
    st.markdown(_("Chaque adresse est imprimée sous le nom de son destinataire, et seulement là. Si vous la laissez vide, une place reste libre sur le courrier pour l'écrire à la main."))
    numbers = {letter.id: index for index, letter in enumerate(letters, 1)}
    titles = {letter.id: lib(letter.title) for letter in letters}
    with st.form("addresses", border=True):
        for request in requests:
            key = f"addr.{request.path}"
            if key not in st.session_state:
                st.session_state[key] = common.answers().get(request.path, "")
            st.text_area(_("Adresse postale : {name}").format(name=escape_markdown(request.names[0])), key=key,
                         height=100, placeholder=_("Par exemple : 12 rue de la Gare, 44000 Nantes"))
            typed = st.session_state.get("addr.cut", {}).get(request.path)
            if typed:
                bounded.cut_warning(typed, iv.model_max_length(request.path))
            used = ", ".join(f"{numbers[i]}. {titles[i]}" for i in request.letters)
            st.caption(escape_markdown(_("Pour : {which}").format(which=used)))
            if len(request.names) > 1:
                st.caption(escape_markdown(_("À la même adresse : {names}").format(names=", ".join(request.names[1:]))))
            st.caption(escape_markdown(_("Où la trouver :")) + " " + linked_markdown(request.where, links))
        st.form_submit_button(_("Mettre ces adresses sur les courriers"), on_click=_keep_addresses, key="addr.submit",
                              args=([r.path for r in requests],), icon=":material/edit_note:")


def _deadline_banner():
    try:
        from assistant.pages.banner import deadline_banner
    except Exception:
        return None
    return deadline_banner


result = require_outcome()
case, analysis = result.case, result.analysis
language = current_language()

st.title(_("Vos courriers"), anchor="vos-courriers")
if hasattr(common, "announce_step"):
    common.announce_step(None, None, "vos-courriers")
if language != "fr":
    st.info(_("Les courriers restent en français, la langue de l'administration ; chacun est expliqué ici dans votre langue."))
    if case.context.own_words:
        st.warning(_("Ce que vous avez écrit avec vos propres mots est recopié tel quel dans le courrier, qui est en français : s'il n'est pas en français, faites-le traduire ou réécrivez-le en français avant d'envoyer le courrier."))

ics_name = f"{file_stem('dates', case)}.ics"
ics = calendar_bytes(case, analysis, language)
st.download_button(_("Ajouter les dates à mon agenda (.ics)"), ics, file_name=ics_name,
                   mime="text/calendar", icon=":material/calendar_month:", key="dl.ics", on_click="ignore",
                   help=_("Le fichier s'ouvre avec l'agenda du téléphone ou de l'ordinateur ; des rappels sont prévus une semaine avant, la veille et le jour de chaque date."))

# A signed-in professional may keep the case file, with the person's consent; a person
# alone never sees this and nothing is written anywhere.
if workspace.signed_in():
    workspace.save_section(case)

api = letters_api()
if api is None:
    st.warning(_("La préparation des courriers n'est pas encore disponible sur cette installation. Vos droits et vos dates restent consultables ; revenez plus tard pour les courriers."))
    st.stop()

made = bundle(api, case, analysis)
if not made.letters:
    st.info(_("Aucun courrier n'est proposé pour votre situation."))
    st.stop()
_letters_pkg, _pdf_pkg, guides_mod = api
guides = guides_mod.sending_guides(case, analysis, made.letters, language)

st.markdown(_("{n} courrier(s) prêt(s). Relisez-les, imprimez-les ou envoyez-les aujourd'hui.").format(n=len(made.letters)))
st.download_button(_("Tout télécharger (ZIP)"),
                   lambda: zip_bytes(made, (ics_name, ics), guides, case, language, guides_mod.guide_lines),
                   file_name=f"{file_stem('courriers', case)}.zip",
                   mime="application/zip", icon=":material/folder_zip:", key="dl.zip", type="primary", on_click="ignore")
if made.pdf_error:
    st.info(_("Le PDF n'est pas disponible sur cet ordinateur : téléchargez le DOCX, il s'ouvre avec Word, LibreOffice ou un téléphone."))

address_section(guides_mod.address_requests(case, analysis, made.letters, language), made.letters,
                guides_mod.official_links())

for index, (letter, guide) in enumerate(zip(made.letters, guides), 1):
    stem = letter_stem(letter, case)
    title = lib(letter.title)
    with st.container(border=True):
        st.header(f"{index}. {title}", anchor=f"courrier-{letter.id}")
        st.markdown(escape_markdown(lib(letter.explanation)))
        if letter.id == "appeal":
            appeal_date_line(result, case, analysis)
        st.markdown(_("**Comment l'envoyer :** {how}").format(how=escape_markdown(guide.how)))
        with st.expander(_("Lire le courrier (en français) : {title}").format(title=title), expanded=mediator()), \
                st.container(key=f"lang-fr-{letter.id}"):     # marked lang="fr" by the page script
            for paragraph in letter.plain_text().split("\n"):
                if paragraph.strip():
                    st.markdown(escape_markdown(paragraph))
        docx_col, pdf_col = st.columns(2)
        docx_col.download_button(_("Télécharger (DOCX, modifiable) : {title}").format(title=title),
                                 made.docx[f"{stem}.docx"], file_name=f"{stem}.docx",
                                 mime=DOCX, key=f"dl.docx.{letter.id}", icon=":material/description:",
                                 width="stretch", on_click="ignore")
        if f"{stem}.pdf" in made.pdf:
            pdf_col.download_button(_("Télécharger (PDF, à imprimer) : {title}").format(title=title),
                                    made.pdf[f"{stem}.pdf"], file_name=f"{stem}.pdf", mime="application/pdf",
                                    key=f"dl.pdf.{letter.id}", icon=":material/print:", width="stretch",
                                    on_click="ignore")
        with st.expander(_("Tout ce qu'il faut savoir pour l'envoyer : {title}").format(title=title), expanded=mediator()):
            links = guides_mod.official_links()
            st.markdown("\n".join(f"- {linked_markdown(line, links)}" for line in guides_mod.guide_lines(guide, language)))

st.header(_("La fiche « Comment envoyer vos courriers »"), anchor="fiche-envoi")
st.markdown(_("Une page qui résume, pour chaque courrier, à qui l'envoyer, comment, quoi joindre et quoi garder (en français, pour l'imprimer avec les courriers)."))
guide_stem = file_stem("comment-envoyer", case)
docx_col, pdf_col = st.columns(2)
docx_col.download_button(_("Télécharger (DOCX, modifiable) : la fiche d'envoi"), made.docx[f"{guide_stem}.docx"],
                         file_name=f"{guide_stem}.docx", mime=DOCX, key="dl.docx.guide",
                         icon=":material/description:", width="stretch", on_click="ignore")
if f"{guide_stem}.pdf" in made.pdf:
    pdf_col.download_button(_("Télécharger (PDF, à imprimer) : la fiche d'envoi"), made.pdf[f"{guide_stem}.pdf"],
                            file_name=f"{guide_stem}.pdf", mime="application/pdf", key="dl.pdf.guide",
                            icon=":material/print:", width="stretch", on_click="ignore")
