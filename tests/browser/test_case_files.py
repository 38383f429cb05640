"""The professional space in Debian chromium (real `streamlit run`, Playwright), as a
France Services mediator at a desk: sign in, walk a person's case, save it with the
person's consent, sign out, sign in again, find the case on the dashboard by its due date,
record the body's answer, and download the next letter the ladder proposes (DOCX, checked
for content). axe-core on the sign-in page, the dashboard and the case file page (no
critical, serious or moderate finding, as on every page).

The organisation and the mediator are made in-process: the server shares the tests'
database (MESDROITS_DATA_DIR, tests/conftest.py). Server and browser helpers come from
test_browser.py.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from assistant.casefiles.accounts import Accounts, Role
from assistant.casefiles.followup import questions
from assistant.core.formatting import long_date
from assistant.casefiles.service import open_store
from tests.browser.test_browser import (  # noqa: F401  (server, browser: fixtures)
    DESKTOP, JOURNEY, PERSON, TODAY, answer_interview, browser, check_accessibility, docx_text, download, new_page,
    rights_ready, server, settle, shoot,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "un-mot-de-passe-solide"
ASKED = TODAY - dt.timedelta(days=10)   # the person asked for an explanation ten days ago
EXPLANATION = "Avez-vous déjà demandé par écrit des explications à l'organisme ?"
# The phone journey of test_browser.py, with that request in the history.
WITH_REQUEST = tuple(
    item for question in JOURNEY for item in (
        (("choice", EXPLANATION, "Oui"), ("date", "Date de votre demande d'explications", ASKED))
        if question[1] == EXPLANATION else (question,))
)
# The body's answer: nothing given, no reasons (the answer diagnosis, in its order).
REPLIES = {"withdrawn": "no", "wrong_body": "no", "asks_identity": "no", "asks_more_time": "no",
           "given": "nothing", "reasons": "no"}


def sign_in(page, email: str) -> None:
    page.get_by_role("link", name="Espace professionnel").click()
    page.get_by_role("heading", name="Espace professionnel", level=1).wait_for()
    page.get_by_role("button", name="Se connecter").wait_for()
    settle(page)
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    dashboard_ready(page)


def dashboard_ready(page) -> None:
    page.get_by_role("heading", name="Dossiers", level=1).wait_for()
    page.get_by_role("heading", name="Échéances").wait_for()
    settle(page)


def case_ready(page, name: str) -> None:
    page.get_by_role("heading", name=f"Dossier de {name}", level=1).wait_for()
    page.get_by_role("button", name="Effacer le dossier").wait_for()  # the last element
    settle(page)


def test_a_mediator_saves_follows_and_answers_a_case(server, browser) -> None:
    store = open_store()
    accounts = Accounts(store)
    organisation = f"France Services Essai {uuid.uuid4().hex[:6]}"
    organisation_id = accounts.create_organisation(organisation)
    email = f"mediatrice-{uuid.uuid4().hex[:8]}@exemple.fr"
    mediator = accounts.add_user(organisation_id, email, "Camille Médiatrice", Role.mediator, PASSWORD)

    page = new_page(browser, server, DESKTOP, start=False)
    sign_in(page, email)
    check_accessibility(page, "dossiers-vide")

    # A new person: the questions, the review, the rights, the letters.
    page.get_by_role("button", name="Nouveau dossier : commencer les questions").click()
    page.get_by_text("Étape 1 sur").wait_for()
    settle(page)
    answer_interview(page, WITH_REQUEST)
    page.get_by_role("button", name="Voir mes droits →").click()
    rights_ready(page)
    page.get_by_role("button", name="Voir mes courriers →").first.click()
    page.get_by_role("heading", name="Enregistrer ce dossier").wait_for()
    page.get_by_role("button", name="Enregistrer le dossier").wait_for()
    settle(page)

    # Saved only with the person's consent.
    page.get_by_role("button", name="Enregistrer le dossier").click()
    page.get_by_text("Cochez d'abord l'accord de la personne").wait_for()
    assert store.list(actor=mediator) == []
    page.get_by_text(f"La personne accepte que son dossier soit conservé par {organisation}").click()
    page.get_by_role("radiogroup", name="Comment a-t-elle donné son accord ?").get_by_text("À l'oral").click()
    settle(page)
    page.get_by_role("button", name="Enregistrer le dossier").click()
    page.get_by_text(f"Dossier enregistré pour {organisation}.").wait_for()
    [saved] = store.list(actor=mediator)
    assert saved.case.claimant.last_name == PERSON["Nom"] and saved.case.history.explanation_requested_on == ASKED
    assert [c.how for c in store.consents(saved.id, actor=mediator)] == ["oral"]
    due = saved.next_due
    assert due is not None and due > TODAY

    # Signing out forgets the user and the answers; signing in finds the case by its date.
    page.get_by_role("link", name="Espace professionnel").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Se connecter").wait_for()
    settle(page)
    assert page.get_by_role("link", name="Dossiers", exact=True).count() == 0
    sign_in(page, email)
    short = f"{PERSON['Prénom']} {PERSON['Nom'][0]}."
    page.get_by_text(f"Prochaine échéance : au plus tard le {long_date(due)}").wait_for()
    shoot(page, "10-dossiers")
    check_accessibility(page, "dossiers")
    page.get_by_role("button", name=f"Ouvrir le dossier : {short}").click()
    case_ready(page, f"{PERSON['Prénom']} {PERSON['Nom']}")
    body = page.inner_text("body")
    assert "Relance" in body and "Saisine de la CADA" in body and long_date(due) in body
    check_accessibility(page, "dossier")

    # The body answered: nothing given, no reasons. The diagnosis, then the next step.
    for question in questions("fr"):
        choice = next(c.text for c in question.choices if c.value == REPLIES[question.id])
        page.get_by_role("radiogroup", name=question.text).get_by_text(choice, exact=True).click()
        settle(page)
    page.get_by_text("Type de réponse : Refus sans motifs").wait_for()
    page.get_by_role("button", name="Enregistrer la réponse").click()
    page.get_by_text("Réponse enregistrée : Refus sans motifs").wait_for()
    case_ready(page, f"{PERSON['Prénom']} {PERSON['Nom']}")
    assert [(e.kind, e.answer_kind) for e in store.get(saved.id, actor=mediator).events] == [
        ("answer", "refusal_without_reasons")]
    assert "la réponse de l'organisme refuse tout ou partie de votre demande" in page.inner_text("body")
    page.get_by_role("button", name="Préparer ce courrier : Saisine de la CADA").first.click()
    page.get_by_role("button", name="Télécharger (DOCX, modifiable) : Saisine de la CADA").wait_for()
    settle(page)
    name, data = download(page, "Télécharger (DOCX, modifiable) : Saisine de la CADA")
    assert name.endswith(".docx") and data, name
    text = docx_text(data)
    assert PERSON["Nom"] in text and "CADA" in text.upper()
    shoot(page, "11-dossier")
    check_accessibility(page, "dossier-apres-reponse")
    page.context.close()
