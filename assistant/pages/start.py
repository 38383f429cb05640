"""The first screen: the language, what to have at hand, how long it takes, the letter read
from a photo or a PDF, what happens to the data, the mediator mode, and « Reprendre » for an
answers file."""

from __future__ import annotations

import streamlit as st

from assistant.core.i18n import LANGUAGES, _, current_language
from assistant.pages.common import (
    GOTO, PAGE_FILES, announce_step, answers, download_answers_button, follow_goto, idle_minutes, mediator,
    memory_hours, resume_widget,
)
from assistant.pages.letter_reader import letter_reader

follow_goto()


def _language(code: str) -> None:
    st.session_state["lang"] = code


def _mediator() -> None:
    st.session_state["mediator"] = st.session_state["w.mediator.start"]


def _start() -> None:
    st.session_state[GOTO] = "interview"


st.title(_("Mes droits face à l'algorithme"), anchor="accueil")
announce_step(None, None, "accueil")

# The language first, in words (not an icon), each name in its own language.
french, english = st.columns(2)
for column, code in ((french, "fr"), (english, "en")):
    with column:
        st.button(LANGUAGES[code], key=f"nav.lang.{code}", on_click=_language, args=(code,), width="stretch",
                  type="primary" if current_language() == code else "secondary", icon=":material/translate:")

st.markdown(_("Une aide de la CAF, de la MSA, de France Travail, de la CPAM, de la CARSAT ou du département est suspendue, réduite ou réclamée ? En répondant à quelques questions, vous saurez **ce que vous pouvez faire, avant quelle date**, et vous aurez vos courriers prêts à envoyer."))
st.markdown(_("**Comptez environ 10 minutes** (huit écrans de questions)."))
# The way in first: on a phone, « Commencer → » shows without scrolling (issue 20).
has_answers = bool(answers())
st.button(_("Continuer mes réponses →") if has_answers else _("Commencer →"), type="primary", key="nav.start",
          on_click=_start, width="stretch")

st.info(_("**Vos données** : vos réponses sont gardées chiffrées sur le serveur, pour qu'un rechargement de la page n'en perde aucune, et seul cet onglet les retrouve (l'adresse de la page ne permet pas de les lire). Elles sont effacées {hours} heures après votre dernière action (en mode médiateur, après {minutes} minutes sans activité), ou tout de suite avec « Terminer et effacer ». Les fichiers que vous téléchargez sont à vous : sur un ordinateur partagé, supprimez-les après usage.").format(
    hours=memory_hours(), minutes=idle_minutes()), icon=":material/lock:")

# Or the letter itself, photographed or chosen: what is read fills the questions (issue 21).
# After what happens to the data: on a phone, the first screen shows the start and the privacy.
letter_reader("start")
st.header(_("Ce qu'il faut avoir sous la main"), anchor="a-avoir")
st.markdown(_("- la décision de l'organisme (courrier, e-mail ou message sur votre espace en ligne), si vous l'avez ;\n"
              "- ses dates : la date écrite dessus et le jour où vous l'avez reçue ;\n"
              "- votre numéro de dossier (numéro allocataire, identifiant France Travail ou numéro de sécurité sociale), si vous l'avez ;\n"
              "- l'adresse de l'organisme, si elle figure sur la décision."))
st.markdown(_("Vous ne savez pas répondre à une question ? Choisissez « Je ne sais pas » : nous retenons ce qui vous protège le mieux."))

st.header(_("Vous accompagnez quelqu'un ?"), anchor="mediateur")
st.session_state["w.mediator.start"] = mediator()
st.toggle(_("Mode médiateur (France Services, associations)"), key="w.mediator.start", on_change=_mediator,
          help=_("Pour les professionnels : toutes les questions sur une page, textes de loi ouverts, et un bouton pour effacer avant la personne suivante."))

st.header(_("Vous avez déjà commencé ?"), anchor="reprendre")
st.markdown(_("Si vous avez téléchargé vos réponses, reprenez-les ici."))
resume_widget()
if has_answers:
    download_answers_button("nav.dl.answers.start")
st.page_link(PAGE_FILES["interview"], label=_("Aller aux questions"), icon=":material/arrow_forward:")
