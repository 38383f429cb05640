"""Batch for associations: a CSV or XLSX of cases in, one folder per case, a report,
anonymised statistics and a ZIP out (`python -m assistant batch`).

Columns are the dotted paths of the case file (CONTRACT §1): `claimant.first_name`,
`decision.received_on`, `benefit`… A column may be missing (the field is then empty). A
row that is not a valid case is reported with its row number and field, and the others
are still processed; the command then exits with 2.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import struct
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Protocol

from assistant.law import gate, interview, places
from assistant.law.analysis import Analysis, analyse
from assistant.law.appeals import require_commune
from assistant.law.model import (
    MULTILINE_FIELDS, RECIPIENT_ADDRESS_FIELDS, Case, Context, Decision, History, InvalidCase, Problem, label, parse_case,
)

BOOL_FIELDS = {
    f"decision.{name}" for name, info in Decision.model_fields.items() if info.annotation in (bool, Optional[bool])
} | {f"context.{name}" for name, info in Context.model_fields.items() if info.annotation in (bool, Optional[bool])}
NUMBER_FIELDS = {"context.amount_eur", "context.withholding_eur"}
DATE_FIELDS = {"decision.date", "decision.received_on", "decision.request_filed_on", "context.started_on", "today"} | {
    f"history.{name}" for name in History.model_fields
}
# Closed columns: the contract's codes, the interview's French labels (the template's
# drop-down lists) or a usual word (« trop-perçu », « chômage »): interview.read_choice.
ENUM_FIELDS = ("organism.kind", "benefit", "situation", "decision.ground")
TRUE_WORDS = {"true", "vrai", "oui", "o", "yes", "y", "1", "x"}
FALSE_WORDS = {"false", "faux", "non", "n", "no", "0"}
UNKNOWN_WORDS = {"", "null", "?", "je ne sais pas", "ne sait pas", "nsp", "inconnu"}
# Columns a sheet pre-filled from scanned letters adds for the volunteer (`read FOLDER --xlsx`,
# associations/prefill.py): where the row was read from, what a human must fill or check.
# The batch reads past them.
NOTE_COLUMNS = ("Dossier lu", "À vérifier")


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
    # Where the address was placed and who the appeal goes to, for the association to check
    # (the report only, never the statistics).
    place: str = ""
    body: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.route)

    def keep(self, case: Case, analysis: Analysis) -> None:
        self.organism, self.benefit, self.situation = case.organism.kind.value, case.benefit.value, case.situation.value
        appeal = analysis.appeal
        self.route, self.deadline, self.opposable = appeal.route, appeal.deadline, appeal.deadline_opposable
        self.rights, self.letters = tuple(analysis.right_ids), tuple(analysis.letters)
        self.place, self.body = found_place(case), appeal.body or ""


def found_place(case: Case) -> str:
    """« Nantes, Loire-Atlantique (44) »: where the row's address was placed."""
    c = case.claimant
    return places.place_name(c.postal_code, c.city, c.commune_code)


def known_columns() -> set[str]:
    """Every dotted path of the case file (CONTRACT §1): the columns a batch may have."""
    return set(model_columns())


def model_columns() -> list[str]:
    """The same, in the case model's order."""
    from pydantic import BaseModel

    def walk(model: type[BaseModel], prefix: str) -> list[str]:
        out: list[str] = []
        for name, info in model.model_fields.items():
            annotation = info.annotation
            nested = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
            out += walk(nested, f"{prefix}{name}.") if nested else [f"{prefix}{name}"]
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
        path = aliases.get(_fold(column)) if column and _fold(column) not in map(_fold, NOTE_COLUMNS) else ""
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


def template_columns() -> list[str]:
    """The template's columns: the interview's questions in the interview's order (the body
    first, the person's details last), then the case file's other fields in the model's
    order, the reference date `today` last."""
    asked = [q.id for q in interview.QUESTIONS.values() if q.in_case]
    known = model_columns()
    rest = [p for p in known if p not in asked]
    # One address column per kind of recipient, side by side (the letters screen asks them).
    return [p for p in asked if p in known] + sorted(rest, key=lambda p: (p == "today", p in RECIPIENT_ADDRESS_FIELDS))


