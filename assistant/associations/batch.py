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
import io
import json
import os
import re
import shutil
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

from assistant.law import gate
from assistant.law.analysis import Analysis, analyse
from assistant.law.appeals import require_commune
from assistant.law.model import (
    MULTILINE_FIELDS, Case, Context, Decision, History, InvalidCase, label, parse_case,
)

BOOL_FIELDS = {
    f"decision.{name}" for name, info in Decision.model_fields.items() if info.annotation in (bool, Optional[bool])
} | {f"context.{name}" for name, info in Context.model_fields.items() if info.annotation in (bool, Optional[bool])}
NUMBER_FIELDS = {"context.amount_eur", "context.withholding_eur"}
DATE_FIELDS = {"decision.date", "decision.received_on", "decision.request_filed_on", "context.started_on", "today"} | {
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
    """What one row became. Only small things are kept (the letters go to disk at once),
    so that memory stays flat however many rows the file has."""

    row: int
    folder: Optional[str] = None
    errors: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    pdf: str = ""                 # "" not asked | "ok" | "échec" | "déjà fait" (resumed)
    mailed: tuple = ()            # what the mailing's cover list needs of each letter
    # The analysis in brief, for the report and the statistics (no personal data).
    organism: str = ""
    benefit: str = ""
    situation: str = ""
    route: str = ""
    deadline: Optional[dt.date] = None
    opposable: bool = False
    rights: tuple[str, ...] = ()
    letters: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.route)

    def keep(self, case: Case, analysis: Analysis) -> None:
        self.organism, self.benefit, self.situation = case.organism.kind.value, case.benefit.value, case.situation.value
        appeal = analysis.appeal
        self.route, self.deadline, self.opposable = appeal.route, appeal.deadline, appeal.deadline_opposable
        self.rights, self.letters = tuple(analysis.right_ids), tuple(analysis.letters)


def known_columns() -> set[str]:
    """Every dotted path of the case file (CONTRACT §1): the columns a batch may have."""
    from pydantic import BaseModel

    def walk(model: type[BaseModel], prefix: str) -> set[str]:
        out: set[str] = set()
        for name, info in model.model_fields.items():
            annotation = info.annotation
            nested = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
            out |= walk(nested, f"{prefix}{name}.") if nested else {f"{prefix}{name}"}
        return out

    return walk(Case, "")


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number as the person sees it in the spreadsheet, {column: raw value}); a file
    that cannot be read whole is an InvalidCase naming the file."""
    return list(iter_rows(path))


def iter_rows(path: Path, data: Optional[bytes] = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows one at a time (memory stays flat), each cell cleaned by the gate. With
    `data`, the file is read from memory (an upload in the app), `path` only names it."""
    try:
        header, rows = gate.table_rows_from_bytes(path.name, data) if data is not None else gate.table_rows(path)
        header = _check_header(header)
        for row, values in gate.limited(rows):
            yield row, _row_dict(header, values)
    except gate.InputRefused as error:
        raise InvalidCase(error.messages, str(path)) from None


