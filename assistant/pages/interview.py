"""The guided interview: one screen of questions at a time (all of them in mediator mode)."""

from __future__ import annotations

import streamlit as st

from assistant import interview as iv
from assistant.i18n import _
from assistant.pages.common import (
    ERRORS, GOTO, STEP, answers, follow_goto, mediator, render_question, step_messages, sync,
)

follow_goto()


def _current(steps: list[iv.Step]) -> iv.Step:
    wanted = st.session_state.get(STEP)
    for step in steps:
        if step.id == wanted:
            return step
    # The screen asked for is hidden by a changed answer: go to the nearest one before it.
    order = [s.id for s in iv.STEPS]
    if wanted in order:
        before = [s for s in steps if order.index(s.id) < order.index(wanted)]
        if before:
            return before[-1]
    return steps[0]


def _keep(step: iv.Step) -> None:
    for question in step.visible_questions(answers()):
        sync(question)


def _problems(step: iv.Step) -> dict[str, list[str]]:
    """Messages about one screen's answers, by question."""
    problems = step_messages(step)
    for question in step.visible_questions(answers()):
        if question.required and question.kind == "choice" and question.id not in answers():
            problems[question.id] = [_("Choisissez une réponse pour continuer.")]
    return problems


def _next(step: iv.Step) -> None:
    _keep(step)
    st.session_state[ERRORS] = _problems(step)
    if st.session_state[ERRORS]:
        return
    steps = iv.visible_steps(answers())
    ids = [s.id for s in steps]
    index = ids.index(step.id) if step.id in ids else 0
    if index + 1 < len(steps):
        st.session_state[STEP] = ids[index + 1]
    else:
        st.session_state[GOTO] = "review"


def _back(step: iv.Step) -> None:
    _keep(step)
    st.session_state[ERRORS] = {}
    steps = iv.visible_steps(answers())
    ids = [s.id for s in steps]
    index = ids.index(step.id) if step.id in ids else 0
    st.session_state[STEP] = ids[max(index - 1, 0)]


def _all_checked() -> None:
    problems: dict[str, list[str]] = {}
    for step in iv.visible_steps(answers()):
        _keep(step)
    for step in iv.visible_steps(answers()):
        problems.update(_problems(step))
    st.session_state[ERRORS] = problems
    if not problems:
        st.session_state[GOTO] = "review"


errors = st.session_state.get(ERRORS, {})
steps = iv.visible_steps(answers())

def _show_step(step, errors, heading) -> None:
    """A step's title, introduction and visible questions (one screen, or a section in mediator mode)."""
    heading(_(step.title))
    if step.intro:
        st.markdown(_(step.intro))
    for question in step.visible_questions(answers()):
        render_question(question, errors)


if mediator():
    # Professionals fill the whole file on one screen, in the same order.
    st.title(_("Votre situation"))
    st.markdown(_("Mode médiateur : toutes les questions sur une page."))
    for step in steps:
        _show_step(step, errors, st.subheader)
    if errors:
        st.error(_("Certaines réponses sont à corriger : voyez les messages sous les champs."))
    st.button(_("Vérifier mes réponses"), type="primary", on_click=_all_checked, key="nav.check")
else:
    step = _current(steps)
    st.session_state[STEP] = step.id
    position = [s.id for s in steps].index(step.id) + 1
    st.progress(position / len(steps), text=_("Étape {n} sur {total}").format(n=position, total=len(steps)))
    _show_step(step, errors, st.title)
    if errors:
        st.error(_("Une réponse est à corriger : voyez le message sous le champ."))
    back, forward = st.columns(2)
    with back:
        st.button(_("← Retour"), on_click=_back, args=(step,), disabled=position == 1, width="stretch", key="nav.back")
    with forward:
        last = position == len(steps)
        st.button(_("Vérifier mes réponses →") if last else _("Suivant →"), type="primary",
                  on_click=_next, args=(step,), width="stretch", key="nav.next")
