"""Batch for associations: CSV/XLSX in, one folder per case, report, anonymised stats, ZIP."""

import copy
import csv
import json
import re
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import VALID_SCENARIOS, run_cli


def flatten(node, prefix=""):
    out = {}
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def spreadsheet_rows():
    rows = [flatten(s["case"]) for _, s in VALID_SCENARIOS]
    bad = copy.deepcopy(rows[0])
    bad["decision.received_on"] = "2099-01-01"
    bad["claimant.last_name"] = "Invalide"
    return rows + [bad]


def as_cell(path, value):
    """What a volunteer types: oui/non, French dates and amounts, blanks."""
    if value is None:
        return ""
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if path.endswith("_eur"):
        return f"{value:.2f}".replace(".", ",")
    if path in ("decision.date", "decision.received_on") and isinstance(value, str) and value[:2] == "20":
        y, m, d = value.split("-")
        return f"{d}/{m}/{y}"
    return value


def write_csv(path, rows):
    columns = sorted({c for r in rows for c in r})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=";")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: as_cell(c, row.get(c)) for c in columns})


def write_raw_csv(path, rows):
    """Cells exactly as given (already typed as a volunteer would)."""
    columns = sorted({c for r in rows for c in r})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


def check_output(out, result, n_valid):
    assert result.returncode == 2, result.stderr          # one invalid row
    assert "ligne" in result.stderr and "decision.received_on" in result.stderr
    assert "Traceback" not in result.stderr
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(folders) == n_valid
    from assistant.letters.file_names import FILE_WORDS

    for folder in folders:
        analysis = json.loads((folder / "analyse.json").read_text(encoding="utf-8"))
        for letter in analysis["letters"]:
            assert (folder / f"{FILE_WORDS[letter]}.docx").stat().st_size > 1000
    report = list(csv.reader((out / "rapport.csv").open(encoding="utf-8"), delimiter=";"))
    assert [r[1] for r in report[1:]].count("invalide") == 1
    stats = (out / "statistiques.json").read_text(encoding="utf-8")
    assert json.loads(stats)["valid"] == n_valid
    for _, scenario in VALID_SCENARIOS:  # anonymised: no name, no file number
        claimant = scenario["case"]["claimant"]
        assert claimant["last_name"] not in stats and claimant["file_number"] not in stats
    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        names = archive.namelist()
    assert "rapport.csv" in names and any(n.endswith("/recours.docx") for n in names)
    for _, scenario in VALID_SCENARIOS:  # folder and file names carry no name either
        assert not any(scenario["case"]["claimant"]["last_name"].lower() in n.lower() for n in names)


def test_csv_batch(tmp_path):
    source = tmp_path / "dossiers.csv"
    write_csv(source, spreadsheet_rows())
    out = tmp_path / "out"
    check_output(out, run_cli("batch", str(source), "--out", str(out), timeout=120), len(VALID_SCENARIOS))


def test_xlsx_batch(tmp_path):
    from openpyxl import Workbook

    rows = spreadsheet_rows()
    columns = sorted({c for r in rows for c in r})
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        # spreadsheets store postal codes and file numbers as numbers
        sheet.append([int(row[c]) if c in ("claimant.postal_code", "claimant.file_number") and row.get(c)
                      else as_cell(c, row.get(c)) for c in columns])
    source = tmp_path / "dossiers.xlsx"
    book.save(source)
    out = tmp_path / "out"
    check_output(out, run_cli("batch", str(source), "--out", str(out), timeout=120), len(VALID_SCENARIOS))


