"""What a reviewer changed in a letter: a word-level diff, and a DOCX edited outside the app
read back into the letter's structure (issue 12).

Pure: bytes and dicts in, data out. The diff works on words, keeping spaces and
punctuation as their own tokens, so that « petit » → « grand » shows as exactly those two
words; `letter_from_docx` finds the subject line and the body paragraphs of an uploaded
DOCX and keeps each paragraph's `cites` when it can tell which paragraph it was.

Every text that becomes a letter here (the editor's boxes, an uploaded DOCX, a review
comment) passes the input gate (`gate.clean_text`: no control or bidi-override character)
and the size limits below, on the server: the browser's `max_chars` is only a courtesy. An
uploaded DOCX is judged from its ZIP central directory before any XML is parsed.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Literal, Optional

from assistant.law.gate import clean_text
from assistant.letters.render import DOCUMENT_PART, read_member

Kind = Literal["equal", "insert", "delete"]

# A word (with its elisions and hyphens: « l'organisme », « peut-être »), a run of
# spaces or line breaks, or one punctuation sign.
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|\s+|[^\w\s]", re.UNICODE)
SUBJECT = re.compile(r"^\s*Objet\s*:\s*", re.IGNORECASE)
ENCLOSURES = re.compile(r"^\s*Pièces jointes\s*:", re.IGNORECASE)
# Below this likeness an uploaded paragraph is a new one, not an edit of the generated one.
SIMILAR = 0.5

# Limits on what a reviewer sends back. A generated letter as DOCX: about 11 KB, 13 ZIP
# members, 40 KB unpacked (ratio 4), word/document.xml 7 KB, 5,000 characters of text.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024          # the uploaded file (the page's max_upload_size)
MAX_MEMBERS = 200                           # files inside the DOCX (ZIP)
MAX_UNPACKED_BYTES = 30 * 1024 * 1024       # all of them unpacked, as the central directory says
MAX_RATIO = 100                             # unpacked size / packed size of the whole ZIP
MAX_DOCUMENT_XML_BYTES = 5 * 1024 * 1024    # word/document.xml, the only part read
MAX_TEXT_CHARS = 100_000                    # the text of the letter (about 30 pages)
MAX_PARAGRAPHS = 100                        # body paragraphs of one letter
MAX_PARAGRAPH_CHARS = 5_000                 # one paragraph (the editor's box)
MAX_SUBJECT_CHARS = 500                     # the subject line
MAX_COMMENT_CHARS = 2_000                   # a review comment
_NOT_A_DOCX = ("Ce fichier n'est pas un document Word (.docx) lisible : enregistrez le courrier au format .docx "
               "dans votre traitement de texte, puis déposez-le à nouveau.")


@dataclass(frozen=True)
class Chunk:
    kind: Kind
    text: str


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _blank(token_list: list[str]) -> bool:
    return all(t.isspace() for t in token_list)


def word_diff(old: str, new: str) -> list[Chunk]:
    """The changes from `old` to `new`, word by word: equal, deleted and inserted runs (a
    replacement is a deletion then an insertion). Concatenating the equal and deleted
    chunks gives `old`, the equal and inserted ones `new`."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # Group the changes, folding a bare space between two changes into them: « le petit
    # chat » → « la grande chatte » is one deletion and one insertion, not three of each.
    groups: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal" and groups and groups[-1][0] == "change":
            _tag, k1, _k2, l1, _l2 = groups[-1]
            groups[-1] = ("change", k1, i2, l1, j2)
        elif (tag == "equal" and groups and groups[-1][0] == "change" and _blank(a[i1:i2])
              and i2 < len(a) and j2 < len(b)):
            _tag, k1, _k2, l1, _l2 = groups[-1]
            groups[-1] = ("change", k1, i2, l1, j2)
        else:
            groups.append(("equal" if tag == "equal" else "change", i1, i2, j1, j2))
    chunks: list[Chunk] = []
    for tag, i1, i2, j1, j2 in groups:
        if tag == "equal":
            _add(chunks, "equal", "".join(a[i1:i2]))
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        # Spaces on both sides of a change stay outside it.
        lead = _common_space(removed, added)
        removed, added = removed[lead:], added[lead:]
        trail = _common_space(removed[::-1], added[::-1])
        _add(chunks, "equal", "".join(a[i1:i2])[:lead])
        _add(chunks, "delete", removed[:len(removed) - trail])
        _add(chunks, "insert", added[:len(added) - trail])
        _add(chunks, "equal", removed[len(removed) - trail:])
    return _words_first(chunks)


