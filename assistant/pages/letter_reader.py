"""« Prendre en photo le courrier » / « Choisir une photo ou un PDF »: the widgets that read a
letter, and the session's proposals (issue 21).

What was read stays apart from the answers, under `PROPOSALS`, which `common.persist_session`
never saves: it fills the screens pre-ticked, with the words it was read from, and becomes an
answer only when the person confirms it on the review (`confirm_all`) or answers the question
herself. The photo's bytes are read once, in memory, then the upload widgets get new keys
(Streamlit drops their files); the evidence goes with the confirmation. The mapping from a
reading to answers and the folding of screens are `assistant/reading/prefill_answers.py`.
"""

from __future__ import annotations

from typing import Any, Optional

import streamlit as st

from assistant import reading
from assistant.core.i18n import _
from assistant.law import interview as iv
from assistant.pages.common import (
    ANSWERS, GENERATION, GOTO, PAGE_FILES, STEP, answers, escape_markdown, outcome, unknown_key, widget_key,
)
from assistant.reading import prefill_answers as prefill
from assistant.reading.model import Reading, UnreadableLetter

PROPOSALS = "reading.proposals"   # question id → prefill.Prefill: read, not yet confirmed
OPENED = "reading.opened"         # folded screens the person opened from the review
WIDGETS = "reading.widgets"       # bumped after a reading: the upload widgets start empty
CAMERA = "reading.camera"         # the camera is asked for only after « Prendre en photo »
FAILED = "reading.failed"         # the French message of the last file that could not be read
NOTHING = "reading.nothing"       # the last letter read gave nothing sure
TYPES = ["jpg", "jpeg", "png", "heic", "heif", "pdf"]
MAX_MB = 25


def proposals() -> dict[str, prefill.Prefill]:
    return st.session_state.get(PROPOSALS, {})


def pending() -> dict[str, prefill.Prefill]:
    return prefill.pending(answers(), proposals())


def shown() -> dict[str, Any]:
    """The answers and the proposals still pending: what the screens show and check."""
    return prefill.view(answers(), proposals())


def steps() -> list[iv.Step]:
    """The screens to go through (the folded ones are on the review)."""
    return prefill.steps_to_ask(answers(), proposals(), st.session_state.get(OPENED, ()))


def open_step(step_id: str) -> None:
    """« Modifier » on the review: a folded screen is shown again."""
    st.session_state[OPENED] = {*st.session_state.get(OPENED, ()), step_id}


def evidence(question_id: str) -> Optional[str]:
    """« lu sur votre courrier : « … » » for a proposal still pending, else None."""
    found = pending().get(question_id)
    if found is None:
        return None
    return _("lu sur votre courrier : « {words} »").format(words=escape_markdown(found.evidence))


def seed(question: iv.Question, options: tuple[iv.Option, ...]) -> None:
    """Pre-fill a question's widget with its proposal (never the answers); a choice the
    screen no longer offers (another body chosen since) is not pre-filled."""
    found = pending().get(question.id)
    key = widget_key(question)
    if found is None or key in st.session_state:
        return
    if question.kind in ("choice", "tristate", "yesno") and found.answer not in {o.value for o in options}:
        return
    value = found.answer
    st.session_state[key] = iv.date_text(value) if question.kind == "date" else value
    if question.kind == "date" and question.unknown_allowed:
        st.session_state[unknown_key(question)] = False


def drop() -> None:
    """Forget the reading: its proposals, their evidence, the screens opened."""
    for key in (PROPOSALS, OPENED, FAILED, NOTHING):
        st.session_state.pop(key, None)


def confirm_all() -> None:
    """« Tout confirmer »: every proposal pending becomes the person's answer; the reading
    (evidence included) is dropped. Then her rights, when the answers make a case."""
    st.session_state[ANSWERS] = prefill.confirmed(answers(), proposals())
    drop()
    if outcome().ok:
        st.session_state[GOTO] = "rights"


def _open_camera() -> None:
    st.session_state[CAMERA] = True


def _uploads(where: str, generation: str) -> list[Any]:
    photo = st.session_state.get(f"reading.photo.{where}.{generation}")
    uploads = list(st.session_state.get(f"reading.files.{where}.{generation}") or [])
    return ([photo] if photo is not None else []) + uploads