def _fold(text: str) -> str:
    """Header comparison: no case, no accents, single spaces (« Date de réception… »)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def column_aliases() -> dict[str, str]:
    """Folded header → dotted path: the path itself, or its French label (model.FIELD_LABELS,
    the same words the app and the error messages use)."""
    aliases = {}
    for path in known_columns():
        aliases[_fold(path)] = path
        aliases[_fold(label(path))] = path
    return aliases


def _check_header(header: list[str]) -> list[str]:
    """Every column must be a field of the case file, by its path or its French label; a
    typo is named, with the closest name."""
    import difflib

    columns = [gate.clean_text(str(h)).strip() for h in header]
    if len(columns) > gate.MAX_COLUMNS:
        raise gate.InputRefused([f"trop de colonnes ({len(columns)} ; {gate.MAX_COLUMNS} au plus)."])
    aliases = column_aliases()
    problems, paths = [], []
    for column in columns:
        path = aliases.get(_fold(column)) if column else ""
        if path is None:
            close = difflib.get_close_matches(column, sorted({*known_columns(), *(label(p) for p in known_columns())}), n=1)
            hint = f" Vouliez-vous dire « {close[0]} » ?" if close else ""
            problems.append(f"colonne inconnue « {column} ».{hint}")
        paths.append(path or "")
    duplicates = sorted({p for p in paths if p and paths.count(p) > 1})
    problems += [f"colonne « {label(p)} » ({p}) en double." for p in duplicates]
    if problems:
        raise gate.InputRefused(problems)
    return paths


def template_xlsx() -> bytes:
    """An empty spreadsheet for volunteers: French headers (the labels the batch reads),
    the dotted path as a comment, and drop-down lists for the closed fields."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation

    from assistant.law.model import Benefit, Ground, OrganismKind, Situation

    closed = {"organism.kind": [k.value for k in OrganismKind.all()], "benefit": [b.value for b in Benefit.all()],
              "situation": [x.value for x in Situation], "decision.ground": [g.value for g in Ground]}
    order = sorted(known_columns(), key=lambda p: (p.split(".")[0] != "claimant", p))
    book = Workbook()
    sheet = book.active
    sheet.title = "Dossiers"
    for index, path in enumerate(order, start=1):
        cell = sheet.cell(row=1, column=index, value=label(path))
        cell.comment = Comment(path, "Mes droits face à l'algorithme")
        choices = closed.get(path) or (["oui", "non", "je ne sais pas"] if path in BOOL_FIELDS else None)
        if choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            sheet.add_data_validation(rule)
            rule.add(f"{cell.column_letter}2:{cell.column_letter}1000")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


EXTRA_CELLS = "__extra__"
TOO_LONG = "__too_long__"


def _row_dict(header: list[str], values: list[Any]) -> dict[str, Any]:
    """{column: cleaned value}; extra cells and oversized cells are flagged for the report."""
    raw: dict[str, Any] = {}
    for column, value in zip(header, values):
        if not column:
            continue
        if isinstance(value, str):
            if len(value) > gate.MAX_CELL_CHARS:
                raw[TOO_LONG] = column
                continue
            value = gate.clean_text(value, multiline=column in MULTILINE_FIELDS)
        raw[column] = value
    if len(values) > len(header) and any(str(v).strip() for v in values[len(header):] if v is not None):
        raw[EXTRA_CELLS] = len(values) - len(header)
    return raw


def row_to_case_dict(raw: dict[str, Any]) -> dict[str, Any]:
    """Nest dotted columns and read spreadsheet values (oui/non, 1 234,50, 23/11/2026)."""
    nested: dict[str, Any] = {}
    for column, value in raw.items():
        if column is None or not str(column).strip() or column in (EXTRA_CELLS, TOO_LONG):
            continue
        path = str(column).strip()
        target = nested
        *parents, leaf = path.split(".")
        for key in parents:
            target = target.setdefault(key, {})
        target[leaf] = _value(path, value)
    return nested


def row_case(raw: dict[str, Any], source: Optional[str] = None) -> Case:
    """One row as a case; a postcode and city that leave several communes differing in
    authority or holidays are refused, naming the candidates and the column to add."""
    return require_commune(parse_case(row_to_case_dict(raw), source), source, hint="batch")


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
    if path in ("claimant.postal_code", "claimant.commune_code") and re.fullmatch(r"\d{4}", text):
        return "0" + text  # spreadsheets drop the leading zero of 01000–09999 (INSEE 01001–09999)
    return text


def _folder_name(row: int) -> str:
    """The row number only: folder names end up in shared drives and ZIPs, never a name."""
    return f"{row:04d}"