def template_choices(path: str) -> list[str]:
    """The drop-down list of a closed or yes/no column: the interview's French labels (read
    back by `_value`, like the codes)."""
    if path in ENUM_FIELDS:
        question = interview.QUESTIONS.get(path)
        if question is not None and question.kind == "tristate":
            return [o.label for o in question.options]
        return [o.label for o in interview.case_choices(path)]
    return [o.label for o in interview.TRISTATE] if path in BOOL_FIELDS else []


def template_xlsx() -> bytes:
    """An empty spreadsheet for volunteers: French headers (the labels the batch reads) in
    the interview's order, the dotted path as a comment, and drop-down lists of the
    interview's labels for the closed fields. A list longer than a cell formula allows (255
    characters, and labels hold commas) lives on a hidden sheet, `gate.LISTS_SHEET`, that the
    reading skips."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Dossiers"
    lists = book.create_sheet(gate.LISTS_SHEET)
    lists.sheet_state = "hidden"
    ranges: dict[tuple[str, ...], str] = {}
    for index, path in enumerate(template_columns(), start=1):
        cell = sheet.cell(row=1, column=index, value=label(path))
        cell.comment = Comment(path, "Mes droits face à l'algorithme")
        sheet.column_dimensions[cell.column_letter].width = max(14, min(40, len(label(path)) + 2))
        choices = tuple(template_choices(path))
        if not choices:
            continue
        if choices not in ranges:
            column = get_column_letter(len(ranges) + 1)
            yes_no = choices == tuple(o.label for o in interview.TRISTATE)
            lists.cell(row=1, column=len(ranges) + 1, value=" / ".join(choices) if yes_no else label(path))
            for row, choice in enumerate(choices, start=2):
                lists.cell(row=row, column=len(ranges) + 1, value=choice)
            ranges[choices] = f"{gate.LISTS_SHEET}!${column}$2:${column}${len(choices) + 1}"
        rule = DataValidation(type="list", formula1=ranges[choices], allow_blank=True)
        sheet.add_data_validation(rule)
        rule.add(f"{cell.column_letter}2:{cell.column_letter}1000")
    sheet.freeze_panes = "A2"
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
    """One row as a case. A date or a choice the row cannot mean is worded as the interview
    words it (`cell_problems`); a city that the postcode sends to another département or
    authority is refused naming both (`city_problem`); a postcode and city that leave several
    communes differing in authority or holidays are refused, naming the candidates and the
    column to add."""
    typed = cell_problems(raw)
    try:
        case = parse_case(row_to_case_dict(raw), source)
    except InvalidCase as error:
        raise _with_cell_problems(error, typed, source) from None
    if typed:   # a cell the model read otherwise (a whole number of seconds as a date)
        raise InvalidCase([m for m, _ in typed], source, [p for _, p in typed])
    problem = city_problem(case, raw.get("claimant.postal_code"))
    if problem is not None:
        raise InvalidCase([problem[0]], source, [problem[1]])
    return require_commune(case, source, hint="batch")


def cell_problems(raw: dict[str, Any]) -> list[tuple[str, Problem]]:
    """(message, problem) for each date cell that is no date and each choice cell that is none
    of the list: the date in the interview's words (« Cette date n'existe pas : février 2026
    n'a que 28 jours. »), the choice with the template's labels."""
    import difflib

    out = []
    for path, value in raw.items():   # in the columns' order
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or str(value).strip().lower() in UNKNOWN_WORDS:
            continue
        text = str(value).strip()
        if path in DATE_FIELDS:
            try:
                interview.parse_date(text, path)
            except interview.DateProblem as error:
                wording = interview.problem_text(error.problem, lambda message: message)
                out.append((f"{label(path)} ({path}) : {wording}", error.problem))
        elif path in ENUM_FIELDS and interview.read_choice(path, text) is None:
            words = interview.choice_words(path)
            close = difflib.get_close_matches(interview.fold_words(text), list(words), n=1, cutoff=0.6)
            labels = {o.value: o.label for o in interview.case_choices(path)}
            hint = f" Vouliez-vous dire « {labels[words[close[0]]]} » ?" if close else ""
            out.append((f"{label(path)} ({path}) : « {text[:60]} » n'est pas dans la liste ; choisissez une valeur de "
                        f"la liste du modèle de tableur (ou son code).{hint}", Problem(path, "enum", {})))
    return out


def _with_cell_problems(error: InvalidCase, typed: list[tuple[str, Problem]], source: Optional[str]) -> InvalidCase:
    """The case's refusal with the cells' own wording in place of the model's for those cells."""
    ours = {problem.path: (message, problem) for message, problem in typed}
    pairs = list(zip(error.messages, error.problems)) if len(error.problems) == len(error.messages) else []
    if not pairs:
        return error if not typed else InvalidCase([*error.messages, *(m for m, _ in typed)], source,
                                                   [*error.problems, *(p for _, p in typed)])
    kept = [(m, p) for m, p in pairs if p.path not in ours]
    merged = [*ours.values(), *kept]
    return InvalidCase([m for m, _ in merged], source, [p for _, p in merged])