def test_unreadable_batch_file(tmp_path):
    source = tmp_path / "x.ods"
    source.write_text("?", encoding="utf-8")
    result = run_cli("batch", str(source), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "csv" in result.stderr


def test_spreadsheet_values_are_read_the_french_way():
    from assistant.associations.batch import row_to_case_dict

    case = row_to_case_dict({"context.amount_eur": "1 234,50 €", "decision.received": "Oui",
                             "decision.date": "02/10/2026", "claimant.postal_code": "1000",
                             "context.fraud_alleged": "je ne sais pas"})
    assert case["context"]["amount_eur"] == 1234.5 and case["decision"]["received"] is True
    assert case["decision"]["date"] == "2026-10-02" and case["claimant"]["postal_code"] == "01000"
    assert case["context"]["fraud_alleged"] is None


def test_a_used_output_folder_is_refused(tmp_path):
    """A second run into the same folder would mix two people's letters: refused (exit 2),
    the first run's ZIP untouched; a symbolic link as output is refused too."""
    out = tmp_path / "out"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    rows = spreadsheet_rows()
    write_csv(first, rows[:2])      # folders 0002 and 0003
    write_csv(second, rows[1:2])
    assert run_cli("batch", str(first), "--out", str(out), timeout=120).returncode == 0
    before = (out / "dossiers.zip").read_bytes()
    again = run_cli("batch", str(second), "--out", str(out), timeout=120)
    assert again.returncode == 2 and "n'est pas vide" in again.stderr
    assert (out / "dossiers.zip").read_bytes() == before
    link = tmp_path / "lien"
    link.symlink_to(tmp_path / "ailleurs", target_is_directory=True)
    refused = run_cli("batch", str(second), "--out", str(link))
    assert refused.returncode == 2 and "lien symbolique" in refused.stderr
    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        docx = [i for i in archive.infolist() if i.filename.endswith(".docx")]
    assert docx and all(i.compress_type == zipfile.ZIP_STORED for i in docx)   # not compressed twice


def test_new_fields_as_columns(tmp_path):
    """Penalty, MDPH and the medical ground work as columns, in a volunteer's words."""
    from assistant.associations.batch import row_to_case_dict

    assert row_to_case_dict({"decision.ground": "Médical"})["decision"]["ground"] == "medical"
    assert row_to_case_dict({"decision.ground": "administratif"})["decision"]["ground"] == "administrative"
    assert row_to_case_dict({"decision.ground": "medical"})["decision"]["ground"] == "medical"
    assert row_to_case_dict({"decision.ground": "je ne sais pas"})["decision"]["ground"] is None
    assert row_to_case_dict({"organism.kind": "MDPH", "situation": "Penalty"}) == {
        "organism": {"kind": "mdph"}, "situation": "penalty"}

    base = flatten(VALID_SCENARIOS[0][1]["case"])
    base.update({"decision.received": True, "decision.date": "2026-10-09", "decision.received_on": "2026-10-13",
                 "decision.appeal_info_given": True, "history.explanation_requested_on": None,
                 "history.documents_requested_on": None, "history.appeal_filed_on": None,
                 "context.started_on": None, "context.withholding_eur": None, "today": "2026-11-23"})
    rows = [
        {**base, "organism.kind": "caf", "organism.name": None, "benefit": "allocations_familiales", "situation": "penalty"},
        {**base, "organism.kind": "mdph", "organism.name": None, "benefit": "aeeh", "situation": "refusal"},
        {**base, "organism.kind": "cpam", "organism.name": None, "benefit": "indemnites_journalieres",
         "situation": "termination", "decision.ground": "médical"},
        {**base, "organism.kind": "cpam", "organism.name": None, "benefit": "indemnites_journalieres",
         "situation": "termination", "decision.ground": "administratif"},
        {**base, "organism.kind": "mdph", "organism.name": None, "benefit": "pch", "situation": "penalty"},
    ]
    source = tmp_path / "nouveaux.csv"
    write_csv(source, rows)
    out = tmp_path / "out"
    result = run_cli("batch", str(source), "--out", str(out), timeout=120)
    assert result.returncode == 2, result.stderr   # the MDPH fines no one: last row refused
    assert "ligne 6" in result.stderr and "situation" in result.stderr and "Traceback" not in result.stderr
    report = list(csv.reader((out / "rapport.csv").open(encoding="utf-8"), delimiter=";"))
    routes = {int(r[0]): (r[1], r[3]) for r in report[1:]}
    assert routes == {2: ("ok", "none"), 3: ("ok", "rapo_mdph"), 4: ("ok", "cmra"), 5: ("ok", "cra"), 6: ("invalide", "")}, routes
    stats = json.loads((out / "statistiques.json").read_text(encoding="utf-8"))
    assert stats["by_situation"].get("penalty") == 1 and stats["by_organism"].get("mdph") == 1


# --- One gate for every input ---------------------------------------------------------------

HOSTILE = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\u202e", "\u2066", "\x00", "\x1b", "=", "+", "\"", ";", "\n"]


def _valid_row():
    row = flatten(VALID_SCENARIOS[0][1]["case"])
    return {k: as_cell(k, v) for k, v in row.items()}


