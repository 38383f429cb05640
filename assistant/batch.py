"""Batch for associations: a CSV or XLSX of cases in, one folder per case, a report,
anonymised statistics and a ZIP out (`python -m assistant batch`).

Columns are the dotted paths of the case file (CONTRACT §1): `claimant.first_name`,
`decision.received_on`, `benefit`… A column may be missing (the field is then empty). A
row that is not a valid case is reported with its row number and field, and the others
are still processed; the command then exits with 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .analysis import Analysis, analyse
from .model import Case, Context, Decision, History, InvalidCase, parse_case

BOOL_FIELDS = {
    f"decision.{name}" for name, info in Decision.model_fields.items() if info.annotation in (bool, Optional[bool])
} | {f"context.{name}" for name, info in Context.model_fields.items() if info.annotation in (bool, Optional[bool])}
NUMBER_FIELDS = {"context.amount_eur", "context.withholding_eur"}
DATE_FIELDS = {"decision.date", "decision.received_on", "context.started_on", "today"} | {
    f"history.{name}" for name in History.model_fields
}
# Enum columns: the contract's values, typed in any case; a few French words besides.
ENUM_FIELDS = {"organism.kind", "benefit", "situation", "decision.ground"}
ENUM_WORDS = {
    "decision.ground": {
        "médical": "medical", "medical": "medical", "médicale": "medical", "medicale": "medical",
        "administratif": "administrative", "administrative": "administrative",
    },
}
TRUE_WORDS = {"true", "vrai", "oui", "o", "yes", "y", "1", "x"}
FALSE_WORDS = {"false", "faux", "non", "n", "no", "0"}
UNKNOWN_WORDS = {"", "null", "?", "je ne sais pas", "ne sait pas", "nsp", "inconnu"}


@dataclass
class RowResult:
    row: int
    case: Optional[Case] = None
    analysis: Optional[Analysis] = None
    folder: Optional[str] = None
    errors: list[str] = field(default_factory=list)


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number as the person sees it in the spreadsheet, {column: raw value})."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    if suffix == ".csv":
        return _csv_rows(path)
    raise InvalidCase(["format non pris en charge : utilisez un fichier .csv ou .xlsx."], str(path))


def _csv_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidCase(["fichier introuvable."], str(path)) from None
    except UnicodeDecodeError:
        raise InvalidCase(["le fichier n'est pas en UTF-8 (enregistrez-le en « CSV UTF-8 »)."], str(path)) from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:  # one column, or an empty file: the plain comma dialect
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(keepends=True), dialect=dialect)
    return [(index + 2, dict(row)) for index, row in enumerate(reader)]


def _xlsx_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except FileNotFoundError:
        raise InvalidCase(["fichier introuvable."], str(path)) from None
    except Exception:
        raise InvalidCase(["ce n'est pas un classeur Excel (.xlsx) lisible."], str(path)) from None
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    out = []
    for index, values in enumerate(rows, start=2):
        if values and any(v not in (None, "") for v in values):
            out.append((index, dict(zip(header, values))))
    return out


def row_to_case_dict(raw: dict[str, Any]) -> dict[str, Any]:
    """Nest dotted columns and read spreadsheet values (oui/non, 1 234,50, 23/11/2026)."""
    nested: dict[str, Any] = {}
    for column, value in raw.items():
        if column is None or not str(column).strip():
            continue
        path = str(column).strip()
        target = nested
        *parents, leaf = path.split(".")
        for key in parents:
            target = target.setdefault(key, {})
        target[leaf] = _value(path, value)
    return nested


def _value(path: str, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return None
    if path.startswith("claimant.") and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)  # 44000 typed as a number
    if not isinstance(value, str):
        return value
    text = value.strip()
    lowered = text.lower()
    if lowered in UNKNOWN_WORDS:
        return None
    if path in BOOL_FIELDS:
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
    if path in NUMBER_FIELDS:
        compact = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
        try:
            return float(compact)
        except ValueError:
            return text
    if path in DATE_FIELDS:
        french = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if french:
            day, month, year = (int(x) for x in french.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                return text
    if path in ENUM_FIELDS:
        return ENUM_WORDS.get(path, {}).get(lowered, lowered)
    if path == "claimant.postal_code" and re.fullmatch(r"\d{4}", text):
        return "0" + text  # spreadsheets drop the leading zero of 01000–09999
    return text


def _folder_name(row: int) -> str:
    """The row number only: folder names end up in shared drives and ZIPs, never a name."""
    return f"{row:04d}"


def statistics(results: list[RowResult]) -> dict[str, Any]:
    """Anonymised counts: no name, address, number, date or free text leaves this function."""
    ok = [r for r in results if r.case and r.analysis]
    count = lambda values: dict(sorted(Counter(values).items()))  # noqa: E731
    return {
        "cases": len(results),
        "valid": len(ok),
        "invalid": len(results) - len(ok),
        "by_organism": count(r.case.organism.kind.value for r in ok),
        "by_benefit": count(r.case.benefit.value for r in ok),
        "by_situation": count(r.case.situation.value for r in ok),
        "rights": count(right for r in ok for right in r.analysis.right_ids),
        "routes": count(r.analysis.appeal.route for r in ok),
        "deadline_not_opposable": sum(1 for r in ok if not r.analysis.appeal.deadline_opposable),
        "letters": count(letter for r in ok for letter in r.analysis.letters),
    }


def run_batch(cases_file: str, out: str, pdf: bool = False) -> tuple[list[RowResult], Path]:
    """Process every row; returns the results and the ZIP path. Raises InvalidCase only
    when the file itself cannot be read."""
    from .letters import PdfUnavailable, build_letters, render_docx_many, render_guide_docx, to_pdf

    source = Path(cases_file)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = read_rows(source)
    if not rows:
        raise InvalidCase(["aucune ligne de dossier dans le fichier."], str(source))
    results: list[RowResult] = []
    docx_for_pdf: dict[str, bytes] = {}
    for row, raw in rows:
        result = RowResult(row)
        results.append(result)
        try:
            result.case = parse_case(row_to_case_dict(raw), f"{source.name}, ligne {row}")
        except InvalidCase as error:
            result.errors = error.messages
            continue
        result.analysis = analyse(result.case)
        result.folder = _folder_name(row)
        folder = out_dir / result.folder
        folder.mkdir(exist_ok=True)
        (folder / "analyse.json").write_text(
            json.dumps(result.analysis.to_json_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        letters = build_letters(result.case, result.analysis)
        for letter, data in zip(letters, render_docx_many(letters)):
            (folder / f"{letter.id}.docx").write_bytes(data)
            docx_for_pdf[f"{result.folder}/{letter.id}"] = data
        if letters:
            (folder / "guide.docx").write_bytes(render_guide_docx(letters))
    written = [out_dir / r.folder for r in results if r.folder]
    if pdf and docx_for_pdf:
        try:
            for name, data in to_pdf(docx_for_pdf).items():
                (out_dir / f"{name}.pdf").write_bytes(data)
        except PdfUnavailable as error:  # the DOCX letters are still there
            print(f"PDF non produits : {error}", file=sys.stderr)
    _write_report(out_dir, source, results)
    (out_dir / "statistiques.json").write_text(json.dumps(statistics(results), ensure_ascii=False, indent=2), encoding="utf-8")
    return results, _zip(out_dir, [*written, out_dir / "rapport.csv", out_dir / "statistiques.json"])


def _write_report(out_dir: Path, source: Path, results: list[RowResult]) -> None:
    with (out_dir / "rapport.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["ligne", "statut", "dossier", "voie de recours", "date limite", "délai opposable", "droits", "courriers", "erreurs"])
        for r in results:
            if r.analysis:
                appeal = r.analysis.appeal
                writer.writerow([r.row, "ok", r.folder, appeal.route, appeal.deadline or "", "oui" if appeal.deadline_opposable else "non",
                                 " ".join(r.analysis.right_ids), " ".join(r.analysis.letters), ""])
            else:
                writer.writerow([r.row, "invalide", "", "", "", "", "", "", " | ".join(r.errors)])


def _zip(out_dir: Path, paths: list[Path]) -> Path:
    """Only what this run wrote: an earlier run in the same folder holds other people's letters."""
    target = out_dir / "dossiers.zip"
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(out_dir).as_posix())
    return target
