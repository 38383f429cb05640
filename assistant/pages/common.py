"""What every page shares: this session's answers, the case built from them, widgets for
one question, and the analysis. Nothing here computes law; nothing here is cached
across sessions (everything personal lives in `st.session_state` only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Optional

import streamlit as st

from assistant import interview as iv
from assistant.analysis import Analysis, analyse
from assistant.formatting import long_date
from assistant.i18n import _, babel_locale, current_language
from assistant.model import Case, InvalidCase, parse_case

ANSWERS = "answers"          # dict: question id → answer as typed
STEP = "step"                # id of the interview screen shown
ERRORS = "field_errors"      # dict: question id → French messages shown next to it
GOTO = "goto"                # page to switch to at the next run (set by callbacks)
GENERATION = "generation"    # bumped by « Terminer et effacer »: fresh widgets, blank on screen
KEEP_ON_CLEAR = ("lang", "mediator", GENERATION)


def answers() -> dict[str, Any]:
    return st.session_state.setdefault(ANSWERS, {})


def mediator() -> bool:
    return bool(st.session_state.get("mediator", False))


def reference_date() -> Optional[dt.date]:
    """The case's `today`: the real date, unless a test pins it in the session."""
    return st.session_state.get("reference_date")


def ui_date(day: Optional[dt.date]) -> str:
    return long_date(day, babel_locale()) if day else _("date inconnue")


def clear_session() -> None:
    """« Terminer et effacer »: forget everything about the person, keep only the settings."""
    for key in list(st.session_state.keys()):
        if key not in KEEP_ON_CLEAR:
            del st.session_state[key]
    # A browser keeps showing a widget's last value until the widget is replaced: new
    # keys make every field a new, empty widget.
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    st.session_state[GOTO] = "interview"


def follow_goto() -> None:
    """Page switches requested by button callbacks (callbacks cannot switch pages)."""
    target = st.session_state.pop(GOTO, None)
    if target:
        st.switch_page(PAGE_FILES[target])


PAGE_FILES = {
    "interview": "pages/interview.py",
    "review": "pages/review.py",
    "rights": "pages/rights.py",
    "letters": "pages/letters.py",
}


# --- Case and analysis ------------------------------------------------------------------


@dataclass
class Outcome:
    case: Optional[Case]
    analysis: Optional[Analysis]      # in French: what the letters and the calendar are made from
    messages: list[str]

    @property
    def ok(self) -> bool:
        return self.case is not None

    def shown(self) -> Optional[Analysis]:
        """The analysis with its sentences (notes, date labels) in the session's language."""
        language = current_language()
        if self.case is None or language == "fr":
            return self.analysis
        return analyse(self.case, lang=language)


def outcome() -> Outcome:
    """The case built from the answers and its analysis, or the French messages."""
    data = iv.case_dict(answers(), reference_date())
    try:
        case = parse_case(data)
    except InvalidCase as error:
        return Outcome(None, None, error.messages)
    return Outcome(case, analyse(case), [])


