"""Batch for associations: CSV/XLSX in, one folder per case, report, anonymised stats, ZIP."""

import copy
import csv
import json
import zipfile

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


def check_output(out, result, n_valid):
    assert result.returncode == 2, result.stderr          # one invalid row
    assert "ligne" in result.stderr and "decision.received_on" in result.stderr
    assert "Traceback" not in result.stderr
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(folders) == n_valid
    for folder in folders:
        analysis = json.loads((folder / "analyse.json").read_text(encoding="utf-8"))
        for letter in analysis["letters"]:
            assert (folder / f"{letter}.docx").stat().st_size > 1000
    report = list(csv.reader((out / "rapport.csv").open(encoding="utf-8"), delimiter=";"))
    assert [r[1] for r in report[1:]].count("invalide") == 1
    stats = (out / "statistiques.json").read_text(encoding="utf-8")
    assert json.loads(stats)["valid"] == n_valid
    for _, scenario in VALID_SCENARIOS:  # anonymised: no name, no file number
        claimant = scenario["case"]["claimant"]
        assert claimant["last_name"] not in stats and claimant["file_number"] not in stats
    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        names = archive.namelist()
    assert "rapport.csv" in names and any(n.endswith("appeal.docx") for n in names)
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
    from assistant.batch import row_to_case_dict

    case = row_to_case_dict({"context.amount_eur": "1 234,50 €", "decision.received": "Oui",
                             "decision.date": "02/10/2026", "claimant.postal_code": "1000",
                             "context.fraud_alleged": "je ne sais pas"})
    assert case["context"]["amount_eur"] == 1234.5 and case["decision"]["received"] is True
    assert case["decision"]["date"] == "2026-10-02" and case["claimant"]["postal_code"] == "01000"
    assert case["context"]["fraud_alleged"] is None


def test_second_run_does_not_zip_the_first_one(tmp_path):
    out = tmp_path / "out"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    rows = spreadsheet_rows()
    write_csv(first, rows[:2])      # folders 0002 and 0003
    write_csv(second, rows[1:2])
    run_cli("batch", str(first), "--out", str(out), timeout=120)
    run_cli("batch", str(second), "--out", str(out), timeout=120)
    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        folders = {n.split("/")[0] for n in archive.namelist() if "/" in n}
    assert folders == {"0002"}             # not the first run's 0003


def test_new_fields_as_columns(tmp_path):
    """Penalty, MDPH and the medical ground work as columns, in a volunteer's words."""
    from assistant.batch import row_to_case_dict

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
