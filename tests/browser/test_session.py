"""The start screen, and nothing lost: a reload keeps the answers (the store's draft, its
key in the tab's sessionStorage), answers download and resume, « Terminer et effacer » asks
first and forgets the memory and the tab's key too; focus and announcement after a screen
change; axe-core on each new state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    DESKTOP, JOURNEY, PERSON, PHONE, RECEIVED, answer_interview, browser, check_accessibility, new_page,
    review_ready, screen_ready, server, settle, start_ready,
)
from tests.browser.test_tab_key import stored_key
from assistant.core.formatting import long_date
from assistant.pages import session_memory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_start_screen_on_a_phone_language_privacy_and_mediator(server, browser) -> None:
    page = new_page(browser, server, PHONE, start=False)
    for name in ("Français", "English"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_in_viewport()
    expect(page.get_by_text("Vos données", exact=False).first).to_be_in_viewport()
    assert "chiffrées sur le serveur" in page.inner_text("body")
    assert "10 minutes" in page.inner_text("body") and "la décision de l'organisme" in page.inner_text("body")
    # The icon that opens the side menu is named, and a word shows next to it.
    opener = page.get_by_role("button", name="Ouvrir le menu : langue, mode médiateur, effacer")
    expect(opener).to_have_count(1)
    headings = page.evaluate("() => [...document.querySelectorAll('h1,h2,h3,h4')].map(h => Number(h.tagName[1]))")
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:])), headings
    check_accessibility(page, "accueil-telephone")

    page.get_by_role("button", name="English", exact=True).click()
    page.get_by_role("button", name="Start →").wait_for()
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Your data" in page.inner_text("body")
    page.get_by_text("Mediator mode (France Services, associations)").click()
    settle(page)
    check_accessibility(page, "accueil-english-mediateur")

    # Both settings are in the URL (nothing personal there): a reload keeps them.
    page.reload()
    page.get_by_role("button", name="Start →").wait_for()
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("button", name="Start →").click()
    page.get_by_text("Mediator mode: all the questions on one page.").wait_for()
    page.context.close()


def test_reload_at_a_middle_step_keeps_every_answer(server, browser) -> None:
    page = new_page(browser, server, PHONE)
    # The new screen's heading gets the focus, and « Étape 1 sur N » is announced.
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'H1'")
    assert page.evaluate("window.mdaAnnounced").startswith("Étape 1 sur")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.type))
    pending = answer_interview(page, stop_after=5)
    assert page.evaluate("window.mdaAnnounced").startswith("Étape 5 sur")
    key = stored_key(page)
    assert key and len(key) >= 22 and key not in page.url  # at least 128 random bits, in the tab only
    before = page.inner_text("[data-testid='stMain']")

    page.reload()
    page.get_by_text("Étape 5 sur").wait_for()
    screen_ready(page)
    assert "beforeunload" in dialogs  # the browser asked before leaving a page with answers
    assert stored_key(page) == key
    assert page.inner_text("[data-testid='stMain']") == before
    check_accessibility(page, "apres-rechargement")

    # Every answer given before the reload is still there: the review lists them all.
    assert len(pending) < len(JOURNEY)
    answer_interview(page, pending)
    review = page.inner_text("body")
    for given in ("La CAF (caisse d'allocations familiales)", "RSA (revenu de solidarité active)",
                  long_date(RECEIVED), PERSON["Nom"], PERSON["Code postal"]):
        assert given in review, given
    page.context.close()


def test_download_answers_then_resume_in_another_browser(server, browser, tmp_path) -> None:
    page = new_page(browser, server, DESKTOP)
    answer_interview(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger mes réponses").click()
    saved = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.startswith("reponses-testeuse-brouillon-")
    case = json.loads(saved)  # a case file (CONTRACT §1): the command line reads it too
    assert case["claimant"]["last_name"] == PERSON["Nom"] and case["benefit"] == "rsa"
    page.context.close()

    other = new_page(browser, server, DESKTOP, start=False)
    uploader = other.locator("[data-testid='stFileUploaderDropzoneInput']")
    uploader.set_input_files(files=[{"name": "pas-des-reponses.json", "mimeType": "application/json",
                                     "buffer": b"ceci n'est pas du JSON"}])
    other.get_by_text("Ce fichier n'est pas un fichier de réponses").wait_for()
    settle(other)
    assert "Drag and drop" not in other.inner_text("body") and "Browse files" not in other.inner_text("body")
    check_accessibility(other, "reprendre-erreur")

    uploader.set_input_files(files=[{"name": "reponses.json", "mimeType": "application/json", "buffer": saved}])
    review_ready(other)
    review = other.inner_text("body")
    for given in (PERSON["Nom"], PERSON["Ville"], "RSA (revenu de solidarité active)", long_date(RECEIVED)):
        assert given in review, given
    other.context.close()


def test_finish_and_clear_asks_first_and_forgets_the_server_memory(server, browser) -> None:
    page = new_page(browser, server, DESKTOP)
    answer_interview(page, JOURNEY[:2], stop_after=1)
    page.get_by_role("button", name="Suivant →").wait_for()
    settle(page)
    key = stored_key(page)
    assert key and session_memory.store().load(key)

    page.get_by_role("button", name="Terminer et effacer").click()
    page.get_by_text("supprimer de cet ordinateur les fichiers téléchargés").wait_for()
    settle(page)
    check_accessibility(page, "effacer-confirmation")
    page.get_by_role("button", name="Oui, tout effacer").click()
    page.get_by_text("Étape 1 sur").wait_for()
    screen_ready(page)
    assert not stored_key(page) and session_memory.store().load(key) is None   # the tab and the server forgot

    # A reload of the tab finds nothing, and says nothing (there was nothing left to expire).
    page.reload()
    page.get_by_text("Étape 1 sur").wait_for()
    screen_ready(page)
    assert page.locator("[data-testid='stMain']").get_by_role("radio", checked=True).count() == 0
    assert "ne sont plus en mémoire" not in page.inner_text("body")
    page.context.close()
