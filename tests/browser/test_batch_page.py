"""The associations page in the real app: upload, the report before anything runs, the
rows to fix, a progress bar, the ZIP — and axe-core on each state."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    DESKTOP, browser, check_accessibility, download, new_page, server, settle,
)
from tests.conftest import VALID_SCENARIOS
from tests.test_batch import as_cell, flatten

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def spreadsheet(tmp_path):
    rows = [flatten(s["case"]) for _, s in VALID_SCENARIOS[:3]]
    rows[1]["decision.received_on"] = "31/02/2026"
    columns = sorted({c for r in rows for c in r})
    path = tmp_path / "dossiers.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=";")
        writer.writeheader()
        for r in rows:
            writer.writerow({c: as_cell(c, r.get(c)) for c in columns})
    return path


def test_an_association_checks_its_file_then_gets_every_letter(server, browser, tmp_path) -> None:
    page = new_page(browser, server, DESKTOP, start=False)
    page.get_by_role("link", name="Plusieurs dossiers").click()
    page.get_by_role("heading", name="Plusieurs dossiers (associations)").wait_for()
    settle(page)
    check_accessibility(page, "associations")
    page.locator("input[type=file]").set_input_files(str(spreadsheet(tmp_path)))
    page.get_by_text("ligne(s) valable(s) sur").wait_for()
    page.get_by_role("heading", name="3. Préparer les courriers").wait_for()
    page.get_by_role("cell", name="31/02/2026").wait_for()
    settle(page)
    body = page.inner_text("body")
    assert "1 ligne(s) à corriger" in body and "Date de réception de la décision" in body
    check_accessibility(page, "associations-rapport")
    name, data = download(page, "Télécharger les lignes à corriger (Excel)")
    assert name.startswith("lignes-a-corriger") and data[:2] == b"PK"
    name, data = download(page, "Télécharger les chiffres (CSV)")
    table = data.decode("utf-8")
    assert name.startswith("statistiques-") and "groupe;valeur;nombre" in table and "< 5" in table
    assert "Benali" not in table and "Martin" not in table
    page.get_by_role("button", name="Préparer les courriers des 2 dossier(s) valables").click()
    page.get_by_text("Courriers prêts.").wait_for(timeout=120_000)
    name, data = download(page, "Télécharger tous les courriers (ZIP)")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    # As the command line's ZIP: a folder per valid row with French names and the PDFs
    # (ticked by default), the report and the anonymised counts.
    assert {n.split("/")[0] for n in names} == {"0002", "0004", "rapport.csv", "statistiques.json"}
    assert name.startswith("courriers-") and any(n.endswith(".pdf") for n in names)
    assert all(n.isascii() and n == n.lower() for n in names), names
    page.context.close()