def statistics(results: list[RowResult]) -> dict[str, Any]:
    """Anonymised counts: no name, address, number, date or free text leaves this function."""
    ok = [r for r in results if r.ok]
    count = lambda values: dict(sorted(Counter(values).items()))  # noqa: E731
    return {
        "cases": len(results),
        "valid": len(ok),
        "invalid": len(results) - len(ok),
        "by_organism": count(r.organism for r in ok),
        "by_benefit": count(r.benefit for r in ok),
        "by_situation": count(r.situation for r in ok),
        "rights": count(right for r in ok for right in r.rights),
        "routes": count(r.route for r in ok),
        "deadline_not_opposable": sum(1 for r in ok if not r.opposable),
        "letters": count(letter for r in ok for letter in r.letters),
    }


PARTIAL = ".partiel"      # a case folder being written; renamed when complete
CHUNK = 100               # rows a worker process takes at once (half of it, see run_batch)


def _row_errors(raw: dict[str, Any]) -> list[str]:
    out = []
    if TOO_LONG in raw:
        column = raw[TOO_LONG]
        out.append(f"{label(column)} ({column}) : texte trop long ({gate.MAX_CELL_CHARS} caractères au plus).")
    if EXTRA_CELLS in raw:
        out.append(f"{raw[EXTRA_CELLS]} cellule(s) en trop après la dernière colonne (un séparateur en trop ?).")
    return out


MANIFEST = "manifeste.json"   # what a run was started with: its input file and options


def run_manifest(source: Path, data: bytes, pdf: bool, mailing: bool) -> dict[str, Any]:
    """The fingerprint of a run: its input file (SHA-256 of the bytes read) and the options
    that change what is written. `--resume` continues only a run with the same one."""
    import hashlib

    return {"fichier": {"nom": source.name, "octets": len(data), "sha256": hashlib.sha256(data).hexdigest()},
            "options": {"pdf": pdf, "publipostage": bool(mailing and pdf)}}


