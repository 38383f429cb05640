"""One gate for every input: text cleaning, size limits, and spreadsheet reading.

Everything a person or an association types (a case file, a CSV or XLSX row, a form
field) passes here before it reaches a model or a letter, so that:
- characters a DOCX cannot hold (control characters) or that reorder what is printed
  (bidirectional overrides) never reach a letter;
- a line separator inside a CSV cell stays inside its cell (the csv module alone decides
  what a row is);
- a file, a row or a cell too large is refused with a French message, never a crash.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Iterator, Optional

# Limits: generous for real spreadsheets (an association's few thousand rows), small enough
# that a hostile file cannot exhaust a 2-core server.
MAX_FILE_BYTES = 20 * 1024 * 1024        # a CSV or XLSX file on disk
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024   # what an XLSX expands to (a zip bomb stops here)
MAX_ROWS = 100_000
MAX_CELL_CHARS = 5_000                   # the longest field (own words) is 3,000 characters
MAX_COLUMNS = 200
MAX_JSON_DEPTH = 20                      # a case file is 3 levels deep

# Bidirectional embeddings, overrides and isolates: they print a file number reversed.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Line breaks other than \n that some tools write (VT, FF, NEL, LS, PS) and \r.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Control characters XML 1.0 cannot carry, and non-characters.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


class InputRefused(ValueError):
    """A whole file cannot be read (too large, corrupt, several sheets, unknown column):
    `messages` are French."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(" ; ".join(messages))


def clean_text(value: str, multiline: bool = False) -> str:
    """The one cleaning of user text: NFC, no bidi override, no control character; line
    breaks become \\n in multi-line fields and spaces elsewhere."""
    text = unicodedata.normalize("NFC", value)
    text = _BIDI.sub("", text)
    text = _BREAKS.sub("\n", text)
    text = _CONTROL.sub("", text).replace("\t", " ")
    if not multiline:
        text = " ".join(text.split("\n"))
    return text


def clean_tree(data: Any, multiline_keys: frozenset[str] = frozenset(), _path: str = "", _depth: int = 0) -> Any:
    """Clean every string of a parsed case (dict/list tree); refuse absurd nesting."""
    if _depth > MAX_JSON_DEPTH:
        raise InputRefused(["le fichier est imbriqué trop profondément pour être un dossier."])
    if isinstance(data, str):
        return clean_text(data, multiline=_path in multiline_keys)
    if isinstance(data, dict):
        return {key: clean_tree(value, multiline_keys, f"{_path}.{key}" if _path else str(key), _depth + 1)
                for key, value in data.items()}
    if isinstance(data, list):
        return [clean_tree(value, multiline_keys, _path, _depth + 1) for value in data]
    return data


def check_file_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputRefused(["fichier introuvable."]) from None
    if size > MAX_FILE_BYTES:
        raise InputRefused([f"fichier trop volumineux ({size // (1024 * 1024)} Mo ; "
                            f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au plus) : découpez-le en plusieurs fichiers."])


# --- CSV ----------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what Excel writes in France)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InputRefused(["encodage illisible : enregistrez le fichier en « CSV UTF-8 »."]) from None


def csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(header, rows) of a CSV file. Rows are numbered as a spreadsheet shows them, counting
    the physical lines a quoted multi-line cell takes."""
    check_file_size(path)
    return csv_rows_from_bytes(path.read_bytes())


def csv_rows_from_bytes(raw: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The same from bytes in memory (an upload in the app: nothing written to disk)."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputRefused([f"fichier trop volumineux ({MAX_FILE_BYTES // (1024 * 1024)} Mo au plus)."])
    text = _decode(raw)
    first_line = text.split("\n", 1)[0]
    try:  # only the separator is guessed (from the header); quoting is always Excel's
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:  # one column, or an empty file: the plain comma
        delimiter = ","
    csv.field_size_limit(MAX_FILE_BYTES)
    # newline="": the csv module alone decides where a row ends; U+2028, NEL, VT or FF
    # inside a cell stay in that cell.
    reader = csv.reader(io.StringIO(text, newline=""), dialect=csv.excel, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return [], iter(())
    except csv.Error as error:
        raise InputRefused([f"ligne d'en-tête illisible ({error})."]) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise InputRefused([f"ligne {line} : CSV illisible ({error})."]) from None
            if any(v.strip() for v in values):
                yield line, values
            line = reader.line_num + 1

    return header, rows()


# --- XLSX ---------------------------------------------------------------------------------


def xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(header, rows) of the workbook's only sheet. A workbook with several non-empty sheets
    is refused (rows must never be silently left behind); the sheet's stored dimension is
    ignored (a stale one hides rows)."""
    check_file_size(path)
    return xlsx_rows_from(path)


def xlsx_rows_from(source: "Path | io.BytesIO") -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(header, rows) of a workbook given as a path or as bytes in memory."""
    try:
        with zipfile.ZipFile(source) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise InputRefused(["ce n'est pas un classeur Excel (.xlsx) lisible."]) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InputRefused(["classeur trop volumineux une fois décompressé : découpez-le en plusieurs fichiers."])
    from openpyxl import load_workbook

    if isinstance(source, io.BytesIO):
        source.seek(0)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:
        raise InputRefused(["ce n'est pas un classeur Excel (.xlsx) lisible."]) from None
    sheets = []
    for sheet in book.worksheets:
        sheet.reset_dimensions()
        if any(any(v not in (None, "") for v in row) for row in sheet.iter_rows(values_only=True, max_row=50)):
            sheets.append(sheet)
    if len(sheets) > 1:
        names = ", ".join(f"« {s.title} »" for s in sheets)
        raise InputRefused([f"le classeur contient plusieurs feuilles remplies ({names}) : "
                            "gardez une seule feuille de dossiers, ou faites un fichier par feuille."])
    if not sheets:
        return [], iter(())
    sheet = sheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = ["" if h is None else str(h) for h in next(iterator)]
    except StopIteration:
        return [], iter(())
    except Exception:
        raise InputRefused(["feuille illisible (fichier endommagé ?)."]) from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        index = 1
        while True:
            index += 1
            try:
                values = next(iterator)
            except StopIteration:
                return
            except Exception:
                raise InputRefused([f"ligne {index} : feuille illisible (fichier endommagé ?)."]) from None
            if values and any(v not in (None, "") for v in values):
                yield index, list(values)

    return header, rows()


def table_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return csv_rows(path)
    if suffix == ".xlsx":
        return xlsx_rows(path)
    raise InputRefused(["format non pris en charge : utilisez un fichier .csv ou .xlsx."])


def table_rows_from_bytes(name: str, raw: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """An uploaded file, read in memory."""
    suffix = Path(name).suffix.lower()
    if len(raw) > MAX_FILE_BYTES:
        raise InputRefused([f"fichier trop volumineux ({MAX_FILE_BYTES // (1024 * 1024)} Mo au plus)."])
    if suffix == ".csv":
        return csv_rows_from_bytes(raw)
    if suffix == ".xlsx":
        return xlsx_rows_from(io.BytesIO(raw))
    raise InputRefused(["format non pris en charge : utilisez un fichier .csv ou .xlsx."])


def limited(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """Stop a file that has more rows than a batch may hold, with a French message."""
    for count, item in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise InputRefused([f"plus de {MAX_ROWS} lignes : découpez le fichier en plusieurs."])
        yield item


def oversized_cell(values: list[Any], header: list[str]) -> Optional[str]:
    """The first column whose cell is longer than any field may be, if any."""
    for column, value in zip(header, values):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            return column
    return None
