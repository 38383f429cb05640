"""The gate reads whole files or refuses them by name: every sheet, no formula read as an
empty cell, one encoding per file, a bounded read."""

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from assistant.law import gate
from tests.test_batch import as_cell, spreadsheet_rows, write_csv

ROWS = spreadsheet_rows()[:3]
COLUMNS = sorted({c for r in ROWS for c in r})


def _workbook() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Dossiers"
    sheet.append(COLUMNS)
    for r in ROWS:
        sheet.append([as_cell(c, r.get(c)) or None for c in COLUMNS])
    return book


def _rows(path: Path) -> list:
    header, rows = gate.table_rows(path)
    return list(rows)


def test_a_second_sheet_filled_after_row_50_is_refused_naming_both_sheets(tmp_path):
    book = _workbook()
    late = book.create_sheet("Suite")
    late.cell(row=120, column=1, value=as_cell(COLUMNS[0], ROWS[0][COLUMNS[0]]))
    path = tmp_path / "deux.xlsx"
    book.save(path)
    with pytest.raises(gate.InputRefused) as refused:
        _rows(path)
    assert "plusieurs feuilles" in str(refused.value) and "« Dossiers »" in str(refused.value)
    assert "« Suite »" in str(refused.value)


def test_empty_extra_sheets_are_fine(tmp_path):
    book = _workbook()
    book.create_sheet("Vide")
    path = tmp_path / "vide.xlsx"
    book.save(path)
    assert len(_rows(path)) == 3


def test_only_the_templates_hidden_lists_sheet_is_skipped(tmp_path):
    """The batch template's drop-down lists live on a hidden « Listes » sheet (issue 20): it is
    no sheet of cases. Shown again, or another hidden sheet holding values, is refused as ever."""
    book = _workbook()
    lists = book.create_sheet(gate.LISTS_SHEET)
    lists.append(["Organisme"])
    lists.append(["La CAF (caisse d'allocations familiales)"])
    lists.sheet_state = "hidden"
    path = tmp_path / "modele.xlsx"
    book.save(path)
    assert len(_rows(path)) == 3
    for title, state in ((gate.LISTS_SHEET, "visible"), ("Cachée", "hidden")):
        lists.title, lists.sheet_state = title, state
        book.save(path)
        with pytest.raises(gate.InputRefused) as refused:
            _rows(path)
        assert f"« {title} »" in str(refused.value)


def test_a_formula_without_a_computed_value_is_refused_naming_the_cell(tmp_path):
    book = _workbook()
    column = COLUMNS.index("claimant.city") + 1
    book.active.cell(row=4, column=column, value='=CONCATENATE("Ly", "on")')   # openpyxl stores no result
    path = tmp_path / "formule.xlsx"
    book.save(path)
    letter = book.active.cell(row=4, column=column).column_letter
    with pytest.raises(gate.InputRefused) as refused:
        _rows(path)
    assert str(refused.value) == (f"la cellule {letter}4 contient une formule sans valeur calculée : "
                                  "ouvrez le fichier dans un tableur et enregistrez-le.")


def test_a_formula_with_its_computed_value_reads_as_that_value(tmp_path):
    book = _workbook()
    column = COLUMNS.index("claimant.city") + 1
    book.active.cell(row=4, column=column, value='=CONCATENATE("Ly", "on")')
    saved = tmp_path / "sans-valeur.xlsx"
    book.save(saved)
    letter = book.active.cell(row=4, column=column).column_letter
    computed = tmp_path / "avec-valeur.xlsx"   # what a spreadsheet writes: the formula and its result
    cell = rb'<c r="' + letter.encode() + rb'4"'
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(computed, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(cell + rb'>(<f>.*?</f>)<v\s*/?>(</v>)?', cell + rb' t="str">\1<v>Lyon</v>', data)
                assert count == 1
            dst.writestr(item, data)
    rows = _rows(computed)
    assert rows[2][1][column - 1] == "Lyon"


def test_one_windows_1252_line_in_a_utf8_file_is_refused_naming_the_line(tmp_path):
    """Read as UTF-8 the pasted line is unreadable; read as Windows-1252 every other accent
    is garbled (« Ngô » becomes « NgÃ´ »): neither, the line is named."""
    path = tmp_path / "melange.csv"
    write_csv(path, ROWS)
    lines = path.read_bytes().split(b"\n")                   # header, then rows 2, 3, 4
    assert "Ngô".encode("utf-8") in lines[2]
    lines[3] = lines[3].decode("utf-8").replace("Lille", "Lille-Hellemmes Écully").encode("cp1252")
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(gate.InputRefused) as refused:
        _rows(path)
    assert str(refused.value).startswith("ligne 4 : caractères en Windows-1252 dans un fichier en UTF-8 (ligne 2 ")


def test_a_whole_windows_1252_file_is_read_as_such(tmp_path):
    path = tmp_path / "excel.csv"
    write_csv(path, ROWS)
    text = path.read_text(encoding="utf-8").replace("Lyon", "Écully").replace("محمد", "Mohamed")
    path.write_bytes(text.encode("cp1252"))
    rows = _rows(path)
    assert "Écully" in rows[0][1] and "Martin-Ngô" in rows[1][1]


def test_reads_are_bounded_and_folders_refused(tmp_path):
    with pytest.raises(gate.InputRefused, match="trop volumineux"):
        gate.read_limited(Path("/dev/zero"), 1024)   # reports a size of 0, never ends
    folder = tmp_path / "x.csv"
    folder.mkdir()
    with pytest.raises(gate.InputRefused, match="c'est un dossier"):
        gate.read_limited(folder)
    with pytest.raises(gate.InputRefused, match="introuvable"):
        gate.read_limited(tmp_path / "absent.csv")
