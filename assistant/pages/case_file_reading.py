"""« Lire la réponse reçue » on the case page: a photo or PDF of the body's answer proposes the
answer kind, with the words it was read from; the diagnosis below is pre-selected to give that
kind, the person checks it and records it (« Enregistrer la réponse »), and the step the ladder
then offers is said beforehand.

Thin: reading is `assistant.reading.read_answer_letter`, the replies that give a kind and the
steps after it are `assistant/reading/prefill_answers.py`. The files are dropped once read
(`letter_reader.emptied`); the evidence lives in this session for this form's round only.
"""

from __future__ import annotations

from typing import Any, Optional

import streamlit as st

from assistant.casefiles import followup
from assistant.casefiles.followup import Answer, AnswerKind, FollowupError
from assistant.core.formatting import last_day
from assistant.core.i18n import _
from assistant.law import interview as iv
from assistant.pages import letter_reader as reader
from assistant.pages.common import escape_markdown
from assistant.pages.workspace import answer_label, letter_title
from assistant.reading import prefill_answers as prefill

READ = "reading.answer"   # {"round": n, "kind": AnswerKind value, "evidence": str}: the form's round only


def _read(round_: int) -> Optional[dict]:
    found = st.session_state.get(READ)
    if found is not None and found.get("round") != round_:
        st.session_state.pop(READ, None)     # recorded or dropped since: its evidence goes
        return None
    return found


def answer_reader(round_: int) -> None:
    """The files, « Lire la réponse », and what was read, above the diagnosis questions."""
    where = f"answer.{round_}"
    with st.container(border=True, key=f"reading.box.{where}"):
        st.subheader(_("Lire la réponse reçue"), anchor=False)
        st.markdown(_("Donnez la réponse de l'organisme : nous proposons le type de réponse, vous le vérifiez avant d'enregistrer."))
        uploads = reader.upload_widgets(where)
        result = reader.read_button(where, _("Lire la réponse"), uploads, forget=READ, answer=True)
        if result is not None:
            _propose(round_, prefill.answer_kind(result))
        found = _read(round_)
        if found is None:
            return
        if found.get("kind") is None:
            st.warning(_("Nous n'avons pas reconnu le type de réponse : répondez aux questions ci-dessous."),
                       icon=":material/help:")
            return
        st.info(_("Réponse lue : **{kind}** — lu sur la réponse : « {words} ». Les questions ci-dessous sont cochées en conséquence : vérifiez-les avant d'enregistrer.").format(
            kind=answer_label(found["kind"]), words=escape_markdown(found["evidence"])), icon=":material/document_scanner:")


def _propose(round_: int, read: Optional[tuple[AnswerKind, Any]]) -> None:
    """The kind read, kept with its evidence, and the diagnosis replies that give it pre-selected."""
    if read is None:
        st.session_state[READ] = {"round": round_, "kind": None}
        return
    kind, proposal = read
    st.session_state[READ] = {"round": round_, "kind": kind.value, "evidence": proposal.evidence}
    for qid in dict(followup.QUESTIONS):
        st.session_state.pop(f"pro.answer.{qid}.{round_}", None)
    for qid, value in prefill.diagnosis_replies(kind).items():
        st.session_state[f"pro.answer.{qid}.{round_}"] = value


def next_step(page: Any, kind: AnswerKind) -> None:
    """Once the diagnosis is settled on a kind read from the letter: the step the ladder offers
    after it, before the person records it."""
    found = _read(page.round_)
    if not found or found.get("kind") is None:
        return
    to_letter = st.session_state.get(f"pro.answer.to.{page.round_}")
    try:
        on = iv.parse_date(st.session_state.get(f"pro.answer.on.{page.round_}") or "")
        steps = prefill.steps_after(page.case, page.sent, page.answers, Answer(to_letter=to_letter, on=on, kind=kind),
                                    lang=page.language)
    except (iv.DateProblem, FollowupError, ValueError):
        return                                  # the form's own checks say what is wrong
    letters = [s for s in steps if s.letter_id]
    if letters:
        first = letters[0]
        letter, step = escape_markdown(letter_title(first.letter_id)), escape_markdown(first.text)
        if first.due:
            st.markdown(_("**Ensuite :** {letter}, {when}. {step}").format(
                letter=letter, when=escape_markdown(last_day(first.due, page.day)), step=step))
        else:
            st.markdown(_("**Ensuite :** {letter}. {step}").format(letter=letter, step=step))
