"""The organisation's pages in Debian chromium (real `streamlit run`, Playwright), as an
association's administrator: « Modèle de courrier » refuses a template without the letter's
body, in French, naming the field, and stores nothing; « Textes de loi » lists the
references. axe-core on both pages (no critical, serious or moderate finding).

The organisation and the administrator are made in-process: the server shares the tests'
database (MESDROITS_DATA_DIR, tests/conftest.py)."""

from __future__ import annotations

import io
import uuid

import pytest
from docx import Document

from assistant.casefiles.accounts import Accounts, Role
from assistant.law.legal_refs import load_refs
from assistant.letters.render import LETTER_TEMPLATE
from assistant.casefiles.service import open_store
from tests.browser.test_browser import (  # noqa: F401  (server, browser: fixtures)
    DESKTOP, browser, check_accessibility, new_page, server, settle, shoot,
)
from tests.browser.test_case_files import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def template_without_body(tmp_path):
    """The standard template with its paragraphs loop removed, as a volunteer might."""
    doc = Document(LETTER_TEMPLATE)
    paragraphs = doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if "in paragraphs" in p.text)
    for paragraph in paragraphs[start:start + 3]:
        paragraph._p.getparent().remove(paragraph._p)
    buffer = io.BytesIO()
    doc.save(buffer)
    path = tmp_path / "modele-association.docx"
    path.write_bytes(buffer.getvalue())
    return path


def test_an_admin_sees_a_template_without_the_body_refused(server, browser, tmp_path) -> None:
    store = open_store()
    accounts = Accounts(store)
    organisation_id = accounts.create_organisation(f"Association Essai {uuid.uuid4().hex[:6]}")
    email = f"admin-{uuid.uuid4().hex[:8]}@exemple.fr"
    accounts.add_user(organisation_id, email, "Dominique Admin", Role.admin, PASSWORD)

    page = new_page(browser, server, DESKTOP, start=False)
    sign_in(page, email)
    page.get_by_role("link", name="Modèle de courrier").click()
    page.get_by_role("heading", name="Modèle de courrier", level=1).wait_for()
    page.get_by_text("Votre modèle (.docx)").wait_for()
    settle(page)
    check_accessibility(page, "modele-courrier")

    page.locator("input[type=file]").set_input_files(str(template_without_body(tmp_path)))
    page.get_by_text("Ce modèle est refusé : il n'est pas enregistré.").wait_for()
    settle(page)
    body = page.inner_text("body")
    assert "Le modèle ne contient pas le champ {{ paragraphs }} (le corps du courrier)." in body
    assert page.get_by_role("button", name="Adopter ce modèle", exact=False).count() == 0
    assert accounts.template(organisation_id) is None
    shoot(page, "20-modele-refuse")
    check_accessibility(page, "modele-courrier-refuse")

    page.get_by_role("link", name="Textes de loi").click()
    page.get_by_role("heading", name="Textes de loi", level=1).wait_for()
    page.locator("table.mda-refs").wait_for(timeout=120_000)
    page.get_by_role("heading", name="Charger une correction (YAML)").wait_for()
    settle(page)
    assert page.locator("table.mda-refs tbody tr").count() == len(load_refs())
    shoot(page, "21-textes-de-loi")
    check_accessibility(page, "textes-de-loi")
    page.context.close()
