"""Your letters: what each one is for (in your language), its text (in French), the
files to download (DOCX, PDF, all as ZIP), how to send it, and the calendar of dates."""

from __future__ import annotations

import io
import shutil
import threading
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import streamlit as st

from assistant.calendar_ics import calendar_bytes
from assistant.i18n import _, current_language, lib
from assistant.pages.common import (
    case_fingerprint, escape_markdown, follow_goto, mediator, require_outcome, ui_date,
)

follow_goto()

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def letters_api() -> Optional[Any]:
    """The letters package, or None while it is not available on this installation."""
    try:
        from assistant import letters
    except Exception:  # being built, or broken: the rest of the app must keep working
        return None
    needed = ("build_letters", "render_docx", "to_pdf")
    return letters if all(hasattr(letters, name) for name in needed) else None


def pdf_possible() -> bool:
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


@dataclass
class Bundle:
    """This session's letters for one version of the answers (kept in session_state only)."""

    fingerprint: str
    letters: list
    docx: dict[str, bytes]
    to_pdf: Callable[[dict[str, bytes]], dict[str, bytes]]
    _pdf: Optional[dict[str, bytes]] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def pdf(self) -> dict[str, bytes]:
        """All PDFs (named `<stem>.pdf`) at once, on first request: one LibreOffice run."""
        with self._lock:
            if self._pdf is None:
                converted = self.to_pdf(self.docx)
                self._pdf = {_pdf_name(name): data for name, data in converted.items()}
            return self._pdf


def _pdf_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if name.endswith((".docx", ".pdf")) else name
    return f"{stem}.pdf"


def file_stem(index: int, letter: Any) -> str:
    # No personal data in file names: they end up in shared download folders.
    return f"{index:02d}-{letter.id}"


def bundle(api: Any, case: Any, analysis: Any) -> Bundle:
    fingerprint = case_fingerprint(case)
    current = st.session_state.get("letters_bundle")
    if current is not None and current.fingerprint == fingerprint:
        return current
    made = api.build_letters(case, analysis)
    names = [f"{file_stem(i, letter)}.docx" for i, letter in enumerate(made, 1)]
    rendered = api.render_docx_many(made) if hasattr(api, "render_docx_many") else [api.render_docx(x) for x in made]
    docx = dict(zip(names, rendered))
    if made and hasattr(api, "render_guide_docx"):
        docx["00-comment-envoyer.docx"] = api.render_guide_docx(made)
    current = Bundle(fingerprint, made, docx, api.to_pdf)
    st.session_state["letters_bundle"] = current
    return current


def guide_lines(guide: Any) -> list[str]:
    """The sending guide as lines, whatever its shape (text, list, or model)."""
    if guide is None:
        return []
    if hasattr(guide, "lines") and callable(guide.lines):
        return [str(line) for line in guide.lines()]
    if hasattr(guide, "plain_text"):
        return [line for line in guide.plain_text().splitlines() if line.strip()]
    if isinstance(guide, (list, tuple)):
        return [str(item) for item in guide]
    if hasattr(guide, "model_dump"):
        lines: list[str] = []
        for value in guide.model_dump().values():
            if isinstance(value, (list, tuple)):
                lines += [str(v) for v in value]
            elif value not in (None, "", False):
                lines.append(str(value))
        return lines
    return [str(guide)]


def zip_bytes(made: Bundle, ics: bytes, with_pdf: bool) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in made.docx.items():
            archive.writestr(name, data)
        if with_pdf:
            try:
                pdfs = made.pdf()
            except RuntimeError as error:  # PdfUnavailable: the DOCX files are still in the ZIP
                pdfs = {}
                archive.writestr("PDF-indisponible.txt", str(error))
            for name, data in pdfs.items():
                archive.writestr(name, data)
        archive.writestr("dates-a-retenir.ics", ics)
        guide = []
        for index, letter in enumerate(made.letters, 1):
            guide.append(f"{file_stem(index, letter)} — {letter.title}")
            guide += [f"  - {line}" for line in guide_lines(getattr(letter, "guide", None))]
            guide.append("")
        archive.writestr("comment-envoyer.txt", "\n".join(guide))
    return buffer.getvalue()


