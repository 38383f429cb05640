"""`python -m assistant read FILE... [--json]` and `read FOLDER --xlsx OUT.xlsx` (CONTRACT §2)."""
from __future__ import annotations

import json

import pytest

from assistant.associations import batch
from assistant.law.model import label
from tests.conftest import SHARED, require_shared, require_tool, run_cli
from tests.test_reading import LETTER_BODY, text_pdf

LETTERS = SHARED / "letters"


@pytest.fixture(scope="module")
def scan_json():
    """The public scan through the command, as an association's script runs it (one OCR)."""
    require_tool("tesseract", "tesseract-ocr")
    return run_cli("read", str(require_shared(LETTERS / "caf-apl-suspension-scan.png")), "--json")


@pytest.mark.slow
def test_json_has_the_contract_shape_and_the_expected_values(scan_json):
    assert scan_json.returncode == 0, scan_json.stderr
    output = json.loads(scan_json.stdout)
    assert list(output) == ["fields"]
    for name, proposal in output["fields"].items():
        assert name in batch.known_columns(), name
        assert set(proposal) == {"value", "evidence", "confidence"}
        assert isinstance(proposal["evidence"], str) and proposal["evidence"]
        assert 0 <= proposal["confidence"] <= 1
    expected = json.loads((LETTERS / "caf-apl-suspension.expected.json").read_text(encoding="utf-8"))
    assert {name: output["fields"][name]["value"] for name in expected if name in output["fields"]} == expected


def test_without_json_a_french_table(tmp_path):
    letter = tmp_path / "decision.pdf"
    letter.write_bytes(text_pdf(LETTER_BODY))
    done = run_cli("read", str(letter))
    assert done.returncode == 0, done.stderr
    assert "Champ" in done.stdout and "Valeur proposée" in done.stdout and "Lu sur le courrier" in done.stdout
    assert label("claimant.file_number") in done.stdout and "7654321" in done.stdout
    assert "2 novembre 2026" in done.stdout   # a date in words, not ISO
    assert "Ce sont des propositions" in done.stdout


@pytest.mark.parametrize("name, data, words", [
    ("notes.txt", b"juste du texte", "format non pris en charge"),
    ("vide.png", b"", "vide"),
    ("casse.pdf", b"%PDF-1.4\nrien de plus", "abîmé"),
])
def test_an_unreadable_file_exits_2_with_a_french_message_naming_it(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    done = run_cli("read", str(path), "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert str(path) in done.stderr and words in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_file_exits_2(tmp_path):
    done = run_cli("read", str(tmp_path / "absent.jpg"))
    assert done.returncode == 2 and "introuvable" in done.stderr and "Traceback" not in done.stderr


def test_a_folder_gives_a_prefilled_batch_sheet_and_no_letter(tmp_path):
    from openpyxl import load_workbook

    folder = tmp_path / "scans"
    (folder / "01-dupont").mkdir(parents=True)
    (folder / "01-dupont" / "page1.pdf").write_bytes(text_pdf(LETTER_BODY))
    (folder / "02-martin").mkdir()
    (folder / "02-martin" / "page1.txt").write_bytes(b"pas une image")
    (folder / "03-vide").mkdir()
    out = tmp_path / "prerempli.xlsx"
    done = run_cli("read", str(folder), "--xlsx", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prerempli.xlsx", "scans"]   # no letter written
    assert "3 dossier(s) lu(s), dont 2 illisible(s)" in done.stderr

    sheet = load_workbook(out)["Dossiers"]
    header = [cell.value for cell in sheet[1]]
    assert header == [label(p) for p in batch.template_columns()] + list(batch.NOTE_COLUMNS)
    rows = {row[-2]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == ["01-dupont", "02-martin", "03-vide"]
    dupont = rows["01-dupont"]
    assert dupont[label("claimant.file_number")] == "7654321"
    assert dupont[label("claimant.postal_code")] == "59000"
    assert "À compléter" in dupont["À vérifier"] and label("decision.received_on") in dupont["À vérifier"]
    assert label("claimant.file_number") in dupont["À vérifier"].split("à relire :")[1]
    assert "format non pris en charge" in rows["02-martin"]["À vérifier"]
    assert "aucun fichier" in rows["03-vide"]["À vérifier"]
    assert sheet.cell(row=2, column=header.index(label("claimant.file_number")) + 1).comment.text.startswith(
        "Lu sur le courrier : « Numéro allocataire")

    # The batch reads the sheet back (its note columns skipped) and finds the read values.
    read_back = dict(batch.read_rows(out))
    assert read_back[2]["claimant.file_number"] == "7654321"
    assert not any(column in read_back[2] for column in batch.NOTE_COLUMNS)


def test_xlsx_needs_one_folder_with_sub_folders(tmp_path):
    done = run_cli("read", str(tmp_path), "--xlsx", str(tmp_path / "out.xlsx"))
    assert done.returncode == 2 and "aucun sous-dossier" in done.stderr
    assert not (tmp_path / "out.xlsx").exists()