def _commune_names(communes: tuple[places.NamedCommune, ...], with_postcode: bool, most: int = 6) -> str:
    """« Barcelonnette, Enchastrayes (Alpes-de-Haute-Provence) » or « Nantes (44000, Loire-Atlantique) »."""
    if with_postcode:
        shown = [f"{c.name} ({c.postal_code}, {c.departement})" for c in communes[:most]]
    else:
        groups: dict[str, list[str]] = {}
        for c in communes[:most]:
            groups.setdefault(c.departement, []).append(c.name)
        shown = [f"{', '.join(names)} ({departement})" for departement, names in groups.items()]
    more = f" et {len(communes) - most} autre(s)" if len(communes) > most else ""
    return ", ".join(shown) + more


def city_problem(case: Case, typed_postcode: Any = None) -> Optional[tuple[str, Problem]]:
    """The postcode sends the case to another département or authority than the city typed
    (`places.city_elsewhere`): the message names both sides' communes, and says so when a
    leading zero was added to a 4-digit postcode (« 4400 » read 04400)."""
    claimant = case.claimant
    found = places.city_elsewhere(claimant.postal_code, claimant.city, case.decision_date, claimant.commune_code)
    if found is None:
        return None
    typed = str(typed_postcode if typed_postcode is not None else "").strip()
    if isinstance(typed_postcode, (int, float)) and not isinstance(typed_postcode, bool) and float(typed_postcode).is_integer():
        typed = str(int(typed_postcode))
    zero = (f" (« {typed} » a été lu {found.postal_code} : le tableur a peut-être effacé un chiffre)"
            if typed.isdigit() and len(typed) == 4 else "")
    if found.postcode_communes:
        here = _commune_names(found.postcode_communes, with_postcode=False)
        postcode = f"{found.postal_code}{zero} est le code postal de {here}"
    else:
        postcode = f"{found.postal_code}{zero} est un code postal du département {found.postcode_departement}"
    message = (f"{label('claimant.postal_code')} (claimant.postal_code) : {postcode}, mais la ville « {found.city} » "
               f"désigne {_commune_names(found.city_communes, with_postcode=True)} : le recours irait à un autre "
               "département ou organisme. Corrigez le code postal ou la ville (ou donnez le code INSEE de la "
               "commune dans la colonne claimant.commune_code).")
    return message, Problem("claimant.postal_code", "city_elsewhere", {
        "postal_code": found.postal_code, "city": found.city, "candidates": found.city_communes})


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
        try:   # the interview's reading: 23/11/2026, 23.11.2026, 2026-11-23…
            return interview.parse_date(text, path).isoformat()
        except interview.DateProblem:
            return text   # as typed: `cell_problems` words it
    if path in ENUM_FIELDS:
        return interview.read_choice(path, text) or text
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
CHUNK = 24                # rows a worker process takes at once (half of it, see made_in_order): the
                          # files of the chunks in flight (about 250 KB a row with the PDF) wait in the parent


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


# --- What each case becomes: the same files, French names, in a folder or a ZIP -----------------

