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
import functools
import io
import re
import stat
import unicodedata
import zipfile
import zlib
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
MAX_CASE_FILE_BYTES = 1024 * 1024        # one case file (JSON or YAML): a few kilobytes in practice
# The hidden sheet of drop-down lists the batch template carries (too long for a cell
# formula): skipped when reading a workbook as long as it stays hidden, never a sheet of cases.
LISTS_SHEET = "Listes"

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


class YamlAliasRefused(ValueError):
    """A YAML file uses « &anchor » / « *alias »; `line` is where (1-based)."""

    def __init__(self, line: int):
        self.line = line
        super().__init__(line)


# Digits an integer may have in a file we read: more is no amount, date or number of anyone
# (and Python refuses to read an integer of more than 4,300 digits).
MAX_NUMBER_DIGITS = 30


def bounded_int(text: str) -> Any:
    """An integer as written; one too long to be a real value becomes infinity, which every
    field refuses with its own message (« montant trop élevé »…)."""
    return float("inf") if len(text.lstrip("+-")) > MAX_NUMBER_DIGITS else int(text)


@functools.lru_cache(maxsize=1)
def yaml_loader() -> type:
    """YAML's safe loader without aliases, for every YAML that comes from outside (case
    files, corrected legal references): a few hundred bytes of nested « *alias » expand to
    billions of values (« billion laughs ») and would hold the server, and none of our
    formats needs them. Integers are bounded as in JSON."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise YamlAliasRefused(self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)

        def construct_yaml_int(self, node: Any) -> Any:
            digits = str(self.construct_scalar(node)).replace("_", "")
            if len(digits.lstrip("+-")) > MAX_NUMBER_DIGITS:
                return float("inf")
            return super().construct_yaml_int(node)

    NoAliasLoader.add_constructor("tag:yaml.org,2002:int", NoAliasLoader.construct_yaml_int)
    return NoAliasLoader


def read_limited(path: Path, limit: int = MAX_FILE_BYTES,
                 advice: str = "découpez-le en plusieurs fichiers") -> bytes:
    """The bytes of a file, refused before reading when it is too large. The read itself is
    bounded too: a device such as /dev/zero reports a size of 0 and never ends."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputRefused(["fichier introuvable."]) from None
    except OSError as error:
        raise InputRefused([f"lecture impossible ({error.strerror})."]) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputRefused(["c'est un dossier, pas un fichier : donnez le chemin du fichier lui-même."])
    too_large = InputRefused([f"fichier trop volumineux ({_megabytes(limit)} au plus) : {advice}."])
    if info.st_size > limit:
        raise InputRefused([f"fichier trop volumineux ({_megabytes(info.st_size)} ; {_megabytes(limit)} au plus) : "
                            f"{advice}."])
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise InputRefused([f"lecture impossible ({error.strerror})."]) from None
    if len(data) > limit:
        raise too_large
    return data


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} Mo" if size >= 1024 * 1024 else f"{max(1, size // 1024)} Ko"


# --- CSV ----------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what Excel writes in France), decided
    once for the whole file. A file mixing both (a line pasted from another file) is refused,
    naming the line: read either way, some accents would be garbled."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        first_bad = error.start
    utf8_line = _first_utf8_line(raw)
    if utf8_line is not None:
        bad_line = raw.count(b"\n", 0, first_bad) + 1
        raise InputRefused([f"ligne {bad_line} : caractères en Windows-1252 dans un fichier en UTF-8 (ligne "
                            f"{utf8_line} par exemple) ; les accents seraient faussés : enregistrez tout le "
                            "fichier en « CSV UTF-8 »."])
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputRefused(["encodage illisible : enregistrez le fichier en « CSV UTF-8 »."]) from None


def _first_utf8_line(raw: bytes) -> Optional[int]:
    """The number of the first line holding non-ASCII UTF-8 (a UTF-8 BOM counts), if any."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return 1
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return number
    return None


def csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(header, rows) of a CSV file. Rows are numbered as a spreadsheet shows them, counting
    the physical lines a quoted multi-line cell takes."""
    return csv_rows_from_bytes(read_limited(path))


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
    """(header, rows) of the workbook's only filled sheet (see `xlsx_rows_from`)."""
    return xlsx_rows_from(io.BytesIO(read_limited(path)))


def xlsx_rows_from(source: "Path | io.BytesIO") -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(header, rows) of a workbook given as a path or as bytes in memory. A workbook with
    several filled sheets is refused (rows must never be silently left behind): every sheet
    is read to its first value, whatever its stored size says (a stale one hides rows). A
    formula without a computed value is refused too: it would read as an empty cell. The
    template's drop-down lists (`LISTS_SHEET`, hidden) are not a sheet of cases."""
    if isinstance(source, Path):
        source = io.BytesIO(read_limited(source))
    unreadable = InputRefused(["ce n'est pas un classeur Excel (.xlsx) lisible."])
    try:
        archive = zipfile.ZipFile(source)
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise unreadable from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InputRefused(["classeur trop volumineux une fois décompressé : découpez-le en plusieurs fichiers."])
    from openpyxl import load_workbook

    source.seek(0)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:
        raise unreadable from None
    worksheets = [s for s in book.worksheets if not (s.title == LISTS_SHEET and s.sheet_state != "visible")]
    several = len(worksheets) > 1
    sheets = []
    for sheet in worksheets:
        where = f" (feuille « {sheet.title} »)" if several else ""
        cell = _uncached_formula(archive, getattr(sheet, "_worksheet_path", ""))
        if cell:
            raise InputRefused([f"la cellule {cell}{where} contient une formule sans valeur calculée : "
                                "ouvrez le fichier dans un tableur et enregistrez-le."])
        if _has_a_value(sheet, where):
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
    except Exception as error:
        raise InputRefused([_unreadable_row(1, error)]) from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        index = 1
        while True:
            index += 1
            try:
                values = next(iterator)
            except StopIteration:
                return
            except Exception as error:
                raise InputRefused([_unreadable_row(index, error)]) from None
            if values and any(v not in (None, "") for v in values):
                yield index, list(values)

    return header, rows()


def _unreadable_row(index: int, error: Exception, where: str = "") -> str:
    """openpyxl raises ValueError for a value it cannot convert (a number of more than 4,300
    digits, a date that is not one), anything else for a damaged file."""
    if isinstance(error, ValueError):
        return (f"ligne {index}{where} : une cellule est illisible (nombre trop long ou date impossible ?) : "
                "tapez-la comme du texte.")
    return f"ligne {index}{where} : feuille illisible (fichier endommagé ?)."


def _has_a_value(sheet: Any, where: str) -> bool:
    """Whether the sheet holds anything, read to its first non-empty cell (cheap: a filled
    sheet stops at once, an empty one has no cell to read)."""
    sheet.reset_dimensions()   # the stored size may be stale
    rows = sheet.iter_rows(values_only=True)
    index = 0
    while True:
        index += 1
        try:
            row = next(rows)
        except StopIteration:
            return False
        except Exception as error:
            raise InputRefused([_unreadable_row(index, error, where)]) from None
        if any(v not in (None, "") for v in row):
            return True


# A formula element, with or without a namespace prefix: <f>, <f t="shared" …/>, <x:f>.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _uncached_formula(archive: zipfile.ZipFile, part: str) -> Optional[str]:
    """The first cell of a sheet holding a formula and no computed value (a file written by
    a program and never opened in a spreadsheet), if any. The sheet's XML is only parsed
    when it holds a formula at all."""
    if not part or part not in archive.namelist() or not _mentions_formula(archive, part):
        return None
    from xml.etree.ElementTree import ParseError

    from openpyxl.xml.functions import iterparse   # the parser openpyxl itself uses (defused when it can)

    parent = None
    try:
        with archive.open(part) as handle:
            for event, element in iterparse(handle, events=("start", "end")):
                name = _local(element.tag)
                if event == "start":
                    parent = element if name == "sheetData" else parent
                    continue
                if name == "c" and _formula_without_value(element):
                    return element.get("r") or "?"
                elif name == "row" and parent is not None:
                    parent.clear()   # memory stays flat on a long sheet
    except (ParseError, ValueError, OSError, zipfile.BadZipFile, EOFError, zlib.error):
        raise InputRefused(["feuille illisible (fichier endommagé ?)."]) from None
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]   # "{namespace}c" → "c"


def _formula_without_value(cell: Any) -> bool:
    """A formula cell with no result: no <v>, or an empty one that is not an empty text
    (openpyxl writes <v></v>; a spreadsheet writes t="str" for a formula giving "")."""
    children = {_local(child.tag): child for child in cell}
    if "f" not in children or cell.get("t") == "inlineStr":
        return False
    value = children.get("v")
    return value is None or (not value.text and cell.get("t") != "str")


def _mentions_formula(archive: zipfile.ZipFile, part: str, chunk: int = 1 << 20) -> bool:
    """A fast scan of the raw XML for a formula element."""
    tail = b""
    try:
        with archive.open(part) as handle:
            while block := handle.read(chunk):
                if _FORMULA_TAG.search(tail + block):
                    return True
                tail = block[-64:]
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error):
        raise InputRefused(["feuille illisible (fichier endommagé ?)."]) from None
    return False


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
