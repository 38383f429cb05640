"""Reading the letter a person holds: a photo, a scan or a PDF in, proposed answers out.

Offline and deterministic: pages come from the bytes in memory (`sources`), images are cleaned
and read by Tesseract through standard input and output (`ocr`), and readable rules turn the
text into proposals with their evidence (`decision` for a decision, `answer` for a body's
answer to a letter). Nothing is written to disk or logged (tests/test_reading_privacy.py).
"""
from __future__ import annotations

from typing import Sequence

from assistant.reading.model import Reading, UnreadableLetter

__all__ = ["letter_text", "read_letter", "read_answer_letter"]


def letter_text(files: Sequence[tuple[str, bytes]]) -> tuple[str, int]:
    """The text of all the pages of one letter, in order, and the number of pages. Raises
    UnreadableLetter (French, naming the files) when a file is refused or no page holds the
    text of a letter (a blank page, a photo of something else)."""
    text, count, _ = _pages_text(files)
    return text, count


def _pages_text(files: Sequence[tuple[str, bytes]]) -> tuple[str, int, int]:
    """letter_text's text and page count, and how many photographed or scanned pages gave no
    text (a text PDF's near-empty page is empty; an image's may be a blurred verso)."""
    from assistant.reading import ocr, sources

    texts: list[str] = []
    words = 0
    count = unread = 0
    for page in sources.pages(files):
        count += 1
        if page.text is not None:
            text, good = page.text, len(sources.WORD.findall(page.text))
        else:
            read = ocr.read_image(page.image)
            text, good = read.text, read.good_words
            page.image.close()
        if good >= ocr.MIN_WORDS and text.strip():
            texts.append(text.strip())
            words += good
        elif page.text is None:
            unread += 1
    if not texts:
        names = ", ".join(name for name, _ in files) or "le courrier"
        raise UnreadableLetter(f"Aucun texte de courrier n'a pu être lu sur {names}. Photographiez la page à plat, "
                               "en entier, bien éclairée, ou donnez le PDF reçu.")
    return "\n\n".join(texts), count, unread


def read_letter(files: Sequence[tuple[str, bytes]]) -> Reading:
    """A decision letter read: the interview's fields it proposes, with their evidence. A page
    that gave no text (a blurred verso) may hold what the others do not say: then no « no »
    read from the letter's silence is proposed."""
    text, count, unread = _pages_text(files)   # the files refused before anything else is loaded
    from assistant.reading.decision import READ_WHOLE, read_decision

    fields = read_decision(text)
    if unread:
        fields = {k: p for k, p in fields.items() if not (p.value is False and p.evidence.startswith(READ_WHOLE))}
    return Reading(fields=fields, pages=count)


def read_answer_letter(files: Sequence[tuple[str, bytes]]) -> Reading:
    """A body's answer read: the follow-up's answer kind (`answer.kind`) it proposes."""
    text, count = letter_text(files)   # the files refused before anything else is loaded
    from assistant.reading.answer import read_answer

    return Reading(fields=read_answer(text), pages=count)