ANALYSIS_FILE = "analyse.json"
REPORT_FILE = "rapport.csv"
STATISTICS_FILE = "statistiques.json"
ZIP_FILE = "dossiers.zip"
MAILING_FILE = "envoi.pdf"


def case_documents(case: Case, analysis: Analysis, pdf: bool = False) -> tuple[list, list[tuple[str, bytes]], str]:
    """One case's letters, its files — the analysis, each letter's DOCX (and PDF), the guide —
    as (French file name, bytes), and the PDF status ("" not asked, "ok", "échec": the DOCX
    are there all the same). The batch's folders and the app's ZIP both hold exactly these."""
    from assistant.letters import PdfUnavailable, build_letters, render_docx_many, render_guide_docx
    from assistant.letters.file_names import GUIDE_WORD, letter_word
    from assistant.letters.pdf import render_guide_pdf, render_pdf_many

    letters = build_letters(case, analysis)
    words = [letter_word(letter.id, letter.title) for letter in letters]
    files = [(ANALYSIS_FILE, json.dumps(analysis.to_json_dict(), ensure_ascii=False, indent=2).encode("utf-8"))]
    if not letters:
        return letters, files, ""
    files += [(f"{word}.docx", data) for word, data in zip(words, render_docx_many(letters, workers=1))]
    files.append((f"{GUIDE_WORD}.docx", render_guide_docx(letters)))
    if not pdf:
        return letters, files, ""
    try:   # Typst, in this process (a worker of the batch): the same text as the DOCX
        pdfs = [(f"{word}.pdf", data) for word, data in zip(words, render_pdf_many(letters, workers=1))]
        pdfs.append((f"{GUIDE_WORD}.pdf", render_guide_pdf(letters)))
    except PdfUnavailable as error:
        print(f"PDF non produits : {error}", file=sys.stderr)
        return letters, files, "échec"
    return letters, files + pdfs, "ok"


def _mailed(letters: list) -> tuple:
    """What the mailing's cover list needs of each letter, with its PDF's file name."""
    from assistant.letters.file_names import letter_word
    from assistant.letters.merge import Mailed

    return tuple((f"{letter_word(letter.id, letter.title)}.pdf", Mailed.of(letter)) for letter in letters)


Made = tuple[RowResult, list[tuple[str, bytes]]]


def _make_cases(source_name: str, done: frozenset[str], pdf: bool, mailing: bool,
                rows: list[tuple[int, Any]]) -> list[Made]:
    """One chunk of rows (raw cells, or cases the app already checked) → validated cases,
    analyses and their files, in memory. Runs in a worker process; the parent writes."""
    out: list[Made] = []
    for row, item in rows:
        result = RowResult(row)
        out.append((result, []))
        if isinstance(item, Case):
            case = item
        else:
            result.errors = _row_errors(item)
            if result.errors:
                continue
            try:
                case = row_case(item, f"{source_name}, ligne {row}")
            except InvalidCase as error:
                result.errors = error.messages
                continue
        analysis = analyse(case)
        result.keep(case, analysis)
        result.folder = _folder_name(row)
        if result.folder in done:           # --resume: made by the killed run, kept as it is
            result.pdf = "déjà fait" if pdf else ""
            if mailing:   # the mailing lists it too (its letters are rebuilt, not rewritten)
                from assistant.letters import build_letters
                result.mailed = _mailed(build_letters(case, analysis))
            continue
        letters, files, result.pdf = case_documents(case, analysis, pdf)
        if mailing:
            result.mailed = _mailed(letters)
        out[-1] = (result, files)
    return out


