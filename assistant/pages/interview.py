"""The guided interview: one screen of questions at a time (all of them in mediator mode).

Each field shows its help under it, a text cut to its character limit (said, never dropped), and its
problem in plain words right under it, linked to it for screen readers (aria-invalid,
aria-describedby). Once the decision's dates are known, the safe date to appeal stays at
the top of every later screen. After a change of screen the focus goes to the new
heading and « Étape n sur N » is announced.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import streamlit as st

from assistant.law import interview as iv
from assistant.core.formatting import number
from assistant.core.i18n import _, babel_locale
from assistant.law.model import InvalidCase, Problem, parse_case
from assistant.pages import bounded
from assistant.pages import letter_reader as reader
from assistant.pages.banner import deadline_banner, interview_analysis
from assistant.pages.common import (
    ERRORS, GOTO, PAGE_FILES, STEP, answers, announce_step, choice_key, follow_goto, mediator, reference_date, run_script, sync,
    unknown_key, widget_key,
)

follow_goto()

PROBLEMS = "field_problems"      # question id → [Problem]: shown under the field
RETURN = "return_to_review"      # set by the review's « Modifier »: offer to go straight back
DATES_STEP = "decision"          # from this screen on, the safe date is shown


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


# --- Answers in and out of the widgets -------------------------------------------------


def _seed(question: iv.Question, options: tuple[iv.Option, ...]) -> None:
    """Put the remembered answer back into a widget shown again (dates as typed: 06/10/2026)."""
    store = answers()
    value = store.get(question.id)
    if question.kind == "choice" and value is not None and value not in {o.value for o in options}:
        store.pop(question.id)  # e.g. a benefit the newly chosen body does not pay
        value = None
    key = widget_key(question)
    if key not in st.session_state and value is not None:
        if question.kind == "date":
            shown = iv.date_text(value) if isinstance(value, dt.date) else ("" if value == iv.UNKNOWN else str(value))
            st.session_state[key] = shown
        else:
            st.session_state[key] = value
    reader.seed(question, options)   # a proposal read on the letter, pre-filled (not an answer)
    if question.kind == "date" and question.unknown_allowed and unknown_key(question) not in st.session_state:
        st.session_state[unknown_key(question)] = value == iv.UNKNOWN


def _sync(question: iv.Question) -> None:
    """A widget's value into the answers; a typed date is checked at once (31/02 is refused)."""
    problems = st.session_state.setdefault(PROBLEMS, {})
    problems.pop(question.id, None)
    if question.kind != "date":
        # No limit in the browser (Streamlit drops a whole paste that is too long, silently):
        # what fits is kept here, and the page says the text was cut.
        if question.limit:
            bounded.cut_to_limits({widget_key(question): question.limit})
        sync(question)
        return
    store = answers()
    if question.unknown_allowed and st.session_state.get(unknown_key(question)):
        store[question.id] = iv.UNKNOWN
    else:
        text = str(st.session_state.get(widget_key(question)) or "").strip()
        if not text:
            store.pop(question.id, None)
        else:
            try:
                store[question.id] = iv.parse_date(text, question.id)
            except iv.DateProblem as error:
                store[question.id] = text  # kept as typed, and said wrong right away
                problems[question.id] = [error.problem]
    st.session_state.get(ERRORS, {}).pop(question.id, None)


def _keep(step: iv.Step) -> None:
    waiting = reader.pending()
    for question in step.visible_questions(reader.shown()):
        if question.id in waiting:
            continue    # a proposal left as read stays a proposal: confirmed on the review
        if question.kind == "date":
            _sync(question)
        else:
            sync(question)