def _manifest_differences(saved: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What differs between the interrupted run and this one, in French."""
    out = []
    before, now = saved.get("fichier") or {}, current["fichier"]
    if before.get("sha256") != now["sha256"]:
        if before.get("nom") == now["nom"]:
            out.append(f"le fichier « {now['nom']} » a changé depuis le début du traitement interrompu")
        else:
            out.append(f"le fichier d'entrée diffère : le traitement interrompu lisait « {before.get('nom')} », "
                       f"cette commande lit « {now['nom']} »")
    options = saved.get("options") or {}
    yes_no = lambda flag: "oui" if flag else "non"  # noqa: E731
    for option, key, what in (("--format", "pdf", "PDF"), ("--publipostage", "publipostage", "envoi.pdf")):
        if bool(options.get(key)) != current["options"][key]:
            out.append(f"l'option {option} diffère ({what} : {yes_no(options.get(key))} pour le traitement "
                       f"interrompu, {yes_no(current['options'][key])} pour cette commande)")
    return out


def _prepare_out(out_dir: Path, resume: bool, manifest: dict[str, Any]) -> set[str]:
    """A fresh folder for each run; `--resume` continues a killed run in the same folder,
    started with the same input file and options (its manifest says so), and nothing
    else: a folder from another file holds other people's letters. Returns the case folders
    already complete. Symbolic links are never followed."""
    if out_dir.is_symlink():
        raise InvalidCase(["le dossier de sortie est un lien symbolique : donnez un vrai dossier."], str(out_dir))
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidCase(["ce n'est pas un dossier."], str(out_dir))
    existing = list(out_dir.iterdir()) if out_dir.exists() else []
    if existing and not resume:
        raise InvalidCase(["le dossier de sortie n'est pas vide : donnez un nouveau dossier (ou, pour reprendre un "
                           "traitement interrompu avec le même fichier et les mêmes options, ajoutez --resume)."],
                          str(out_dir))
    if any(p.is_symlink() for p in out_dir.rglob("*")) if existing else False:
        raise InvalidCase(["le dossier de sortie contient des liens symboliques : reprise refusée."], str(out_dir))
    if existing:
        _check_manifest(out_dir, manifest)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not existing:      # written before any case folder: a killed run can always be resumed
        _atomic_write(out_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    done = set()
    for entry in existing:
        if entry.is_dir() and entry.name.endswith(PARTIAL):
            shutil.rmtree(entry)             # a case interrupted half-way is made again
        elif entry.is_dir():
            done.add(entry.name)
    return done


def _check_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    """`--resume` into a used folder: only the run its manifest describes."""
    try:
        saved = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(saved, dict):
            raise ValueError(MANIFEST)
    except (OSError, ValueError):
        raise InvalidCase([f"reprise refusée : ce dossier n'a pas de {MANIFEST} lisible (ce n'est pas un dossier "
                           "de sortie de cette version du traitement par lots) ; rien ne dit quel fichier y a été "
                           "traité : donnez un nouveau dossier de sortie."], str(out_dir)) from None
    differences = _manifest_differences(saved, manifest)
    if differences:
        raise InvalidCase([f"reprise refusée : {d}." for d in differences]
                          + ["reprenez avec le même fichier et les mêmes options, ou donnez un nouveau dossier "
                             "de sortie : les dossiers déjà faits ici ne correspondent pas à cette commande."],
                          str(out_dir))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _make_cases(out_dir: Path, source_name: str, done: frozenset[str], pdf: bool,
                rows: list[tuple[int, dict[str, Any]]]) -> list[RowResult]:
    """One chunk of rows → validated cases, analyses and letters in partial folders. Runs
    in a worker process; returns only the small summaries (memory stays flat)."""
    from assistant.letters import build_letters

    out: list[RowResult] = []
    for row, raw in rows:
        result = RowResult(row)
        out.append(result)
        result.errors = _row_errors(raw)
        if result.errors:
            continue
        try:
            case = row_case(raw, f"{source_name}, ligne {row}")
        except InvalidCase as error:
            result.errors = error.messages
            continue
        analysis = analyse(case)
        result.keep(case, analysis)
        result.folder = _folder_name(row)
        if result.folder in done:           # --resume: made by the killed run, kept as it is
            result.files = sorted(p.name for p in (out_dir / result.folder).iterdir())
            result.pdf = "déjà fait" if pdf else ""
            if pdf:   # the mailing lists it too (its letters are rebuilt, not rewritten)
                from assistant.letters.merge import Mailed
                result.mailed = tuple((l.id, Mailed.of(l)) for l in build_letters(case, analysis))
            continue
        partial = out_dir / (result.folder + PARTIAL)
        partial.mkdir()
        letters, files = case_documents(case, analysis)
        for name, data in files:
            _atomic_write(partial / name, data)
        if pdf and letters:
            result.pdf = _write_pdfs(partial, letters)
            from assistant.letters.merge import Mailed
            result.mailed = tuple((letter.id, Mailed.of(letter)) for letter in letters)
    return out


def case_documents(case: Case, analysis: Analysis) -> tuple[list, list[tuple[str, bytes]]]:
    """One case's letters and its files — the analysis, each letter's DOCX and the guide —
    as (name, bytes): what the batch writes to a folder and the app puts in a ZIP."""
    from assistant.letters import build_letters, render_docx_many, render_guide_docx

    letters = build_letters(case, analysis)
    files = [("analyse.json", json.dumps(analysis.to_json_dict(), ensure_ascii=False, indent=2).encode("utf-8"))]
    files += [(f"{letter.id}.docx", data) for letter, data in zip(letters, render_docx_many(letters))]
    if letters:
        files.append(("guide.docx", render_guide_docx(letters)))
    return letters, files


def _write_pdfs(folder: Path, letters: list) -> str:
    """The same letters as PDF, typeset from the same data as the DOCX (Typst, a few ms a
    letter, in this worker): "ok", or "échec" with the DOCX still there."""
    from assistant.letters import PdfUnavailable
    from assistant.letters.pdf import render_guide_pdf, render_pdf_many

    try:
        for letter, data in zip(letters, render_pdf_many(letters, workers=1)):
            _atomic_write(folder / f"{letter.id}.pdf", data)
        _atomic_write(folder / "guide.pdf", render_guide_pdf(letters))
    except PdfUnavailable as error:
        print(f"PDF non produits : {error}", file=sys.stderr)
        return "échec"
    return "ok"


def _die_with_parent() -> None:
    """A worker must not outlive a killed batch (it would keep writing into a folder that a
    `--resume` run is cleaning): Linux kills it with its parent."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _chunks(rows: Iterator[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    chunk: list[tuple[int, dict[str, Any]]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(cases_file: str, out: str, pdf: bool = False, resume: bool = False,
              workers: Optional[int] = None, mailing: bool = False) -> tuple[list[RowResult], Path]:
    """Process every row; returns the results and the ZIP path. Raises InvalidCase only
    when the file itself cannot be read or the output folder cannot be used.

    Rows are read one at a time and sent by chunks to worker processes (both cores); at
    most two chunks per worker are in flight, so memory stays flat for any number of rows."""
    import concurrent.futures as cf
    import multiprocessing

    source = Path(cases_file)
    out_dir = Path(out)
    try:   # read once: the rows and the fingerprint come from the same bytes
        data = gate.read_limited(source)
    except gate.InputRefused as error:
        raise InvalidCase(error.messages, str(source)) from None
    done = frozenset(_prepare_out(out_dir, resume, run_manifest(source, data, pdf, mailing)))
    workers = workers or int(os.environ.get("MESDROITS_BATCH_WORKERS") or min(2, os.cpu_count() or 1))
    results: list[RowResult] = []
    chunks = _chunks(iter_rows(source, data), CHUNK // 2)
    first = next(chunks, None)
    if first is None:
        raise InvalidCase(["aucune ligne de dossier dans le fichier."], str(source))
    second = next(chunks, None)
    if second is None or workers == 1:      # a small file: no process to start
        for chunk in filter(None, (first, second, *chunks)):
            made = _make_cases(out_dir, source.name, done, pdf, chunk)
            _finish(out_dir, [r for r in made if r.folder and r.folder not in done], pdf)
            results += made
    else:
        context = multiprocessing.get_context("fork")
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_die_with_parent) as pool:
            in_flight: list[cf.Future] = []
            for chunk in (first, second, *chunks):
                in_flight.append(pool.submit(_make_cases, out_dir, source.name, done, pdf, chunk))
                while len(in_flight) >= 2 * workers:
                    made = in_flight.pop(0).result()
                    _finish(out_dir, [r for r in made if r.folder and r.folder not in done], pdf)
                    results += made
            for future in in_flight:
                made = future.result()
                _finish(out_dir, [r for r in made if r.folder and r.folder not in done], pdf)
                results += made
    results.sort(key=lambda r: r.row)
    extra = []
    if mailing and pdf:
        extra.append(_write_mailing(out_dir, results))
    _write_report(out_dir, results)
    _atomic_write(out_dir / "statistiques.json",
                  json.dumps(statistics(results), ensure_ascii=False, indent=2).encode("utf-8"))
    # This run's rows only, by the row numbers it read: never whatever folders exist.
    written = [out_dir / r.folder for r in results if r.folder]
    return results, _zip(out_dir, [*written, *extra, out_dir / "rapport.csv", out_dir / "statistiques.json"])


