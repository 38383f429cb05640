"""What a reviewer changed in a letter: a word-level diff, and a DOCX edited outside the app
read back into the letter's structure (issue 12).

Pure: bytes and dicts in, data out. The diff works on words, keeping spaces and
punctuation as their own tokens, so that « petit » → « grand » shows as exactly those two
words; `letter_from_docx` finds the subject line and the body paragraphs of an uploaded
DOCX and keeps each paragraph's `cites` when it can tell which paragraph it was.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Literal, Optional

Kind = Literal["equal", "insert", "delete"]

# A word (with its elisions and hyphens: « l'organisme », « peut-être »), a run of
# spaces or line breaks, or one punctuation sign.
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|\s+|[^\w\s]", re.UNICODE)
SUBJECT = re.compile(r"^\s*Objet\s*:\s*", re.IGNORECASE)
ENCLOSURES = re.compile(r"^\s*Pièces jointes\s*:", re.IGNORECASE)
# Below this likeness an uploaded paragraph is a new one, not an edit of the generated one.
SIMILAR = 0.5


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


def _docx_paragraphs(docx_bytes: bytes) -> list[str]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(docx_bytes))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValueError("Ce fichier n'est pas un document Word (.docx) lisible : enregistrez le courrier "
                         "au format .docx dans votre traitement de texte, puis déposez-le à nouveau.") from None
    return [p.text.strip() for p in document.paragraphs]


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
    for a file that is not a DOCX or holds no body."""
    lines = _docx_paragraphs(docx_bytes)
    subject_at, start, end = _body_bounds(lines, base_letter)
    body = [line for line in lines[start:end] if line]
    if not body:
        raise ValueError("Ce document ne contient pas de corps de courrier : gardez la ligne « Objet : … », "
                         "la formule d'appel et les paragraphes, puis déposez-le à nouveau.")
    subject = SUBJECT.sub("", lines[subject_at]).strip() if subject_at is not None else ""
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