def test_line_separators_stay_in_their_cell(tmp_path):
    """An unquoted U+2028 or NEL in a cell must not split the row and drop its later fields."""
    from assistant.associations.batch import read_rows

    row = _valid_row()
    row["claimant.address"] = "12 rue des Lilas\u2028Bâtiment B\x85Apt 3"
    row["history.appeal_filed_on"] = "20/11/2026"
    columns = list(row)
    source = tmp_path / "x.csv"
    source.write_text(";".join(columns) + "\r\n" + ";".join(str(row[c]) for c in columns) + "\r\n", encoding="utf-8")
    [(number, raw)] = read_rows(source)
    assert number == 2 and raw["history.appeal_filed_on"] == "20/11/2026"
    assert raw["claimant.address"] == "12 rue des Lilas\nBâtiment B\nApt 3"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(_valid_row())), st.text(alphabet=st.sampled_from(HOSTILE + list("aé1 /,")), max_size=12)),
                min_size=1, max_size=6))
def test_hostile_cells_never_crash_nor_drop_a_row(tmp_path_factory, edits):
    """Random hostile cells: every row comes back, with its number; each either makes a
    case or is reported with its field; no exception escapes."""
    from assistant.associations.batch import read_rows, row_to_case_dict, _row_errors
    from assistant.law.model import InvalidCase, parse_case

    rows = [_valid_row() for _ in range(3)]
    for column, text in edits:
        rows[1][column] = text
    source = tmp_path_factory.mktemp("h") / "h.csv"
    write_raw_csv(source, rows)
    read = read_rows(source)
    assert [n for n, _ in read][0] == 2 and len(read) == 3
    for number, raw in read:
        for value in raw.values():
            assert not isinstance(value, str) or not set(value) & {"\u202e", "\u2066", "\x00", "\x1b", "\u2028"}
        try:
            parse_case(row_to_case_dict(raw)) if not _row_errors(raw) else None
        except InvalidCase as error:
            assert error.messages and all("(" in m or ":" in m for m in error.messages)


def test_same_cases_from_utf8_csv_windows_csv_and_xlsx(tmp_path):
    from openpyxl import Workbook

    from assistant.associations.batch import read_rows, row_to_case_dict

    rows = [{k: v for k, v in r.items()} for r in spreadsheet_rows()[:4]]
    columns = sorted({c for r in rows for c in r})
    utf8, cp1252, xlsx = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.xlsx"
    write_csv(utf8, rows)
    cp1252.write_bytes(utf8.read_text(encoding="utf-8").replace("محمد", "Mohamed").encode("cp1252", errors="replace"))
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for r in rows:
        sheet.append([as_cell(c, r.get(c)) if as_cell(c, r.get(c)) != "" else None for c in columns])
    book.save(xlsx)
    cases = [[row_to_case_dict(raw) for _, raw in read_rows(path)] for path in (utf8, cp1252, xlsx)]
    strip = lambda c: json.dumps(c, sort_keys=True, default=str).replace("محمد", "Mohamed")  # noqa: E731
    assert [strip(c) for c in cases[0]] == [strip(c) for c in cases[1]] == [strip(c) for c in cases[2]]