def _problems(step: iv.Step) -> dict[str, list[Problem]]:
    """The problems of one screen's answers, by question (later screens not reached)."""
    seen = reader.shown()
    shown = step.visible_questions(seen)
    ids = tuple(q.id for q in shown)
    problems: dict[str, list[Problem]] = {}
    for question in shown:
        value = seen.get(question.id)
        if question.kind == "date" and isinstance(value, str) and value != iv.UNKNOWN:
            try:
                iv.parse_date(value, question.id)
            except iv.DateProblem as error:
                problems[question.id] = [error.problem]
    try:
        parse_case(iv.partial_case_dict(seen, reference_date(), keep=ids))
    except InvalidCase as error:
        attached, _loose = iv.problems_by_question(error.problems)
        for qid, found in attached.items():
            if qid in ids and qid not in problems:
                problems[qid] = found
    for question in shown:
        if question.required and question.kind == "choice" and question.id not in seen:
            problems[question.id] = [Problem(question.id, "choice_missing")]
    return problems


# --- Navigation -------------------------------------------------------------------------


def _checked(step: iv.Step) -> bool:
    _keep(step)
    st.session_state[PROBLEMS] = _problems(step)
    return not st.session_state[PROBLEMS]


def _next(step: iv.Step) -> None:
    if not _checked(step):
        return
    steps = reader.steps()
    ids = [s.id for s in steps]
    index = ids.index(step.id) if step.id in ids else 0
    if index + 1 < len(steps):
        st.session_state[STEP] = ids[index + 1]
    else:
        st.session_state.pop(RETURN, None)
        st.session_state[GOTO] = "review"


def _back(step: iv.Step) -> None:
    _keep(step)
    st.session_state[PROBLEMS] = {}
    steps = reader.steps()
    ids = [s.id for s in steps]
    index = ids.index(step.id) if step.id in ids else 0
    st.session_state[STEP] = ids[max(index - 1, 0)]


def _save_and_return(step: iv.Step) -> None:
    """« Enregistrer et revenir à la vérification »: this screen checked, then the review."""
    if not _checked(step):
        return
    st.session_state.pop(RETURN, None)
    st.session_state[GOTO] = "review"


def _all_checked() -> None:
    problems: dict[str, list[Problem]] = {}
    for step in iv.visible_steps(reader.shown()):
        _keep(step)
    for step in iv.visible_steps(reader.shown()):
        problems.update(_problems(step))
    st.session_state[PROBLEMS] = problems
    if not problems:
        st.session_state.pop(RETURN, None)
        st.session_state[GOTO] = "review"


# --- One question, as widgets -------------------------------------------------------------