def _words_first(chunks: list[Chunk]) -> list[Chunk]:
    """« Je conteste[ fermement] la » and « Je conteste [fermement ]la » say the same: a
    lone insertion or deletion starts at its word, the space before it left outside."""
    out = list(chunks)
    for i in range(1, len(out) - 1):
        before, change, after = out[i - 1], out[i], out[i + 1]
        if before.kind != "equal" or after.kind != "equal" or change.kind == "equal":
            continue
        space = change.text[:len(change.text) - len(change.text.lstrip())]
        if space and not change.text.isspace() and after.text.startswith(space):
            out[i - 1] = Chunk("equal", before.text + space)
            out[i] = Chunk(change.kind, change.text[len(space):] + space)
            out[i + 1] = Chunk("equal", after.text[len(space):])
    merged: list[Chunk] = []
    for chunk in out:
        _add(merged, chunk.kind, chunk.text)
    return merged


def _common_space(x: str, y: str) -> int:
    """How many leading spaces `x` and `y` share."""
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n] and x[n].isspace():
        n += 1
    return n


def _add(chunks: list[Chunk], kind: Kind, text: str) -> None:
    if not text:
        return
    if chunks and chunks[-1].kind == kind:
        chunks[-1] = Chunk(kind, chunks[-1].text + text)
    else:
        chunks.append(Chunk(kind, text))


def changed(chunks: list[Chunk]) -> bool:
    return any(c.kind != "equal" for c in chunks)


def letter_text(letter: dict) -> str:
    """The part of a letter a reviewer edits: the subject line and the body paragraphs."""
    body = [p.get("text", "") for p in letter.get("paragraphs", [])]
    return "\n\n".join([f"Objet : {letter.get('subject', '')}", *body])


# --- A DOCX edited outside the app ---------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo"


def _document_xml(docx_bytes: bytes) -> bytes:
    """word/document.xml, once the ZIP's central directory shows nothing out of bounds;
    read in chunks and cut at MAX_DOCUMENT_XML_BYTES even if the directory lies."""
    if len(docx_bytes) > MAX_UPLOAD_BYTES:
        raise ValueError(f"Ce fichier est trop lourd ({_megabytes(len(docx_bytes))}) : un courrier déposé fait au "
                         f"plus {_megabytes(MAX_UPLOAD_BYTES)}. Retirez les images et déposez-le à nouveau.")
    try:
        with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ValueError(f"Ce fichier contient trop d'éléments ({len(infos)} ; au plus {MAX_MEMBERS} pour "
                                 "un courrier) : il est refusé.")
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                raise ValueError(f"Ce fichier est anormalement gros une fois décompressé ({_megabytes(unpacked)} ; "
                                 f"au plus {_megabytes(MAX_UNPACKED_BYTES)}) : il est refusé.")
            if unpacked > MAX_RATIO * max(1, sum(info.compress_size for info in infos)):
                raise ValueError(f"Ce fichier se décompresse plus de {MAX_RATIO} fois sa taille, ce qu'aucun courrier "
                                 "ne fait : il est refusé.")
            document = next((info for info in infos if info.filename == DOCUMENT_PART), None)
            if document is None:
                raise ValueError(_NOT_A_DOCX)
            if document.file_size > MAX_DOCUMENT_XML_BYTES:
                raise ValueError(f"Le corps de ce document est trop gros ({_megabytes(document.file_size)} ; au plus "
                                 f"{_megabytes(MAX_DOCUMENT_XML_BYTES)} pour word/document.xml) : il est refusé.")
            xml = read_member(archive, document)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, RuntimeError):
        raise ValueError(_NOT_A_DOCX) from None
    return xml