def _write_mailing(out_dir: Path, results: list[RowResult]) -> Path:
    """envoi.pdf: the cover list, then every letter of every case, in row order."""
    from assistant.letters.merge import mailing_pdf

    def cases():
        for r in results:
            made = [(m, out_dir / r.folder / f"{letter_id}.pdf") for letter_id, m in r.mailed]
            made = [(m, path) for m, path in made if path.is_file()]
            if made:
                yield f"ligne {r.row}", [m for m, _ in made], [path.read_bytes() for _, path in made]

    target = out_dir / "envoi.pdf"
    _atomic_write(target, mailing_pdf(cases()))
    return target


def _finish(out_dir: Path, pending: list[RowResult], pdf: bool) -> None:
    """Each case's folder renamed complete, once all its files are written."""
    for r in pending:
        os.replace(out_dir / (r.folder + PARTIAL), out_dir / r.folder)
        r.files = sorted(p.name for p in (out_dir / r.folder).iterdir())


def _write_report(out_dir: Path, results: list[RowResult]) -> None:
    handle = io.StringIO(newline="")
    writer = csv.writer(handle, delimiter=";")
    writer.writerow(["ligne", "statut", "dossier", "voie de recours", "date limite", "délai opposable", "droits",
                     "courriers", "fichiers", "pdf", "erreurs"])
    for r in results:
        if r.ok:
            writer.writerow([r.row, "ok", r.folder, r.route, r.deadline or "", "oui" if r.opposable else "non",
                             " ".join(r.rights), " ".join(r.letters), " ".join(r.files), r.pdf, ""])
        else:
            writer.writerow([r.row, "invalide", "", "", "", "", "", "", "", "", " | ".join(r.errors)])
    _atomic_write(out_dir / "rapport.csv", handle.getvalue().encode("utf-8"))