def _die_with_parent() -> None:
    """A worker must not outlive a killed batch (it would keep writing into a folder that a
    `--resume` run is cleaning): Linux kills it with its parent."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _chunks(rows: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def made_in_order(rows: Iterable[tuple[int, Any]], source_name: str, pdf: bool, done: frozenset[str] = frozenset(),
                  workers: Optional[int] = None, mailing: bool = False, start: str = "fork") -> Iterator[Made]:
    """Every row's result and files, in row order. Rows are read one at a time and sent by
    chunks to worker processes (both cores), at most two chunks per worker in flight: memory
    stays flat for any number of rows. A file of one chunk is made here (no process to start).
    `start`: "fork" from the command line; "spawn" in the app, whose server has threads (and
    Typst must never be forked once it has compiled, see letters/typeset.py)."""
    import concurrent.futures as cf
    import itertools
    import multiprocessing

    workers = workers or int(os.environ.get("MESDROITS_BATCH_WORKERS") or min(2, os.cpu_count() or 1))
    chunks = _chunks(rows, CHUNK // 2)
    head = list(itertools.islice(chunks, 2))
    if len(head) < 2 or workers == 1:
        for chunk in itertools.chain(head, chunks):
            yield from _make_cases(source_name, done, pdf, mailing, chunk)
        return
    context = multiprocessing.get_context(start)
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_die_with_parent) as pool:
        in_flight: collections.deque[cf.Future] = collections.deque()
        for chunk in itertools.chain(head, chunks):
            in_flight.append(pool.submit(_make_cases, source_name, done, pdf, mailing, chunk))
            while len(in_flight) >= 2 * workers:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


# Already compressed formats are stored as they are: compressing them again costs time for nothing.
STORED = {".docx", ".pdf", ".xlsx", ".zip", ".png"}


class _Entries:
    """`ZipFile.filelist` for a big archive: each entry's central-directory fields packed in
    one bytearray (about 80 bytes an entry instead of about 450 for a ZipInfo and its index),
    so that memory stays flat for 10,000 cases (120,000 entries). zipfile only appends to
    it, counts it and, on closing, reads it back to write the central directory."""

    _FIELDS = struct.Struct("<HIQQQHIHBBB")

    def __init__(self, when: tuple[int, ...]):
        self._packed = bytearray()
        self._count = 0
        self._when = when

    def append(self, info: zipfile.ZipInfo) -> None:
        name = info.filename.encode("utf-8")
        self._packed += self._FIELDS.pack(len(name), info.CRC, info.compress_size, info.file_size, info.header_offset,
                                          info.compress_type, info.external_attr, info.flag_bits, info.create_version,
                                          info.extract_version, info.create_system) + name
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[zipfile.ZipInfo]:
        offset = 0
        while offset < len(self._packed):
            (size, crc, compressed, file_size, header_offset, method, attributes, flags, create_version,
             extract_version, system) = self._FIELDS.unpack_from(self._packed, offset)
            offset += self._FIELDS.size
            info = zipfile.ZipInfo(bytes(self._packed[offset:offset + size]).decode("utf-8"), date_time=self._when)
            offset += size
            info.CRC, info.compress_size, info.file_size, info.header_offset = crc, compressed, file_size, header_offset
            info.compress_type, info.external_attr, info.flag_bits = method, attributes, flags
            info.create_version, info.extract_version, info.create_system = create_version, extract_version, system
            yield info


class _ZipOut:
    """Files written into one ZIP as they come (the batch's on disk, the app's in memory):
    never a second copy of them first; the entries' index stays small (`_Entries`)."""

    def __init__(self, target: Any):
        self.archive = zipfile.ZipFile(target, "w")
        self._when = dt.datetime.now().timetuple()[:6]
        self.archive.filelist = _Entries(self._when)   # type: ignore[assignment]

    def add(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=self._when)
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_STORED if Path(name).suffix.lower() in STORED else zipfile.ZIP_DEFLATED
        self.archive.writestr(info, data)
        self.archive.NameToInfo.clear()     # names are unique by construction; nothing reads them back

    def close(self) -> None:
        self.archive.close()


class Sink(Protocol):
    """Where `write_batch` puts what it makes: a case's files under its row number, or one
    file at the top (the report, the statistics, the mailing)."""

    def case(self, result: RowResult, files: list[tuple[str, bytes]]) -> None: ...

    def add(self, name: str, data: bytes) -> None: ...


class _ZipSink:
    """The app: each case's files into the ZIP, under its row number."""

    def __init__(self, target: Any):
        self.zip = _ZipOut(target)

    def case(self, result: RowResult, files: list[tuple[str, bytes]]) -> None:
        for name, data in sorted(files):
            self.zip.add(f"{result.folder}/{name}", data)
        result.files = sorted(name for name, _ in files)

    def add(self, name: str, data: bytes) -> None:
        self.zip.add(name, data)

    def close(self) -> None:
        self.zip.close()