result = require_outcome()
case, analysis = result.case, result.analysis

st.title(_("Vos courriers"))
if current_language() != "fr":
    st.info(_("Les courriers restent en français, la langue de l'administration ; chacun est expliqué ici dans votre langue."))

ics = calendar_bytes(case, analysis, current_language())
st.download_button(_("Ajouter les dates à mon agenda (.ics)"), ics, file_name="dates-a-retenir.ics",
                   mime="text/calendar", icon=":material/calendar_month:", key="dl.ics", on_click="ignore",
                   help=_("Le fichier s'ouvre avec l'agenda du téléphone ou de l'ordinateur ; un rappel est prévu une semaine avant chaque date."))

api = letters_api()
if api is None:
    st.warning(_("La préparation des courriers n'est pas encore disponible sur cette installation. Vos droits et vos dates restent consultables ; revenez plus tard pour les courriers."))
    st.stop()

made = bundle(api, case, analysis)
with_pdf = pdf_possible()
if not made.letters:
    st.info(_("Aucun courrier n'est proposé pour votre situation."))
    st.stop()

st.markdown(_("{n} courrier(s) prêt(s). Relisez-les, imprimez-les ou envoyez-les aujourd'hui.").format(n=len(made.letters)))
st.download_button(_("Tout télécharger (ZIP)"), lambda: zip_bytes(made, ics, with_pdf), file_name="mes-courriers.zip",
                   mime="application/zip", icon=":material/folder_zip:", key="dl.zip", type="primary", on_click="ignore")
if not with_pdf:
    st.info(_("Le PDF n'est pas disponible sur cet ordinateur : téléchargez le DOCX, il s'ouvre avec Word, LibreOffice ou un téléphone."))

for index, letter in enumerate(made.letters, 1):
    stem = file_stem(index, letter)
    with st.container(border=True):
        st.subheader(f"{index}. {lib(letter.title)}")
        st.markdown(escape_markdown(lib(letter.explanation)))
        guide = getattr(letter, "guide", None)
        deadline = analysis.appeal.deadline
        if letter.id == "appeal" and deadline and analysis.appeal.deadline_opposable:
            if deadline >= case.reference_date:
                st.markdown(_("**À envoyer au plus tard le {date}.**").format(date=ui_date(deadline)))
            else:  # never a past date as a target
                st.markdown(_("**Le délai pour contester a expiré le {date}** : parlez-en à un conseiller avant d'envoyer ce courrier.").format(
                    date=ui_date(deadline)))
        if getattr(guide, "how", None):
            st.markdown(_("**Comment l'envoyer :** {how}").format(how=escape_markdown(lib(guide.how))))
        with st.expander(_("Lire le courrier (en français)"), expanded=mediator()):
            for paragraph in letter.plain_text().split("\n"):
                if paragraph.strip():
                    st.markdown(escape_markdown(paragraph))
        docx_col, pdf_col = st.columns(2)
        docx_col.download_button(_("Télécharger (DOCX, modifiable)"), made.docx[f"{stem}.docx"], file_name=f"{stem}.docx",
                                 mime=DOCX, key=f"dl.docx.{letter.id}", icon=":material/description:",
                                 width="stretch", on_click="ignore")
        if with_pdf:
            pdf_col.download_button(_("Télécharger (PDF, à imprimer)"), lambda name=f"{stem}.pdf": made.pdf()[name],
                                    file_name=f"{stem}.pdf", mime="application/pdf", key=f"dl.pdf.{letter.id}",
                                    icon=":material/print:", width="stretch", on_click="ignore")
        lines = guide_lines(guide)
        if lines:
            with st.expander(_("Tout ce qu'il faut savoir pour l'envoyer"), expanded=mediator()):
                st.markdown("\n".join(f"- {escape_markdown(lib(line))}" for line in lines))