def case_fingerprint(case: Case) -> str:
    """Identifies the case's content, to reuse letters made for the same answers."""
    raw = json.dumps(case.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def step_messages(step: iv.Step) -> dict[str, list[str]]:
    """Validation messages about the questions of one screen (later screens not reached)."""
    ids = tuple(q.id for q in step.visible_questions(answers()))
    data = iv.partial_case_dict(answers(), reference_date(), keep=ids)
    try:
        parse_case(data)
    except InvalidCase as error:
        attached, _loose = iv.errors_by_question(error.messages)
        return {qid: msgs for qid, msgs in attached.items() if qid in ids}
    return {}


def require_outcome() -> Outcome:
    """For the result pages: the analysis, or a clear way back to the questions."""
    result = outcome()
    if result.ok:
        return result
    if not answers():
        st.info(_("Répondez d'abord à quelques questions : cela prend moins de dix minutes."))
        st.page_link(PAGE_FILES["interview"], label=_("Commencer les questions"), icon=":material/arrow_forward:")
    else:
        st.warning(_("Quelques réponses manquent ou sont à corriger avant de voir le résultat."))
        st.page_link(PAGE_FILES["review"], label=_("Vérifier mes réponses"), icon=":material/edit:")
    st.stop()
    return result


# --- One question, as widgets -----------------------------------------------------------


def _suffix() -> str:
    generation = st.session_state.get(GENERATION, 0)
    return f"#{generation}" if generation else ""


def widget_key(question: iv.Question) -> str:
    return f"q.{question.id}{_suffix()}"


def unknown_key(question: iv.Question) -> str:
    return f"q.{question.id}.unknown{_suffix()}"


def sync(question: iv.Question) -> None:
    """Copy a widget's value into the answers (called on every change)."""
    store = answers()
    key = widget_key(question)
    if question.kind == "date" and question.unknown_allowed and st.session_state.get(unknown_key(question)):
        store[question.id] = iv.UNKNOWN
    elif key in st.session_state:
        value = st.session_state[key]
        if value is None or value == "":
            store.pop(question.id, None)
        else:
            store[question.id] = value
    st.session_state.get(ERRORS, {}).pop(question.id, None)


def _seed(question: iv.Question, options: tuple[iv.Option, ...]) -> None:
    """Put the remembered answer back into a widget that is shown again."""
    store = answers()
    value = store.get(question.id)
    if question.kind == "choice" and value is not None and value not in {o.value for o in options}:
        store.pop(question.id)  # e.g. a benefit the newly chosen body does not pay
        value = None
    key = widget_key(question)
    if key not in st.session_state and value is not None:
        st.session_state[key] = None if value == iv.UNKNOWN and question.kind == "date" else value
    if question.kind == "date" and question.unknown_allowed and unknown_key(question) not in st.session_state:
        st.session_state[unknown_key(question)] = value == iv.UNKNOWN


def render_question(question: iv.Question, errors: dict[str, list[str]]) -> None:
    options = iv.options_for(question, answers())
    _seed(question, options)
    key = widget_key(question)
    label = _(question.label)
    help_text = _(question.help) if question.help else None
    placeholder = _(question.placeholder) if question.placeholder else None
    common = dict(key=key, help=help_text, on_change=sync, args=(question,))
    labels = {o.value: _(o.label) for o in options}
    if question.kind in ("choice", "tristate", "yesno"):
        st.radio(label, [o.value for o in options], format_func=labels.__getitem__, index=None, **common)
    elif question.kind == "date":
        unknown = bool(st.session_state.get(unknown_key(question)))
        st.date_input(label, value=None, min_value=dt.date(1990, 1, 1), max_value=dt.date.today() + dt.timedelta(days=3650),
                      format="DD/MM/YYYY", disabled=unknown, **common)
        if question.unknown_allowed:
            # The question in the label: several of these boxes can be on one screen.
            st.checkbox(_("Je ne sais pas — {question}").format(question=label), key=unknown_key(question),
                        on_change=sync, args=(question,),
                        help=_("Nous choisirons alors ce qui vous protège le mieux."))
    elif question.kind == "longtext":
        st.text_area(label, max_chars=question.max_chars or 3000, placeholder=placeholder, **common)
    else:
        st.text_input(label, placeholder=placeholder, **common)
    for hint in question.hints:
        if hint.visible(answers()):
            st.caption(_(hint.text))
    for message in errors.get(question.id, []):
        st.error(message, icon=":material/error:")


def answer_text(question: iv.Question, value: Any) -> str:
    """An answer as shown on the review screen."""
    if value is None or value == "":
        return _("Pas de réponse")
    if value == iv.UNKNOWN:
        return _("Je ne sais pas (nous retenons ce qui vous protège le mieux)")
    if question.kind in ("choice", "tristate", "yesno"):
        option = next((o for o in iv.options_for(question, answers()) if o.value == value), None)
        return _(option.label) if option else str(value)
    if isinstance(value, dt.date):
        return ui_date(value)
    return str(value)


def escape_markdown(text: str) -> str:
    """Text typed by a person or generated for a letter, shown literally."""
    for char in "\\`*_{}[]<>()#+-!|$~":
        text = text.replace(char, "\\" + char)
    return text