def _release(uploads: list[Any]) -> None:
    """Streamlit keeps an uploaded file in memory until the session ends: drop it now, as
    its chat and audio widgets do for theirs."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not isinstance(ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        return
    for upload in uploads:
        ctx.uploaded_file_mgr.remove_file(session_id=ctx.session_id, file_id=upload.file_id)


def read_files(files: list[tuple[str, bytes]], answer: bool = False) -> Optional[Reading]:
    """The reading of these pages (a decision, or with `answer` a body's answer), or None
    with the French message kept to show."""
    with st.spinner(_("Nous lisons votre courrier… Cela prend quelques secondes par page.")):
        try:
            return reading.read_answer_letter(files) if answer else reading.read_letter(files)
        except UnreadableLetter as error:
            st.session_state[FAILED] = str(error)
            return None


def _generation() -> str:
    # New keys after a reading (WIDGETS) and after « Terminer et effacer » (GENERATION): the
    # browser then shows empty widgets, not the last person's files.
    return f"{st.session_state.get(GENERATION, 0)}-{st.session_state.get(WIDGETS, 0)}"


def upload_widgets(where: str) -> list[Any]:
    """« Prendre en photo le courrier » (the camera asked for only after a click) and
    « Choisir une photo ou un PDF » (several files: the pages of one letter), with the one
    sentence on what becomes of them; returns the files given."""
    generation = _generation()
    if st.session_state.get(CAMERA):
        st.camera_input(_("Prendre en photo le courrier"), key=f"reading.photo.{where}.{generation}")
    else:
        st.button(_("Prendre en photo le courrier"), key=f"reading.camera.{where}", on_click=_open_camera,
                  icon=":material/photo_camera:", width="stretch")
    st.file_uploader(_("Choisir une photo ou un PDF"), type=TYPES, accept_multiple_files=True,
                     key=f"reading.files.{where}.{generation}", max_upload_size=MAX_MB)
    # Said under the field, not in a help icon: the uploader's icon is too small a target on a phone.
    st.caption(_("Photo (JPEG, PNG, HEIC) ou PDF. Plusieurs fichiers : les pages d'un même courrier."))
    st.caption(_("Le courrier est lu sur notre serveur, sans aucun service extérieur, et n'est pas gardé."))
    return _uploads(where, generation)


def read_button(where: str, label: str, uploads: list[Any], forget: str, answer: bool = False,
                **button: Any) -> Optional[Reading]:
    """The button that reads the files given (a decision, or with `answer` a body's answer):
    on a click, the last failure and the caller's last result (`forget`) are dropped, the files
    read and, once read, emptied. Returns the reading, or None (not clicked, or unreadable: its
    French message is then shown under the button)."""
    clicked = st.button(label, key=f"reading.read.{where}", disabled=not uploads,
                        icon=":material/document_scanner:", **button)
    result = None
    if clicked and uploads:
        st.session_state.pop(FAILED, None)
        st.session_state.pop(forget, None)
        result = read_files([(u.name, u.getvalue()) for u in uploads], answer=answer)
        if result is not None:
            emptied(uploads)                     # read: the bytes are no longer kept
    if st.session_state.get(FAILED):
        st.error(escape_markdown(st.session_state[FAILED]), icon=":material/error:")
    return result


def emptied(uploads: list[Any]) -> None:
    """After a reading: the files dropped from Streamlit's memory, the widgets new and empty."""
    _release(uploads)
    st.session_state[WIDGETS] = st.session_state.get(WIDGETS, 0) + 1
    st.session_state[CAMERA] = False


def letter_reader(where: str) -> None:
    """The two ways to give the letter, and « Lire le courrier ». After a reading the
    interview opens on its first screen still to answer (the review when none is left)."""
    with st.container(border=True, key=f"reading.box.{where}"):
        # h2: it follows the page's h1 (the start screen's, the first step's) directly.
        st.header(_("Vous avez le courrier ? Nous pouvons le lire"), anchor=False)
        st.markdown(_("Nous remplissons les réponses que nous y lisons : vous les vérifiez ensuite, rien n'est utilisé sans votre accord."))
        uploads = upload_widgets(where)
        result = read_button(where, _("Lire le courrier"), uploads, forget=NOTHING, type="primary", width="stretch")
        if result is not None:
            _take(result)
        if st.session_state.get(NOTHING):
            st.warning(_("Nous n'avons rien lu de sûr sur ce courrier : répondez aux questions une à une."),
                       icon=":material/help:")


def _take(result: Reading) -> None:
    """A reading's proposals into the session, the upload widgets emptied, then the screens."""
    st.session_state[PROPOSALS] = prefill.prefills(result, answers())
    st.session_state.pop(OPENED, None)
    for qid in st.session_state[PROPOSALS]:
        question = iv.QUESTIONS.get(qid)
        if question is not None and st.session_state.get(widget_key(question)) in (None, ""):
            # An empty field already drawn (mediator mode: every question at once) is drawn
            # again pre-filled.
            st.session_state.pop(widget_key(question), None)
            st.session_state.pop(unknown_key(question), None)
    if not st.session_state[PROPOSALS]:
        st.session_state[NOTHING] = True
        st.rerun()
    # The first screen with a question left to answer; none left: the review.
    seen = shown()
    first = next((s for s in steps() if any(seen.get(q.id) in (None, "") for q in s.visible_questions(seen))), None)
    if first is not None:
        st.session_state[STEP] = first.id
    st.switch_page(PAGE_FILES["interview" if first is not None else "review"])