class _FolderSink:
    """The command line (CONTRACT §2): one folder per case, written under NNNN.partiel and
    renamed once complete, and the same files into dossiers.zip as they come."""

    def __init__(self, out_dir: Path, done: frozenset[str]):
        self.out_dir, self.done = out_dir, done
        self._tmp = out_dir / f".{ZIP_FILE}.tmp"
        self.zip = _ZipOut(self._tmp)

    def case(self, result: RowResult, files: list[tuple[str, bytes]]) -> None:
        folder = self.out_dir / result.folder
        if result.folder in self.done:      # --resume: the killed run's folder, shipped as it is
            files = [(p.name, p.read_bytes()) for p in folder.iterdir()
                     if p.is_file() and not p.is_symlink() and not p.name.startswith(".")]
        else:
            partial = self.out_dir / (result.folder + PARTIAL)
            partial.mkdir()
            for name, data in files:
                (partial / name).write_bytes(data)
            os.replace(partial, folder)
        for name, data in sorted(files):
            self.zip.add(f"{result.folder}/{name}", data)
        result.files = sorted(name for name, _ in files)

    def add(self, name: str, data: bytes) -> None:
        _atomic_write(self.out_dir / name, data)
        self.zip.add(name, data)

    def close(self) -> Path:
        self.zip.close()
        target = self.out_dir / ZIP_FILE
        os.replace(self._tmp, target)
        return target


REPORT_HEADER = ["ligne", "statut", "dossier", "voie de recours", "date limite", "délai opposable", "droits",
                 "courriers", "fichiers", "pdf", "erreurs", "lieu trouvé", "destinataire du recours"]


def _report_row(r: RowResult) -> list[Any]:
    if r.ok:
        return [r.row, "ok", r.folder, r.route, r.deadline or "", "oui" if r.opposable else "non",
                " ".join(r.rights), " ".join(r.letters), " ".join(r.files), r.pdf, "", r.place, r.body]
    return [r.row, "invalide", "", "", "", "", "", "", "", "", " | ".join(r.errors), "", ""]


def write_batch(made: Iterable[Made], sink: Sink, mailing_from: Optional[Path] = None,
                progress: Optional[Callable[[int], None]] = None) -> list[RowResult]:
    """What the command line and the app both hand out: each valid case's files under its
    row number, then `envoi.pdf` (when asked), `rapport.csv` (one line per row, rejected
    ones with what to correct) and `statistiques.json`, all written to `sink` as they
    come. `progress(rows done)` is called after each row."""
    handle = io.StringIO(newline="")
    report = csv.writer(handle, delimiter=";")
    report.writerow(REPORT_HEADER)
    results: list[RowResult] = []
    for result, files in made:
        if result.ok:
            sink.case(result, files)
        report.writerow(_report_row(result))
        # Kept for the statistics and the caller: what only the report needed goes, the ids
        # are shared (unpickled from a worker, each row would hold its own copies).
        result.files, result.place, result.body = [], "", ""
        result.rights, result.letters = tuple(map(sys.intern, result.rights)), tuple(map(sys.intern, result.letters))
        results.append(result)
        if progress:
            progress(len(results))
    if mailing_from is not None:
        sink.add(MAILING_FILE, _mailing_pdf(mailing_from, results))
    sink.add(REPORT_FILE, handle.getvalue().encode("utf-8"))
    sink.add(STATISTICS_FILE, json.dumps(statistics(results), ensure_ascii=False, indent=2).encode("utf-8"))
    return results


