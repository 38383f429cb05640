"""A batch spreadsheet pre-filled from scanned letters (`python -m assistant read FOLDER --xlsx`).

One sub-folder of scans per person gives one row of the batch template (`batch.template_xlsx`:
the same columns, labels and drop-down lists, so `batch` reads it back once a volunteer has
completed it). Each read cell carries the words it was read from as a comment; the
`batch.NOTE_COLUMNS` say which folder the row comes from and which fields a human must still
fill or check. No letter is written: nothing read is used before a person confirms it.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from assistant.associations.batch import BOOL_FIELDS, DATE_FIELDS, ENUM_FIELDS, NOTE_COLUMNS, template_xlsx
from assistant.law import interview
from assistant.law.model import label
from assistant.reading.model import Proposal, UnreadableLetter

# What a batch row cannot go without (the case file's required fields), and the day the
# letter arrived, which starts the appeal deadline and is seldom printed on it.
NEEDED = ("organism.kind", "benefit", "situation", "claimant.first_name", "claimant.last_name",
          "claimant.address", "claimant.postal_code", "claimant.city", "decision.received_on")
READ_FILL = "E2F0D9"      # a cell read from the letter: to check
NEEDED_FILL = "FFF2CC"    # a cell a human must fill


@dataclass
class FolderReading:
    """One person's sub-folder: what was read, or why it could not be."""
    folder: str
    fields: dict[str, Proposal] = field(default_factory=dict)
    problem: Optional[str] = None

    def to_complete(self) -> list[str]:
        return [path for path in NEEDED if path not in self.fields]

    def note(self) -> str:
        """The « À vérifier » cell, in French."""
        missing = ", ".join(label(p) for p in self.to_complete())
        if self.problem:
            return f"Courrier non lu : {self.problem} À compléter : {missing}."
        read = ", ".join(label(p) for p in self.fields)
        parts = [f"À compléter : {missing}." if missing else "Rien d'obligatoire ne manque."]
        if read:
            parts.append(f"Lus sur le courrier, à relire : {read}.")
        return " ".join(parts)


def letter_files(folder: Path) -> list[Path]:
    """A person's scans, in name order (page order when they are numbered); hidden files skipped."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def person_folders(folder: Path) -> list[Path]:
    """One sub-folder per person, in name order."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def cell_value(path: str, value: Any) -> Any:
    """A proposed value as the template's cell shows it: the interview's label for a closed
    or yes/no field (the drop-down's words), a real date for a date, a number as a number."""
    if path in BOOL_FIELDS and isinstance(value, bool):
        return str(interview.TRISTATE[0 if value else 1].label)
    if path in ENUM_FIELDS:
        for option in interview.case_choices(path):
            if option.value == value:
                return str(option.label)
    if path in DATE_FIELDS and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def prefill_xlsx(rows: list[FolderReading]) -> bytes:
    """The batch template with one row per folder, read cells commented with their evidence,
    and the note columns."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book["Dossiers"]
    header = [cell.comment.text if cell.comment else None for cell in sheet[1]]
    column_of = {path: index for index, path in enumerate(header, start=1) if path}
    first_note = len(header) + 1
    for offset, title in enumerate(NOTE_COLUMNS):
        cell = sheet.cell(row=1, column=first_note + offset, value=title)
        sheet.column_dimensions[cell.column_letter].width = 30 if offset == 0 else 60
    read_fill = PatternFill("solid", start_color=READ_FILL, end_color=READ_FILL)
    needed_fill = PatternFill("solid", start_color=NEEDED_FILL, end_color=NEEDED_FILL)
    for row, reading in enumerate(rows, start=2):
        for path, proposal in reading.fields.items():
            if path not in column_of:
                continue
            cell = sheet.cell(row=row, column=column_of[path], value=cell_value(path, proposal.value))
            cell.fill = read_fill
            cell.comment = Comment(f"Lu sur le courrier : « {proposal.evidence} »", "Mes droits face à l'algorithme")
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
        for path in reading.to_complete():
            sheet.cell(row=row, column=column_of[path]).fill = needed_fill
        sheet.cell(row=row, column=first_note, value=reading.folder)
        sheet.cell(row=row, column=first_note + 1, value=reading.note())
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_folders(folder: Path, read_files) -> list[FolderReading]:
    """Each person's sub-folder read with `read_files` (paths → proposals; raises
    UnreadableLetter); a folder that cannot be read is a row saying why, the others go on."""
    rows = []
    for person in person_folders(folder):
        files = letter_files(person)
        if not files:
            rows.append(FolderReading(person.name, problem="aucun fichier dans ce dossier."))
            continue
        try:
            rows.append(FolderReading(person.name, fields=read_files(files)))
        except UnreadableLetter as error:
            rows.append(FolderReading(person.name, problem=str(error)))
    return rows
