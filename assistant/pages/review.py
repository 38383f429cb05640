"""Review: every answer with a way to change it, before anything is produced.

« Modifier » opens that screen with « Enregistrer et revenir à la vérification »; each
button's accessible name says what it changes (« Modifier : la décision et ses dates »).
"""

from __future__ import annotations

import json

import streamlit as st

from assistant.law import interview as iv
from assistant.core.i18n import _, babel_locale
from assistant.law.model import InvalidCase
from assistant.pages.banner import deadline_banner, interview_analysis
from assistant.pages.common import (
    GOTO, STEP, answer_text, answers, announce_step, escape_markdown, follow_goto, outcome, reference_date,
    run_script,
)

follow_goto()

PROBLEMS = "field_problems"      # as in pages/interview.py: problems shown under the fields
RETURN = "return_to_review"      # pages/interview.py then offers to come straight back


def _edit(step_id: str) -> None:
    st.session_state[STEP] = step_id
    st.session_state[RETURN] = True
    st.session_state[GOTO] = "interview"


def _to_rights() -> None:
    st.session_state[GOTO] = "rights"


def edit_name(step: iv.Step) -> str:
    """The accessible name of a step's « Modifier » button: what it changes."""
    return _("Modifier : {what}").format(what=_(step.subject or step.title))


def name_buttons(names: dict[str, str]) -> None:
    """Give each « Modifier » button (found by its key's class) its full accessible name."""
    script = r"""
(() => {
  window.mdaEditNames = NAMES;
  const apply = () => {
    for (const [cls, name] of Object.entries(window.mdaEditNames || {})) {
      const button = document.querySelector("." + cls + " button");
      if (button && button.getAttribute("aria-label") !== name) button.setAttribute("aria-label", name);
    }
  };
  apply();
  if (!window.mdaEditObserver) {
    let pending = false;
    window.mdaEditObserver = new MutationObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; apply(); });
    });
    window.mdaEditObserver.observe(document.body, {subtree: true, childList: true});
  }
})();
"""
    run_script(script.replace("NAMES", json.dumps(names, ensure_ascii=False)))


st.title(_("Vérifiez vos réponses"), anchor="verifier")
announce_step(None, None, "verifier")
st.markdown(_("Relisez : vous pouvez modifier chaque réponse. Rien n'est envoyé à personne."))

result = outcome()
problems: list = []
if result.ok:
    deadline_banner(result)
else:
    deadline_banner(interview_analysis(answers(), reference_date()))
    try:
        iv.checked_case(answers(), reference_date())
    except InvalidCase as error:
        problems = error.problems
attached, loose = iv.problems_by_question(problems)
st.session_state[PROBLEMS] = attached

names: dict[str, str] = {}
for step in iv.visible_steps(answers()):
    with st.container(border=True):
        st.header(_(step.title), anchor=False)
        for question in step.visible_questions(answers()):
            value = answers().get(question.id)
            st.markdown(f"**{escape_markdown(_(question.label))}**  \n{escape_markdown(answer_text(question, value))}")
            for problem in attached.get(question.id, []):
                st.error(iv.problem_text(problem, _, babel_locale()), icon=":material/error:")
        key = f"edit.{step.id}"
        st.button(_("Modifier"), key=key, on_click=_edit, args=(step.id,), icon=":material/edit:")
        names["st-key-" + key.replace(".", "-")] = edit_name(step)
name_buttons(names)

for problem in loose:
    st.error(iv.problem_text(problem, _, babel_locale()), icon=":material/error:")

if result.ok:
    st.success(_("Tout est prêt."))
    st.button(_("Voir mes droits →"), type="primary", on_click=_to_rights, key="to_rights")
else:
    st.warning(_("Corrigez les réponses signalées (bouton « Modifier ») pour voir vos droits."))
