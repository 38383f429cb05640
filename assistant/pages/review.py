"""Review: every answer with a way to change it, before anything is produced."""

from __future__ import annotations

import streamlit as st

from assistant import interview as iv
from assistant.i18n import _
from assistant.pages.common import (
    ERRORS, GOTO, STEP, answer_text, answers, escape_markdown, follow_goto, outcome,
)

follow_goto()


def _edit(step_id: str) -> None:
    st.session_state[STEP] = step_id
    st.session_state[GOTO] = "interview"


def _to_rights() -> None:
    st.session_state[GOTO] = "rights"


st.title(_("Vérifiez vos réponses"))
st.markdown(_("Relisez : vous pouvez modifier chaque réponse. Rien n'est envoyé à personne."))

result = outcome()
attached, loose = iv.errors_by_question(result.messages)
st.session_state[ERRORS] = attached

for step in iv.visible_steps(answers()):
    with st.container(border=True):
        title, edit = st.columns([3, 1], vertical_alignment="center")
        title.subheader(_(step.title))
        edit.button(_("Modifier"), key=f"edit.{step.id}", on_click=_edit, args=(step.id,),
                    help=_("Revenir à cette question"), width="stretch")
        for question in step.visible_questions(answers()):
            value = answers().get(question.id)
            st.markdown(f"**{escape_markdown(_(question.label))}**  \n{escape_markdown(answer_text(question, value))}")
            for message in attached.get(question.id, []):
                st.error(message, icon=":material/error:")

for message in loose:
    st.error(message, icon=":material/error:")

if result.ok:
    st.success(_("Tout est prêt."))
    st.button(_("Voir mes droits →"), type="primary", on_click=_to_rights, key="to_rights")
else:
    st.warning(_("Corrigez les réponses signalées (bouton « Modifier ») pour voir vos droits."))