def css_key(key: str) -> str:
    """The class Streamlit gives a keyed element (`st-key-…`, other characters as '-')."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def _limit_caption(question: iv.Question) -> str | None:
    limit = question.limit
    # Long texts only: a short field says its limit when a text typed or pasted is cut to it.
    if question.kind == "longtext" and limit:
        return _("{n} caractères au plus.").format(n=number(limit, babel_locale()))
    return None


# What each identity field is (WCAG 1.3.5): browsers and assistive tools can fill them.
AUTOCOMPLETE = {
    "claimant.first_name": "given-name", "claimant.last_name": "family-name",
    "claimant.address": "address-line1", "claimant.postal_code": "postal-code",
    "claimant.city": "address-level2", "claimant.email": "email", "claimant.phone": "tel",
}


def render_question(question: iv.Question, problems: dict[str, list[Problem]], links: list[dict]) -> None:
    """The question's widget, then its help, its hints and its problems (linked to it)."""
    options = iv.options_for(question, reader.shown())
    _seed(question, options)
    key = widget_key(question)
    label = _(question.label)
    placeholder = _(question.placeholder) if question.placeholder else None
    common = dict(on_change=_sync, args=(question,))
    if question.kind in ("choice", "tristate", "yesno"):
        labels = {o.value: _(o.label) for o in options}
        st.radio(label, [o.value for o in options], format_func=labels.__getitem__, index=None,
                 key=choice_key(key), **common)
    elif question.kind == "date":
        unknown = bool(st.session_state.get(unknown_key(question)))
        st.text_input(label, max_chars=question.limit, placeholder=_("JJ/MM/AAAA"), disabled=unknown,
                      autocomplete="off", key=key, **common)
    elif question.kind == "longtext":
        st.text_area(label, placeholder=placeholder, key=key, **common)
    else:
        st.text_input(label, placeholder=placeholder, autocomplete=AUTOCOMPLETE.get(question.id, "off"), key=key, **common)
    described: list[str] = []
    notes = []
    read = reader.evidence(question.id)
    if read:
        notes.append(read)
    if question.kind == "date":
        notes.append(_("Le jour, le mois et l'année, par exemple 06/10/2026."))
    if question.help:
        notes.append(_(question.help))
    limit = _limit_caption(question)
    if limit:
        notes.append(limit)
    notes += [_(hint.text) for hint in question.hints if hint.visible(reader.shown())]
    if notes:
        help_key = f"help.{key}"
        with st.container(key=help_key):
            for note in notes:
                st.caption(note)
        described.append(css_key(help_key))
    if question.kind == "date" and question.unknown_allowed:
        # The question in the label: several of these boxes can be on one screen.
        st.checkbox(_("Je ne sais pas — {question}").format(question=label), key=unknown_key(question),
                    on_change=_sync, args=(question,))
    typed = st.session_state.get(bounded.CUT, {}).get(key)
    if typed:
        cut_key = f"cut.{key}"
        with st.container(key=cut_key):
            bounded.cut_warning(typed, question.limit)
        described.append(css_key(cut_key))
    found = problems.get(question.id, [])
    if found:
        error_key = f"error.{key}"
        with st.container(key=error_key):
            for problem in found:
                st.error(iv.problem_text(problem, _, babel_locale()), icon=":material/error:")
        described.append(css_key(error_key))
    links.append({"field": css_key(key), "described": described, "invalid": bool(found)})


def link_fields(links: list[dict], focus_error: bool) -> None:
    """aria-describedby (help, problem) and aria-invalid on each field, in the browser.

    Kept up to date as Streamlit redraws the fields; on `focus_error` the first field in
    error gets the focus."""
    script = r"""
(() => {
  window.mdaFields = LINKS;
  const apply = () => {
    for (const link of window.mdaFields || []) {
      const box = document.querySelector("." + link.field);
      if (!box) continue;
      const control = box.querySelector('[role="radiogroup"], textarea, input');
      if (!control) continue;
      const ours = link.described.map((cls) => {
        const el = document.querySelector("." + cls);
        if (!el) return null;
        el.id = "mda-" + cls;
        return el.id;
      }).filter(Boolean);
      const theirs = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && !id.startsWith("mda-"));
      const all = [...theirs, ...ours].join(" ");
      if (all) control.setAttribute("aria-describedby", all); else control.removeAttribute("aria-describedby");
      if (link.invalid) control.setAttribute("aria-invalid", "true"); else control.removeAttribute("aria-invalid");
    }
  };
  apply();
  if (!window.mdaFieldsObserver) {
    let pending = false;
    window.mdaFieldsObserver = new MutationObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; apply(); });
    });
    window.mdaFieldsObserver.observe(document.body, {subtree: true, childList: true});
  }
  if (FOCUS) {
    const started = Date.now();
    const attempt = () => {
      const first = (window.mdaFields || []).find((link) => link.invalid);
      const box = first && document.querySelector("." + first.field);
      const control = box && !box.closest('[data-stale="true"]') && box.querySelector('[role="radiogroup"] input, textarea, input');
      if (!control) { if (Date.now() - started < 3000) setTimeout(attempt, 50); return; }
      apply();
      control.focus();
    };
    setTimeout(attempt, 50);
  }
})();
"""
    run_script(script.replace("LINKS", json.dumps(links)).replace("FOCUS", "true" if focus_error else "false"))