def test_workbooks_with_several_sheets_or_a_stale_dimension(tmp_path):
    from openpyxl import Workbook

    from assistant.associations.batch import read_rows

    rows = spreadsheet_rows()[:3]
    columns = sorted({c for r in rows for c in r})
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for r in rows:
        sheet.append([as_cell(c, r.get(c)) or None for c in columns])
    other = book.create_sheet("Autres")
    other.append(columns)
    other.append([as_cell(c, rows[0].get(c)) or None for c in columns])
    several = tmp_path / "deux.xlsx"
    book.save(several)
    result = run_cli("batch", str(several), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "plusieurs feuilles" in result.stderr and "Autres" in result.stderr
    del book["Autres"]
    stale = tmp_path / "stale.xlsx"
    book.save(stale)
    # A stale <dimension> (as some tools write) must not hide rows.
    with zipfile.ZipFile(stale) as src, zipfile.ZipFile(tmp_path / "stale2.xlsx", "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:B2"/>', data)
            dst.writestr(item, data)
    assert len(read_rows(tmp_path / "stale2.xlsx")) == 3


def test_header_typo_huge_cell_and_extra_cells(tmp_path):
    rows = spreadsheet_rows()[:3]
    typo = tmp_path / "typo.csv"
    write_csv(typo, [{("claimant.fist_name" if k == "claimant.first_name" else k): v for k, v in r.items()} for r in rows])
    result = run_cli("batch", str(typo), "--out", str(tmp_path / "o1"))
    assert result.returncode == 2 and "claimant.fist_name" in result.stderr and "claimant.first_name" in result.stderr
    huge = tmp_path / "huge.csv"
    rows[1]["context.own_words"] = "x" * 128_000
    write_csv(huge, rows)
    result = run_cli("batch", str(huge), "--out", str(tmp_path / "o2"), timeout=120)
    assert result.returncode == 2 and "ligne 3" in result.stderr and "trop long" in result.stderr
    report = list(csv.reader((tmp_path / "o2" / "rapport.csv").open(encoding="utf-8"), delimiter=";"))
    assert [r[1] for r in report[1:]] == ["ok", "invalide", "ok"]


def test_killed_run_resumes_without_redoing_or_losing_a_case(tmp_path):
    """A real kill -9 in the middle, then --resume: every case once, none half-made."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    rows = [flatten(VALID_SCENARIOS[i % len(VALID_SCENARIOS)][1]["case"]) for i in range(240)]
    source = tmp_path / "many.csv"
    write_csv(source, rows)
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "assistant", "batch", str(source), "--out", str(out)],
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len([p for p in out.glob("*") if p.is_dir() and "." not in p.name]) < 100:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    complete_before = {p.name: sorted(f.name for f in p.iterdir())
                       for p in out.iterdir() if p.is_dir() and "." not in p.name}
    assert 0 < len(complete_before) < 240
    stamps = {name: (out / name / "analyse.json").stat().st_mtime_ns for name in complete_before}
    result = run_cli("batch", str(source), "--out", str(out), "--resume", timeout=300)
    assert result.returncode == 0, result.stderr
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == [f"{row:04d}" for row in range(2, 242)]          # all, none partial
    assert all((out / name / "analyse.json").stat().st_mtime_ns == stamps[name] for name in stamps)  # not redone
    report = list(csv.reader((out / "rapport.csv").open(encoding="utf-8"), delimiter=";"))
    assert len(report) == 241 and {r[1] for r in report[1:]} == {"ok"}
    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        zipped = {n.split("/")[0] for n in archive.namelist() if "/" in n}
    assert zipped == set(folders)


def _zipped_rows(out):
    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        return {n.split("/")[0] for n in archive.namelist() if "/" in n}


def test_resume_with_another_file_is_refused_and_ships_nothing_of_the_first(tmp_path):
    """The first run's folders are other people's letters: `--resume` with another file
    (or the same name, changed) is refused naming what differs, and nothing is written."""
    rows = spreadsheet_rows()
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(first, rows[:2])        # folders 0002 and 0003
    write_csv(second, rows[2:4])      # other people, the same row numbers
    out = tmp_path / "out"
    assert run_cli("batch", str(first), "--out", str(out), timeout=120).returncode == 0
    manifest = json.loads((out / "manifeste.json").read_text(encoding="utf-8"))
    assert manifest["fichier"]["nom"] == "a.csv" and len(manifest["fichier"]["sha256"]) == 64
    before = {p.name: p.stat().st_mtime_ns for p in out.rglob("*")}
    refused = run_cli("batch", str(second), "--out", str(out), "--resume", timeout=120)
    assert refused.returncode == 2 and "reprise refusée" in refused.stderr, refused.stderr
    assert "« a.csv »" in refused.stderr and "« b.csv »" in refused.stderr and "Traceback" not in refused.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.rglob("*")} == before      # nothing written
    first.write_text(first.read_text(encoding="utf-8").replace("Haddad", "Haddad-Benali"), encoding="utf-8")
    changed = run_cli("batch", str(first), "--out", str(out), "--resume", timeout=120)
    assert changed.returncode == 2 and "« a.csv » a changé" in changed.stderr
    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        assert "Haddad-Benali" not in " ".join(archive.namelist())
    assert _zipped_rows(out) == {"0002", "0003"} and "manifeste.json" not in zipfile.ZipFile(out / "dossiers.zip").namelist()


def test_resume_with_other_options_or_without_a_manifest_is_refused(tmp_path):
    rows = spreadsheet_rows()
    source = tmp_path / "a.csv"
    write_csv(source, rows[:2])
    out = tmp_path / "out"
    assert run_cli("batch", str(source), "--out", str(out), timeout=120).returncode == 0
    pdf = run_cli("batch", str(source), "--out", str(out), "--resume", "--format", "pdf", "--publipostage", timeout=120)
    assert pdf.returncode == 2 and "--format" in pdf.stderr and "--publipostage" in pdf.stderr, pdf.stderr
    assert not list(out.rglob("*.pdf"))
    # The same file and options resume; a stale folder of a row the file does not have is not shipped.
    (out / "0099").mkdir()
    (out / "0099" / "appeal.docx").write_bytes(b"someone else")
    again = run_cli("batch", str(source), "--out", str(out), "--resume", timeout=120)
    assert again.returncode == 0, again.stderr
    assert _zipped_rows(out) == {"0002", "0003"}
    # A used folder that says nothing of what it holds (an older version, another tool): refused.
    (out / "manifeste.json").unlink()
    blind = run_cli("batch", str(source), "--out", str(out), "--resume", timeout=120)
    assert blind.returncode == 2 and "manifeste.json" in blind.stderr
    # An empty or new folder with --resume is simply a first run.
    fresh = run_cli("batch", str(source), "--out", str(tmp_path / "neuf"), "--resume", timeout=120)
    assert fresh.returncode == 0 and (tmp_path / "neuf" / "manifeste.json").is_file()


def test_french_headers_and_the_empty_template(tmp_path):
    """The template's French headers are read back as the case file's fields."""
    from openpyxl import load_workbook

    from assistant.associations.batch import read_rows

    template = tmp_path / "modele.xlsx"
    assert run_cli("template", str(template)).returncode == 0
    book = load_workbook(template)
    headers = [c.value for c in book.active[1]]
    assert "Nom" in headers and "Date de réception de la décision" in headers
    row = flatten(VALID_SCENARIOS[0][1]["case"])
    from assistant.law.model import label
    sheet = book.active
    by_label = {label(path): value for path, value in row.items()}
    sheet.append([as_cell(next(p for p in row if label(p) == h), by_label.get(h)) or None if h in by_label else None
                  for h in headers])
    book.save(template)
    [(number, raw)] = read_rows(template)
    assert number == 2 and raw["claimant.last_name"] == row["claimant.last_name"]
    csv_file = tmp_path / "fr.csv"
    csv_file.write_text("NOM;prénom;Code postal\nBenali;Amina;44000\n", encoding="utf-8")
    [(_, raw)] = read_rows(csv_file)
    assert raw == {"claimant.last_name": "Benali", "claimant.first_name": "Amina", "claimant.postal_code": "44000"}


def test_upload_is_checked_before_anything_runs():
    """The app's check: row, column (French), value and what is expected; the rejected rows
    as a spreadsheet to fix (formulas kept as text); the letters ZIP in memory."""
    import io as _io

    from openpyxl import load_workbook

    from assistant.associations.batch import check_upload, letters_zip, rejected_xlsx

    rows = spreadsheet_rows()[:3]
    rows[1]["decision.received_on"] = "=HYPERLINK(\"x\")"
    buffer = _io.StringIO()
    columns = sorted({c for r in rows for c in r})
    writer = csv.DictWriter(buffer, columns, delimiter=";")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: as_cell(c, r.get(c)) for c in columns})
    checked = check_upload("dossiers.csv", buffer.getvalue().encode("utf-8"))
    assert [row for row, _ in checked.valid] == [2, 4]
    [problem] = checked.problems
    assert problem["ligne"] == 3 and problem["colonne"] == "Date de réception de la décision"
    assert problem["valeur"].startswith("=HYPERLINK") and "date" in problem["attendu"]
    sheet = load_workbook(_io.BytesIO(rejected_xlsx(checked))).active
    assert sheet.cell(2, 1).value == 3 and any(str(c.value).startswith("'=HYPERLINK") for c in sheet[2])
    seen = []
    data = letters_zip(checked, progress=lambda done, total: seen.append((done, total)))
    with zipfile.ZipFile(_io.BytesIO(data)) as archive:
        assert {n.split("/")[0] for n in archive.namelist() if "/" in n} == {"0002", "0004"}
    assert seen[-1] == (3, 3)


def test_batch_pdf_for_every_letter_and_guide(tmp_path):
    """--format both: a PDF beside each DOCX (the guide too), the report says so."""
    rows = spreadsheet_rows()[:2]
    source = tmp_path / "d.csv"
    write_csv(source, rows)
    out = tmp_path / "out"
    result = run_cli("batch", str(source), "--out", str(out), "--format", "both", timeout=120)
    assert result.returncode == 0, result.stderr
    for folder in (out / "0002", out / "0003"):
        docx = {p.stem for p in folder.glob("*.docx")}
        assert docx and docx == {p.stem for p in folder.glob("*.pdf")}
        assert not list(folder.glob("*.pdf.pdf"))
    report = list(csv.reader((out / "rapport.csv").open(encoding="utf-8"), delimiter=";"))
    assert [r[9] for r in report[1:]] == ["ok", "ok"]


def test_mailing_pdf_lists_then_holds_every_letter_in_order(tmp_path):
    """--publipostage: envoi.pdf = a cover list (letter, recipient, mode, pages; the numbered
    enclosures per case), then every letter's pages, in row order."""
    import io as _io

    from pypdf import PdfReader

    rows = spreadsheet_rows()[:2]
    source = tmp_path / "d.csv"
    write_csv(source, rows)
    out = tmp_path / "out"
    result = run_cli("batch", str(source), "--out", str(out), "--format", "pdf", "--publipostage", timeout=120)
    assert result.returncode == 0, result.stderr
    merged = PdfReader(_io.BytesIO((out / "envoi.pdf").read_bytes()))
    letters = [p for f in ("0002", "0003") for p in sorted((out / f).glob("*.pdf")) if p.name != "comment-envoyer.pdf"]
    pages = sum(len(PdfReader(str(p)).pages) for p in letters)
    assert len(merged.pages) >= pages + 1
    cover = merged.pages[0].extract_text()
    assert "Envoi groupé" in cover and "ligne 2" in cover and "ligne 3" in cover and "recommandé AR" in cover
    assert "Copie de la décision" in cover
    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        assert "envoi.pdf" in archive.namelist()


# --- Issue 20: postcode and city agree, French choices, the interview's dates ---------------


def _row(**cells):
    """A valid row of the first scenario (an RSA case in Lyon), cells replaced as typed."""
    row = _valid_row()
    row.update(cells)
    return {k: v for k, v in row.items() if v is not None}


def test_a_city_the_postcode_sends_elsewhere_is_refused_naming_both():
    """« 4400 » typed for Nantes is read 04400 (Barcelonnette): the appeal would go to the
    Alpes-de-Haute-Provence. Refused, naming the postcode's communes and the city's."""
    import pytest

    from assistant.associations.batch import row_case
    from assistant.law.model import InvalidCase

    with pytest.raises(InvalidCase) as refused:
        row_case(_row(**{"claimant.postal_code": "4400", "claimant.city": "Nantes"}))
    [message] = refused.value.messages
    assert message.startswith("Code postal (claimant.postal_code) : 04400 (« 4400 » a été lu 04400")
    assert "Barcelonnette" in message and "(Alpes-de-Haute-Provence)" in message
    assert "« Nantes » désigne Nantes (44000, Loire-Atlantique)" in message
    assert [p.path for p in refused.value.problems] == ["claimant.postal_code"]
    # A name borne by communes of several départements: each is named, none is the postcode's.
    with pytest.raises(InvalidCase) as several:
        row_case(_row(**{"claimant.postal_code": "09320", "claimant.city": "St Denis"}))
    assert "Saint-Denis (93200, Seine-Saint-Denis)" in several.value.messages[0]
    assert "Saint-Denis (97400, La Réunion)" in several.value.messages[0]


def test_a_city_written_any_way_is_accepted():
    """Communes déléguées, « St », accents, hyphens, arrondissements and CEDEX: the same commune;
    a city typed where no commune of that name exists (a lieu-dit) is not refused either."""
    from assistant.associations.batch import found_place, row_case

    for postcode, city, place in [
        ("44000", "NANTES", "Nantes, Loire-Atlantique (44)"),
        ("44035", "Nantes Cedex 1", "Nantes, Loire-Atlantique (44)"),        # CEDEX: a postcode of no commune
        ("44400", "Reze", "Rezé, Loire-Atlantique (44)"),
        ("44800", "St-Herblain", "Saint-Herblain, Loire-Atlantique (44)"),
        ("50100", "Cherbourg-Octeville", "Cherbourg-en-Cotentin, Manche (50)"),   # commune déléguée
        ("69003", "Lyon 3e Arrondissement", "Lyon, Rhône (69)"),
        ("13008", "MARSEILLE 8EME", "Marseille, Bouches-du-Rhône (13)"),
        ("33220", "Port Ste Foy", "Port-Sainte-Foy-et-Ponchapt, Dordogne (24)"),
        ("44000", "La Morinière", "Nantes, Loire-Atlantique (44)"),           # no commune of that name
    ]:
        case = row_case(_row(**{"claimant.postal_code": postcode, "claimant.city": city}))
        assert found_place(case) == place, (postcode, city)


def test_the_report_says_where_each_row_was_placed_and_who_gets_the_appeal(tmp_path):
    rows = [_row(**{"claimant.postal_code": "44000", "claimant.city": "Nantes"}),
            _row(**{"claimant.postal_code": "4400", "claimant.city": "Nantes"})]
    source = tmp_path / "d.csv"
    write_raw_csv(source, rows)
    out = tmp_path / "out"
    result = run_cli("batch", str(source), "--out", str(out), timeout=120)
    assert result.returncode == 2 and "ligne 3" in result.stderr and "Barcelonnette" in result.stderr
    report = list(csv.DictReader((out / "rapport.csv").open(encoding="utf-8"), delimiter=";"))
    assert report[0]["lieu trouvé"] == "Nantes, Loire-Atlantique (44)"
    assert report[0]["destinataire du recours"] == "Président du conseil départemental de la Loire-Atlantique"
    assert report[1]["statut"] == "invalide" and "Alpes-de-Haute-Provence" in report[1]["erreurs"]


def test_choices_in_french_words_and_codes():
    """The interview's labels (the template's lists), usual words and the codes all read."""
    from assistant.associations.batch import row_to_case_dict

    def read(column, text):
        value = row_to_case_dict({column: text})
        for key in column.split("."):
            value = value[key]
        return value

    assert read("situation", "trop-perçu") == read("situation", "Trop perçu") == "overpayment"
    assert read("situation", "On me réclame de l'argent (un trop-perçu, un « indu »)") == "overpayment"
    assert read("situation", "overpayment") == read("situation", "indu") == "overpayment"
    assert read("situation", "termination") == read("situation", "On m'a supprimé l'aide") == "termination"
    assert read("benefit", "chômage") == read("benefit", "Allocation chômage (ARE)") == read("benefit", "are") == "are"
    assert read("benefit", "Prime d'activité") == read("benefit", "prime_activite") == "prime_activite"
    assert read("organism.kind", "La CAF (caisse d'allocations familiales)") == read("organism.kind", "caf") == "caf"
    assert read("organism.kind", "Pôle emploi") == "france_travail"
    assert row_to_case_dict({"decision.ground": "Oui"})["decision"]["ground"] == "medical"
    assert row_to_case_dict({"decision.ground": "medical"})["decision"]["ground"] == "medical"


def test_every_label_and_word_means_one_value():
    """No word of a list may mean two values: each label, code and usual word reads back as its own."""
    from assistant.law import interview as iv

    for path in ("organism.kind", "benefit", "situation", "decision.ground"):
        for option in iv.case_choices(path):
            for text in (option.value, option.label, *iv.TYPED_WORDS.get(path, {}).get(option.value, ())):
                assert iv.read_choice(path, text) == option.value, (path, text)


def test_a_row_in_french_words_makes_a_case_and_a_wrong_word_is_named():
    import pytest

    from assistant.associations.batch import row_case
    from assistant.law.model import InvalidCase

    case = row_case(_row(**{"organism.kind": "La CAF (caisse d'allocations familiales)",
                            "benefit": "Allocations familiales", "situation": "trop-perçu"}))
    assert (case.organism.kind.value, case.benefit.value, case.situation.value) == ("caf", "allocations_familiales", "overpayment")
    with pytest.raises(InvalidCase) as refused:
        row_case(_row(**{"situation": "trop percu par erreur"}))
    [message] = refused.value.messages
    assert message.startswith("Ce qui s'est passé (situation) : « trop percu par erreur » n'est pas dans la liste")
    assert "overpayment" not in message


def test_dates_get_the_interviews_words():
    """31/02 is a day that does not exist (not a format problem); JJ/MM/AAAA and ISO are read."""
    import pytest

    from assistant.associations.batch import check_upload, row_case, row_to_case_dict
    from assistant.law.model import InvalidCase

    assert row_to_case_dict({"decision.date": "2.10.2026"})["decision"]["date"] == "2026-10-02"
    assert row_to_case_dict({"decision.date": "2026-10-02"})["decision"]["date"] == "2026-10-02"
    with pytest.raises(InvalidCase) as refused:
        row_case(_row(**{"decision.date": "31/02/2026", "history.appeal_filed_on": "le 3 mars"}))
    messages = refused.value.messages
    assert "Date de la décision (decision.date) : Cette date n'existe pas : février 2026 n'a que 28 jours." in messages
    assert ("Date du recours (history.appeal_filed_on) : Écrivez la date avec le jour, le mois et l'année, "
            "par exemple 23/11/2026.") in messages
    assert not any("AAAA-MM-JJ" in m for m in messages)
    import io as _io

    row = _row(**{"decision.date": "31/02/2026"})
    buffer = _io.StringIO()
    writer = csv.DictWriter(buffer, list(row), delimiter=";")
    writer.writeheader()
    writer.writerow(row)
    [problem] = check_upload("d.csv", buffer.getvalue().encode("utf-8")).problems
    assert problem["attendu"] == "Cette date n'existe pas : février 2026 n'a que 28 jours."


def test_the_template_lists_french_labels_in_the_interviews_order(tmp_path):
    """Drop-down lists of the interview's labels (on a hidden sheet: too long for a cell formula),
    columns in the interview's order; filled with those labels, it is read back as cases."""
    from openpyxl import load_workbook

    from assistant.associations.batch import read_rows, row_case, template_xlsx
    from assistant.law import interview as iv
    from assistant.law.model import label

    path = tmp_path / "modele.xlsx"
    path.write_bytes(template_xlsx())
    book = load_workbook(path)
    sheet, lists = book["Dossiers"], book["Listes"]
    assert lists.sheet_state == "hidden" and book.active.title == "Dossiers"
    headers = [c.value for c in sheet[1]]
    asked = [label(q.id) for q in iv.QUESTIONS.values() if q.in_case]
    assert headers[:len(asked)] == asked and headers[0] == "Organisme" and headers[-1] == "Date de référence (today)"
    column = {h: i for i, h in enumerate(headers)}

    def choices(header):
        letter = sheet.cell(1, column[header] + 1).column_letter
        [rule] = [r for r in sheet.data_validations.dataValidation if f"{letter}2:{letter}1000" in str(r.sqref)]
        ref = rule.formula1.split("!")[1].replace("$", "")
        return [c.value for row in lists[ref] for c in row]

    assert choices("Organisme") == [o.label for o in iv.organism_choices()]
    assert choices("Ce qui s'est passé") == [o.label for o in iv.SITUATIONS]
    assert "Allocation chômage (ARE)" in choices("Prestation") and "are" not in choices("Prestation")
    assert choices("La décision mentionne un traitement algorithmique") == ["Oui", "Non", "Je ne sais pas"]
    values = {"Organisme": "La CAF (caisse d'allocations familiales)", "Prestation": "Prime d'activité",
              "Ce qui s'est passé": "On me réclame de l'argent (un trop-perçu, un « indu »)",
              "Décision reçue par écrit": "Oui", "Date de la décision": "02/10/2026",
              "Date de réception de la décision": "06/10/2026", "Prénom": "Amina", "Nom": "Benali",
              "Adresse": "12 rue des Lilas", "Code postal": 44000, "Ville": "Nantes",
              "Date de référence (today)": "23/11/2026"}
    sheet.append([values.get(h) for h in headers])
    book.save(path)
    [(number, raw)] = read_rows(path)
    case = row_case(raw)
    assert number == 2 and (case.benefit.value, case.situation.value) == ("prime_activite", "overpayment")


# --- Issue 20, point 9: the command line's folders and ZIP, French names, PDFs that open -----


def test_batch_files_have_french_names_a_report_and_pdfs_that_open(tmp_path):
    """The files are named as the single-person downloads name them (« recours »,
    « comment-envoyer »), never by the code's ids; with --format both each DOCX has its PDF,
    which opens; the ZIP holds the report and the statistics."""
    import io as _io

    from pypdf import PdfReader

    from assistant.letters.file_names import FILE_WORDS, GUIDE_WORD

    rows = spreadsheet_rows()
    source = tmp_path / "d.csv"
    write_csv(source, [rows[0], rows[1], rows[-1]])      # rows 2 and 3 valid, row 4 not
    out = tmp_path / "out"
    result = run_cli("batch", str(source), "--out", str(out), "--format", "both", timeout=180)
    assert result.returncode == 2 and "ligne 4" in result.stderr, result.stderr
    for folder in ("0002", "0003"):
        letters = json.loads((out / folder / "analyse.json").read_text(encoding="utf-8"))["letters"]
        expected = {"analyse.json"} | {f"{word}.{ext}" for word in [*(FILE_WORDS[l] for l in letters), GUIDE_WORD]
                                        for ext in ("docx", "pdf")}
        assert {p.name for p in (out / folder).iterdir()} == expected
    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        names = archive.namelist()
        assert {"rapport.csv", "statistiques.json"} <= set(names)
        assert sorted(n for n in names if "/" in n) == sorted(f"{folder}/{p.name}" for folder in ("0002", "0003")
                                                              for p in (out / folder).iterdir())
        for name in names:
            if name.endswith(".pdf"):
                assert len(PdfReader(_io.BytesIO(archive.read(name))).pages) >= 1, name
        report = list(csv.DictReader(_io.StringIO(archive.read("rapport.csv").decode("utf-8")), delimiter=";"))
    assert [(r["ligne"], r["statut"], r["pdf"]) for r in report] == [("2", "ok", "ok"), ("3", "ok", "ok"),
                                                                      ("4", "invalide", "")]
    assert "recours.pdf" in report[0]["fichiers"].split() or "demande-explication.pdf" in report[0]["fichiers"].split()
    assert "decision.received_on" in report[2]["erreurs"]