# Already compressed formats are stored as they are: compressing them again costs time for nothing.
STORED = {".docx", ".pdf", ".xlsx", ".zip", ".png"}


def _zip(out_dir: Path, paths: list[Path]) -> Path:
    """Exactly this run's files (never an earlier run's), written atomically."""
    target = out_dir / "dossiers.zip"
    tmp = out_dir / ".dossiers.zip.tmp"
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*"))
                   if f.is_file() and not f.is_symlink() and not f.name.startswith("."))
    with zipfile.ZipFile(tmp, "w") as archive:
        for path in files:
            method = zipfile.ZIP_STORED if path.suffix.lower() in STORED else zipfile.ZIP_DEFLATED
            archive.write(path, path.relative_to(out_dir).as_posix(), compress_type=method)
    os.replace(tmp, target)
    return target


# --- In the app: check first, then make the letters in memory -----------------------------


@dataclass
class Checked:
    """An uploaded spreadsheet, checked before anything runs."""

    valid: list[tuple[int, Case]]
    problems: list[dict[str, Any]]          # {ligne, colonne, valeur, attendu}: one per problem
    rejected: list[tuple[int, dict[str, Any], list[str]]]   # (row, raw cells, messages)


# Rows per upload in the app: its checked cases and its ZIP stay in the server's memory
# until downloaded (about 60 KB a row); larger files go through the command line.
APP_MAX_ROWS = 2_000


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")   # 2 000, the French way


def check_upload(name: str, data: bytes, max_rows: Optional[int] = None) -> Checked:
    """Every row validated; each problem named by row, column (French label), value and
    what is expected. Raises InvalidCase when the file itself cannot be read, or has more
    than `max_rows` rows (APP_MAX_ROWS by default): counted before any row is validated."""
    limit = APP_MAX_ROWS if max_rows is None else max_rows
    rows = []
    for item in iter_rows(Path(name), data):
        rows.append(item)
        if len(rows) > limit:
            raise InvalidCase([f"plus de {_thousands(limit)} lignes de dossiers : ici, un fichier en a "
                               f"{_thousands(limit)} au plus. Découpez-le en plusieurs fichiers, ou utilisez la "
                               f"ligne de commande (python -m assistant batch, jusqu'à {_thousands(gate.MAX_ROWS)} "
                               "lignes)."], name)
    checked = Checked([], [], [])
    for row, raw in rows:
        messages = _row_errors(raw)
        problems = [("", message) for message in messages]
        if not messages:
            try:
                checked.valid.append((row, row_case(raw)))
                continue
            except InvalidCase as error:
                messages = error.messages
                paths = [p.path for p in error.problems] or [""] * len(messages)
                problems = list(zip(paths + [""] * (len(messages) - len(paths)), messages))
        for path, message in problems:
            checked.problems.append({
                "ligne": row, "colonne": label(path) if path else "",
                "valeur": "" if raw.get(path) is None else str(raw.get(path))[:200],
                "attendu": message.split(" : ", 1)[-1],
            })
        checked.rejected.append((row, raw, messages))
    return checked