def run_batch(cases_file: str, out: str, pdf: bool = False, resume: bool = False,
              workers: Optional[int] = None, mailing: bool = False) -> tuple[list[RowResult], Path]:
    """Process every row; returns the results and the ZIP path. Raises InvalidCase only
    when the file itself cannot be read or the output folder cannot be used."""
    import itertools

    source = Path(cases_file)
    out_dir = Path(out)
    try:   # read once: the rows and the fingerprint come from the same bytes
        data = gate.read_limited(source)
    except gate.InputRefused as error:
        raise InvalidCase(error.messages, str(source)) from None
    done = frozenset(_prepare_out(out_dir, resume, run_manifest(source, data, pdf, mailing)))
    rows = iter_rows(source, data)
    first = next(rows, None)
    if first is None:
        raise InvalidCase(["aucune ligne de dossier dans le fichier."], str(source))
    mailing = mailing and pdf
    made = made_in_order(itertools.chain([first], rows), source.name, pdf, done, workers, mailing=mailing)
    sink = _FolderSink(out_dir, done)
    results = write_batch(made, sink, mailing_from=out_dir if mailing else None)
    return results, sink.close()


def _mailing_pdf(out_dir: Path, results: list[RowResult]) -> bytes:
    """envoi.pdf: the cover list, then every letter of every case, in row order."""
    from assistant.letters.merge import mailing_pdf

    def cases():
        for r in results:
            made = [(m, out_dir / r.folder / name) for name, m in r.mailed] if r.folder else []
            made = [(m, path) for m, path in made if path.is_file()]
            if made:
                yield f"ligne {r.row}", [m for m, _ in made], [path.read_bytes() for _, path in made]

    return mailing_pdf(cases())



# --- In the app: check first, then make the letters in memory -----------------------------


@dataclass
class Checked:
    """An uploaded spreadsheet, checked before anything runs."""

    valid: list[tuple[int, Case]]
    problems: list[dict[str, Any]]          # {ligne, colonne, valeur, attendu}: one per problem
    rejected: list[tuple[int, dict[str, Any], list[str]]]   # (row, raw cells, messages)
    # Each valid row's place and appeal body, for the association to check: {ligne, lieu, recours}.
    found: list[dict[str, Any]] = field(default_factory=list)


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
                case = row_case(raw)
                checked.valid.append((row, case))
                checked.found.append({"ligne": row, "lieu": found_place(case),
                                      "recours": analyse(case).appeal.body or ""})
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


# With the PDF, a row's files weigh about 250 KB instead of about 60 KB, and the ZIP lives in
# the server's memory until downloaded: the app offers them for this many valid rows at most.
APP_MAX_PDF_ROWS = 500


def pdf_offered(checked: Checked) -> bool:
    """Whether the app may add the PDF to this upload's ZIP (APP_MAX_PDF_ROWS)."""
    return len(checked.valid) <= APP_MAX_PDF_ROWS


def letters_zip(checked: Checked, pdf: bool = False, progress: Optional[Callable[[int, int], None]] = None,
                workers: Optional[int] = None) -> bytes:
    """The app's ZIP: the same files, French names, report and statistics as the command
    line's dossiers.zip (`write_batch`), streamed into a ZIP in memory (nothing personal is
    written to the server's disk); the rejected rows are in the report with what to correct.
    `progress(done, total)` is called after each row."""
    import heapq

    total = len(checked.valid) + len(checked.rejected)
    rejected = ((RowResult(row, errors=list(messages)), []) for row, _raw, messages in checked.rejected)
    made = made_in_order(checked.valid, "", pdf, workers=workers, start="spawn")
    buffer = io.BytesIO()
    sink = _ZipSink(buffer)
    write_batch(heapq.merge(rejected, made, key=lambda item: item[0].row), sink,
                progress=(lambda done: progress(done, total)) if progress else None)
    sink.close()
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
    """The approved letters of the saved rows only (one folder per row number, each letter
    under its French name as in `write_batch`, built in memory) and their count; drafts and
    letters under review are never in it."""
    from assistant.letters import Letter, render_docx
    from assistant.letters.file_names import letter_word

    buffer, count = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w") as archive:
        for row, case_id in saved:
            approved = {letter.letter_id: letter for letter in store.letters(case_id, actor=actor)
                        if letter.status == "approved"}   # the latest approved version of each letter
            for stored in approved.values():
                letter = Letter.model_validate(stored.letter)
                data = render_docx(letter, template=template)
                archive.writestr(f"{_folder_name(row)}/{letter_word(letter.id, letter.title)}.docx", data,
                                 compress_type=zipfile.ZIP_STORED)
                count += 1
    return buffer.getvalue(), count