def _show_step(step: iv.Step, problems: dict[str, list[Problem]], links: list[dict], heading) -> None:
    """A step's title, introduction and visible questions (one screen, or a section in mediator mode)."""
    heading(_(step.title), anchor=f"etape-{step.id}")
    if step.intro:
        st.markdown(_(step.intro))
    for question in step.visible_questions(reader.shown()):
        render_question(question, problems, links)


# --- The page ---------------------------------------------------------------------------

# Tap targets of at least 24 × 24 CSS px on a phone (WCAG 2.5.8): radio and checkbox rows.
st.html("<style>[data-testid='stMain'] [data-testid='stRadio'] label,"
        " [data-testid='stMain'] [data-testid='stCheckbox'] label"
        " { min-height: 1.5rem; align-items: center; }</style>")

problems: dict[str, list[Problem]] = st.session_state.get(PROBLEMS, {})
# After a letter was read, the screens whose every question was read wait on the review.
steps = iv.visible_steps(reader.shown()) if mediator() else reader.steps()
if not steps:
    st.switch_page(PAGE_FILES["review"])
links: list[dict] = []
# Focus the first field in error once, right after « Suivant » found problems.
problem_token = json.dumps(sorted(problems))
focus_error = bool(problems) and st.session_state.get("nav.problem_token") != problem_token
st.session_state["nav.problem_token"] = problem_token if problems else None

if mediator():
    # Professionals fill the whole file on one screen, in the same order.
    st.title(_("Votre situation"), anchor="etape-mediateur")
    announce_step(None, None, "etape-mediateur")
    st.markdown(_("Mode médiateur : toutes les questions sur une page."))
    if not reader.pending():
        reader.letter_reader("interview")
    analysis = interview_analysis(reader.shown(), reference_date())
    for step in steps:
        _show_step(step, problems, links, st.header)
        if step.id == DATES_STEP:
            deadline_banner(analysis)
    if problems:
        st.error(_("Certaines réponses sont à corriger : voyez les messages sous les champs."))
    st.button(_("Vérifier mes réponses"), type="primary", on_click=_all_checked, key="nav.check")
else:
    step = _current(steps)
    st.session_state[STEP] = step.id
    if reader.pending():
        reader.open_step(step.id)    # a screen seen stays in « Étape n sur N », even once all read or answered
    ids = [s.id for s in steps]
    position = ids.index(step.id) + 1
    st.progress(position / len(steps), text=_("Étape {n} sur {total}").format(n=position, total=len(steps)))
    st.title(_(step.title), anchor=f"etape-{step.id}")
    announce_step(position, len(steps), f"etape-{step.id}")
    # The safe date: under the dates themselves on their screen, then at the top of every later one.
    after_dates = DATES_STEP in ids and position > ids.index(DATES_STEP) + 1
    analysis = interview_analysis(reader.shown(), reference_date()) if DATES_STEP in ids and position >= ids.index(DATES_STEP) + 1 else None
    if after_dates:
        deadline_banner(analysis)
    if position == 1 and not reader.pending():
        reader.letter_reader("interview")    # the letter read instead of typed (issue 21)
    if step.intro:
        st.markdown(_(step.intro))
    for question in step.visible_questions(reader.shown()):
        render_question(question, problems, links)
    if step.id == DATES_STEP:
        deadline_banner(analysis)
    if problems:
        st.error(_("Une réponse est à corriger : voyez le message sous le champ."))
    last = position == len(steps)
    if st.session_state.get(RETURN):
        st.button(_("Enregistrer et revenir à la vérification"), type="primary", on_click=_save_and_return,
                  args=(step,), width="stretch", key="nav.save_return")
    back, forward = st.columns(2)
    with back:
        st.button(_("← Retour"), on_click=_back, args=(step,), disabled=position == 1, width="stretch", key="nav.back")
    with forward:
        st.button(_("Vérifier mes réponses →") if last else _("Suivant →"),
                  type="secondary" if st.session_state.get(RETURN) else "primary",
                  on_click=_next, args=(step,), width="stretch", key="nav.next")

link_fields(links, focus_error)