def rejected_xlsx(checked: Checked) -> bytes:
    """The rejected rows as a spreadsheet to fix: French headers, the cells as typed, and
    a last column with what to correct."""
    from openpyxl import Workbook

    columns = sorted({c for _, raw, _ in checked.rejected for c in raw if c not in (EXTRA_CELLS, TOO_LONG)})
    book = Workbook()
    sheet = book.active
    sheet.title = "À corriger"
    sheet.append(["Ligne", *(label(c) for c in columns), "À corriger"])
    for row, raw, messages in checked.rejected:
        sheet.append([row, *(_cell(raw.get(c)) for c in columns), " | ".join(messages)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A cell as typed; text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def letters_zip(cases: list[tuple[int, Case]], progress: Optional[Any] = None) -> bytes:
    """The letters of every valid row, one folder per row number, in a ZIP built in memory
    (nothing personal is written to the server's disk); `progress(done, total)` is called."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for done, (row, case) in enumerate(cases, start=1):
            _, files = case_documents(case, analyse(case))
            for name, data in files:
                method = zipfile.ZIP_STORED if Path(name).suffix in STORED else zipfile.ZIP_DEFLATED
                archive.writestr(f"{_folder_name(row)}/{name}", data, compress_type=method)
            if progress:
                progress(done, len(cases))
    return buffer.getvalue()


# --- In the app, when the organisation requires a lawyer's review ----------------------------


def save_for_review(store: Any, cases: list[tuple[int, Case]], actor: Any, consent: Any) -> Iterator[tuple[int, str, int]]:
    """Each valid row saved as a case file of the actor's organisation with the person's
    `consent` (store.Consent), its letters kept as drafts and submitted for a lawyer's
    review: nothing goes out unapproved. Yields (row, case id, letters) as each row is done,
    so that a refusal half-way still says which rows were saved."""
    from assistant.letters import build_letters

    for row, case in cases:
        case_id = store.save(case, actor=actor, consent=consent)
        letters = build_letters(case, analyse(case))
        for letter in letters:
            stored = store.add_letter(case_id, letter.model_dump(mode="json"), status="draft", actor=actor)
            store.submit_letter(stored.id, actor=actor)
        yield row, case_id, len(letters)


def review_statuses(store: Any, saved: list[tuple[int, str]], actor: Any) -> Counter:
    """How many letters of the saved rows are at each status (superseded versions left out)."""
    return Counter(letter.status for _row, case_id in saved for letter in store.letters(case_id, actor=actor)
                   if letter.status != "superseded")


def approved_zip(store: Any, saved: list[tuple[int, str]], actor: Any,
                 template: Optional[bytes] = None) -> tuple[bytes, int]:
    """The approved letters of the saved rows only (one folder per row number, built in
    memory) and their count; drafts and letters under review are never in it."""
    from assistant.letters import Letter, render_docx

    buffer, count = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w") as archive:
        for row, case_id in saved:
            approved = {letter.letter_id: letter for letter in store.letters(case_id, actor=actor)
                        if letter.status == "approved"}   # the latest approved version of each letter
            for letter_id, stored in approved.items():
                data = render_docx(Letter.model_validate(stored.letter), template=template)
                archive.writestr(f"{_folder_name(row)}/{letter_id}.docx", data, compress_type=zipfile.ZIP_STORED)
                count += 1
    return buffer.getvalue(), count