def _parse_document(xml: bytes) -> list[str]:
    """The text of each body paragraph, as python-docx reads it (tabs and line breaks)."""
    from docx.oxml.parser import parse_xml
    from docx.text.paragraph import Paragraph
    from lxml import etree

    try:
        root = parse_xml(xml)
    except etree.XMLSyntaxError:
        raise ValueError(_NOT_A_DOCX) from None
    body = getattr(root, "body", None)
    if body is None:
        raise ValueError(_NOT_A_DOCX)
    return [Paragraph(p, None).text for p in body.p_lst]


def _docx_paragraphs(docx_bytes: bytes) -> list[str]:
    """The paragraphs of an uploaded DOCX through the input gate, within the size limits."""
    lines = [clean_text(text, multiline=True).strip() for text in _parse_document(_document_xml(docx_bytes))]
    size = sum(len(line) for line in lines)
    if size > MAX_TEXT_CHARS:
        raise ValueError(f"Ce document contient trop de texte ({size} caractères ; au plus {MAX_TEXT_CHARS} "
                         "pour un courrier) : il est refusé.")
    return lines


def _check_sizes(subject: str, paragraphs: list[str]) -> None:
    """The per-field limits of a letter, said in French with the paragraph's number."""
    if len(subject) > MAX_SUBJECT_CHARS:
        raise ValueError(f"L'objet du courrier est trop long ({len(subject)} caractères ; au plus "
                         f"{MAX_SUBJECT_CHARS}).")
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise ValueError(f"Le courrier a trop de paragraphes ({len(paragraphs)} ; au plus {MAX_PARAGRAPHS}).")
    for number, text in enumerate(paragraphs, 1):
        if len(text) > MAX_PARAGRAPH_CHARS:
            raise ValueError(f"Le paragraphe {number} est trop long ({len(text)} caractères ; au plus "
                             f"{MAX_PARAGRAPH_CHARS}).")
    size = len(subject) + sum(len(text) for text in paragraphs)
    if size > MAX_TEXT_CHARS:
        raise ValueError(f"Le courrier est trop long ({size} caractères ; au plus {MAX_TEXT_CHARS}).")


def letter_from_edit(base_letter: dict, subject: str, texts: list[str]) -> dict:
    """The letter `base_letter` with the editor's subject and one text per paragraph (an
    empty one removes its paragraph), through the input gate and the size limits.
    ValueError (French) for an empty subject or a field too long."""
    subject = clean_text(subject).strip()
    if not subject:
        raise ValueError("L'objet du courrier ne peut pas être vide.")
    paragraphs = []
    for paragraph, text in zip(base_letter.get("paragraphs", []), texts, strict=True):
        text = clean_text(text, multiline=True).strip()
        if text:
            paragraphs.append({**paragraph, "text": text})
    _check_sizes(subject, [p["text"] for p in paragraphs])
    return {**base_letter, "subject": subject, "paragraphs": paragraphs}


def review_comment(text: Optional[str]) -> Optional[str]:
    """A reviewer's comment through the input gate, None when empty; ValueError (French)
    when longer than MAX_COMMENT_CHARS."""
    comment = clean_text(text or "", multiline=True).strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValueError(f"Le commentaire est trop long ({len(comment)} caractères ; au plus {MAX_COMMENT_CHARS}).")
    return comment or None


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, tokens(a), tokens(b), autojunk=False).ratio()


