"""Review: every answer with a way to change it, before anything is produced.

After a letter was read, its proposals show here with the words they were read from
(« lu sur votre courrier : « … » »), the screens it filled included: « Tout confirmer » makes
them answers (`letter_reader.confirm_all`); before that, no letter uses them.

« Modifier » opens that screen with « Enregistrer et revenir à la vérification »; each
button's accessible name says what it changes (« Modifier : la décision et ses dates »).
"""

from __future__ import annotations

import json

import streamlit as st

from assistant.law import interview as iv
from assistant.core.i18n import _, babel_locale
from assistant.law.model import InvalidCase
from assistant.pages import letter_reader as reader
from assistant.pages.banner import deadline_banner, interview_analysis
from assistant.pages.common import (
    GOTO, STEP, answer_text, answers, announce_step, escape_markdown, follow_goto, outcome, reference_date,
    run_script,
)

follow_goto()

PROBLEMS = "field_problems"      # as in pages/interview.py: problems shown under the fields
RETURN = "return_to_review"      # pages/interview.py then offers to come straight back


def _edit(step_id: str) -> None:
    reader.open_step(step_id)    # a screen folded after a reading is shown again
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

waiting = reader.pending()
seen = reader.shown()
if waiting:
    st.info(_("Des réponses ont été lues sur votre courrier : elles sont suivies de « lu sur votre courrier ». Vérifiez-les ; elles ne servent à vos courriers qu'une fois confirmées."),
            icon=":material/document_scanner:")
result = outcome()
problems: list = []
if result.ok and not waiting:
    deadline_banner(result)
else:
    deadline_banner(interview_analysis(seen, reference_date()))
    try:
        iv.checked_case(seen, reference_date())
    except InvalidCase as error:
        problems = error.problems
attached, loose = iv.problems_by_question(problems)
st.session_state[PROBLEMS] = attached

names: dict[str, str] = {}
for step in iv.visible_steps(seen):
    with st.container(border=True):
        st.header(_(step.title), anchor=False)
        for question in step.visible_questions(seen):
            value = seen.get(question.id)
            st.markdown(f"**{escape_markdown(_(question.label))}**  \n{escape_markdown(answer_text(question, value))}")
            read = reader.evidence(question.id)
            if read:
                st.caption(read)
            for problem in attached.get(question.id, []):
                st.error(iv.problem_text(problem, _, babel_locale()), icon=":material/error:")
        key = f"edit.{step.id}"
        st.button(_("Modifier"), key=key, on_click=_edit, args=(step.id,), icon=":material/edit:")
        names["st-key-" + key.replace(".", "-")] = edit_name(step)
name_buttons(names)

# Read on the letter but asked on « Vos courriers » (the body's address, under its name).
elsewhere = [path for path in waiting if path not in iv.QUESTIONS]
if elsewhere:
    with st.container(border=True):
        st.header(_("Lu aussi sur votre courrier"), anchor=False)
        for path in elsewhere:
            label = _("Adresse de l'organisme") if path == "organism.address" else _("Adresse d'un destinataire")
            st.markdown(f"**{escape_markdown(label)}**  \n{escape_markdown(str(waiting[path].answer))}")
            st.caption(reader.evidence(path))
        st.caption(_("Vous pourrez la changer sur la page de vos courriers, au-dessus des courriers."))

for problem in loose:
    st.error(iv.problem_text(problem, _, babel_locale()), icon=":material/error:")

if waiting:
    if problems:
        st.warning(_("Corrigez les réponses signalées (bouton « Modifier ») pour voir vos droits."))
    st.button(_("Tout confirmer et voir mes droits →") if not problems else _("Tout confirmer"), type="primary",
              on_click=reader.confirm_all, key="reading.confirm", icon=":material/done_all:")
    st.button(_("Ne pas garder ce qui a été lu"), on_click=reader.drop, key="reading.drop",
              help=_("Les réponses lues sur le courrier sont retirées ; celles que vous avez données restent."))
elif result.ok:
    st.success(_("Tout est prêt."))
    st.button(_("Voir mes droits →"), type="primary", on_click=_to_rights, key="to_rights")
else:
    st.warning(_("Corrigez les réponses signalées (bouton « Modifier ») pour voir vos droits."))
