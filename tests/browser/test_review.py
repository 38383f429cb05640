"""The lawyers' review in Debian chromium (real `streamlit run`, Playwright), in an
association that requires a lawyer's approval before a letter goes out: a volunteer
prepares the appeal of a saved case and asks for a review, a lawyer of the same
organisation signs in, reads it in « Relecture », edits a paragraph (a new version, the
changed words struck through and underlined), approves, and the volunteer records the
sending of the approved text. axe-core on the review list and on the opened letter, with
and without the changes shown (no critical, serious or moderate finding).

The organisation, its two members and the case are made in-process: the server shares the
tests' database (MESDROITS_DATA_DIR, tests/conftest.py). Server and browser helpers come
from test_browser.py and test_case_files.py.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from assistant.casefiles.accounts import Accounts, Role
from assistant.law.model import parse_case
from assistant.casefiles.service import open_store
from assistant.casefiles.store import Consent
from tests.browser.test_browser import (  # noqa: F401  (server, browser: fixtures)
    DESKTOP, TODAY, browser, check_accessibility, docx_text, download, new_page, server, settle, shoot,
)
from tests.browser.test_case_files import PASSWORD, case_ready, sign_in
from tests.conftest import with_changes
from tests.test_app_case_files import RAW

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "Recours contre la décision"
NAME = "Karim Haddad"
# The scenario's case with its dates moved to today (the server uses the real date).
CASE = with_changes(RAW, today=TODAY.isoformat(), decision__date=(TODAY - dt.timedelta(days=21)).isoformat(),
                    decision__received_on=(TODAY - dt.timedelta(days=18)).isoformat())


def sign_out(page) -> None:
    page.get_by_role("link", name="Espace professionnel").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Se connecter").wait_for()
    settle(page)


def open_case(page) -> None:
    page.get_by_role("button", name="Ouvrir le dossier : Karim H.").click()
    case_ready(page, NAME)


def review_ready(page) -> None:
    page.get_by_role("heading", name=f"Relecture : {TITLE}", level=1).wait_for()
    page.get_by_role("button", name="Renvoyer avec un commentaire").wait_for()   # the last element
    settle(page)


def test_a_volunteer_asks_a_lawyer_approves_and_the_volunteer_sends(server, browser) -> None:
    store = open_store()
    accounts = Accounts(store)
    organisation_id = accounts.create_organisation(f"Association Essai {uuid.uuid4().hex[:6]}", requires_review=True)
    emails = {role: f"{role.value}-{uuid.uuid4().hex[:8]}@exemple.fr" for role in (Role.volunteer, Role.lawyer)}
    volunteer = accounts.add_user(organisation_id, emails[Role.volunteer], "Sami Bénévole", Role.volunteer, PASSWORD)
    accounts.add_user(organisation_id, emails[Role.lawyer], "Maître Lina Juriste", Role.lawyer, PASSWORD)
    case_id = store.save(parse_case(CASE), actor=volunteer,
                         consent=Consent(given_on=TODAY, scope=["keep_file"], how="signed"))

    # The volunteer prepares the appeal (kept as a draft) and asks for a review.
    page = new_page(browser, server, DESKTOP, start=False)
    sign_in(page, emails[Role.volunteer])
    open_case(page)
    page.get_by_role("button", name=f"Préparer ce courrier : {TITLE}").first.click()
    page.get_by_role("button", name=f"Demander une relecture : {TITLE}").first.wait_for()
    settle(page)
    body = page.inner_text("body")
    assert "Statut : Brouillon" in body
    assert "Votre organisation demande qu'un juriste approuve ce courrier avant l'envoi." in body
    assert page.get_by_role("button", name="Enregistrer l'envoi", exact=True).count() == 0
    page.get_by_role("button", name=f"Demander une relecture : {TITLE}").first.click()
    page.get_by_text(f"Relecture demandée : {TITLE}.").wait_for()
    case_ready(page, NAME)
    [draft] = store.letters(case_id, actor=volunteer)
    assert draft.status == "in_review"
    sign_out(page)

    # The lawyer of the same organisation finds it in « Relecture ».
    sign_in(page, emails[Role.lawyer])
    page.get_by_role("link", name="Relecture", exact=True).click()
    page.get_by_role("heading", name="En attente de relecture (1)").wait_for()
    page.get_by_role("heading", name="Brouillons (0)").wait_for()
    settle(page)
    check_accessibility(page, "relecture-liste")
    page.get_by_role("button", name=f"Ouvrir : {TITLE} ({NAME})").click()
    review_ready(page)
    body = page.inner_text("body")
    assert "Aucune modification : c'est le texte tel qu'il a été généré." in body
    assert "Droits : Contester la décision" in body and "vérifiée le" in body
    assert page.get_by_role("link", name="Texte officiel : article L. 262-47 du code de l'action sociale et des familles").count() >= 1
    name, data = download(page, "Courrier annoté (DOCX)")
    assert name.endswith("-annote.docx") and "Pourquoi ce paragraphe" in docx_text(data)
    shoot(page, "20-relecture")
    check_accessibility(page, "relecture")

    # One word changed: a new version, the change struck through and underlined.
    box = page.get_by_label("Paragraphe 1", exact=True)
    text = box.input_value()
    assert text.startswith("Je conteste la décision")
    box.fill(text.replace("Je conteste", "Je refuse", 1))
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    page.get_by_text("Nouvelle version enregistrée (version 2)").wait_for()
    review_ready(page)
    deleted = page.locator(".mda-diff del").evaluate_all("els => els.map(e => e.textContent)")
    inserted = page.locator(".mda-diff ins").evaluate_all("els => els.map(e => e.textContent)")
    assert deleted == ["[supprimé : conteste]"] and inserted == ["[ajouté : refuse]"], (deleted, inserted)
    styles = page.locator(".mda-diff del").first.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "line-through" in styles
    shoot(page, "21-relecture-modifiee")
    check_accessibility(page, "relecture-modifiee")

    page.get_by_role("button", name="Approuver", exact=True).click()
    page.get_by_text(f"Courrier approuvé : {TITLE}.").wait_for()
    settle(page)
    first, second = store.letters(case_id, actor=volunteer)
    assert (first.status, second.status, second.parent_id) == ("superseded", "approved", first.id)
    sign_out(page)

    # The volunteer records the sending: the approved text is what goes out.
    sign_in(page, emails[Role.volunteer])
    open_case(page)
    assert "Statut : Approuvé" in page.inner_text("body")
    page.get_by_text(f"Enregistrer l'envoi : {TITLE}").first.click()
    page.get_by_role("button", name="Enregistrer l'envoi", exact=True).first.wait_for()
    settle(page)
    page.get_by_role("button", name="Enregistrer l'envoi", exact=True).first.click()
    page.get_by_text(f"Envoi enregistré : {TITLE}").wait_for()
    case_ready(page, NAME)
    first, second = store.letters(case_id, actor=volunteer)
    assert (first.status, second.status) == ("superseded", "sent")
    assert second.letter["paragraphs"][0]["text"].startswith("Je refuse")
    assert [e.kind for e in store.get(case_id, actor=volunteer).events] == ["sent"]
    page.context.close()