def _find(lines: list[str], start: int, wanted: str, threshold: float = 0.8) -> Optional[int]:
    """The first line from `start` that is (nearly) `wanted`."""
    wanted = " ".join(wanted.split())
    if not wanted:
        return None
    for index in range(start, len(lines)):
        line = " ".join(lines[index].split())
        if line == wanted or (line and _similar(line, wanted) >= threshold):
            return index
    return None


def _body_bounds(lines: list[str], base: dict) -> tuple[Optional[int], int, int]:
    """(index of the subject line or None, first body line, end of the body)."""
    subject_at = next((i for i, line in enumerate(lines) if SUBJECT.match(line)), None)
    start = 0 if subject_at is None else subject_at + 1
    salutation = _find(lines, start, base.get("salutation", ""))
    if salutation is not None:
        start = salutation + 1
    ends = [i for i in (_find(lines, start, base.get("closing", "")),
                        _find(lines, start, (base.get("signature") or "").split("\n")[0], 0.95),
                        next((i for i in range(start, len(lines)) if ENCLOSURES.match(lines[i])), None))
            if i is not None]
    return subject_at, start, min(ends) if ends else len(lines)


def _match(new: list[str], old: list[dict]) -> list[Optional[int]]:
    """For each new paragraph, the index of the generated one it edits, or None. The
    alignment in order that pairs the most alike paragraphs (each pair at least SIMILAR);
    then, where one paragraph stands alone between two pairs on both sides, it is a
    rewrite of that one (same position)."""
    n, m = len(new), len(old)
    similar = [[_similar(new[i], old[j].get("text", "")) for j in range(m)] for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = best[i + 1][j + 1] + similar[i][j] if similar[i][j] >= SIMILAR else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], pair)
    found: list[Optional[int]] = [None] * n
    i = j = 0
    while i < n and j < m:
        if similar[i][j] >= SIMILAR and best[i][j] == best[i + 1][j + 1] + similar[i][j]:
            found[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    # Gaps between pairs: the same number of paragraphs on both sides → paired in order.
    anchors = [(-1, -1), *((i, j) for i, j in enumerate(found) if j is not None), (n, m)]
    for (i1, j1), (i2, j2) in zip(anchors, anchors[1:]):
        if i2 - i1 == j2 - j1 and i2 - i1 > 1:
            for k in range(1, i2 - i1):
                found[i1 + k] = j1 + k
    return found


def letter_from_docx(docx_bytes: bytes, base_letter: dict) -> dict:
    """The letter `base_letter` with the subject and body paragraphs of an uploaded DOCX. A
    paragraph recognised as an edit of a generated one keeps its key, `cites` and
    `because`; another gets the key « edited_N » and cites nothing. ValueError (French)
    for a file that is not a DOCX, holds no body, or is out of the limits above (checked
    before any XML is parsed); the text passes the input gate."""
    lines = _docx_paragraphs(docx_bytes)
    subject_at, start, end = _body_bounds(lines, base_letter)
    body = [line for line in lines[start:end] if line]
    if not body:
        raise ValueError("Ce document ne contient pas de corps de courrier : gardez la ligne « Objet : … », "
                         "la formule d'appel et les paragraphes, puis déposez-le à nouveau.")
    subject = clean_text(SUBJECT.sub("", lines[subject_at])).strip() if subject_at is not None else ""
    _check_sizes(subject, body)
    old = list(base_letter.get("paragraphs", []))
    matched = _match(body, old)
    taken = {old[i]["key"] for i in matched if i is not None}
    paragraphs = []
    for number, (text, index) in enumerate(zip(body, matched), 1):
        if index is None:
            key, extra = f"edited_{number}", 1
            while key in taken:
                extra += 1
                key = f"edited_{number}_{extra}"
            taken.add(key)
            paragraphs.append({"key": key, "text": text, "cites": [], "because": []})
        else:
            source = old[index]
            paragraphs.append({"key": source["key"], "text": text, "cites": list(source.get("cites", [])),
                               "because": list(source.get("because", []))})
    return {**base_letter, "subject": subject or base_letter.get("subject", ""), "paragraphs": paragraphs}
