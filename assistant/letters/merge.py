"""Mail merge for the post: one PDF with a cover list, then every letter in sending order.

The cover list says, for each letter in the order of the PDF, the case (its row number,
never a name in a file name), the recipient, the sending mode and its pages; then, case by
case, the numbered enclosures each letter announces (the same list as in the letter).
Typeset with Typst (the same engine as the letters); pages joined with pypdf.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterable

from assistant.letters.models import Letter
from assistant.letters.render import TEMPLATES

COVER_TYPST = TEMPLATES / "cover.typ"


@dataclass(frozen=True)
class Mailed:
    """What the cover list needs of one letter (small: kept for every case of a batch)."""

    title: str
    recipient: str
    registered: bool
    enclosures: tuple[str, ...]

    @classmethod
    def of(cls, letter: Letter) -> "Mailed":
        return cls(letter.title, letter.recipient[0], letter.registered, tuple(letter.enclosures))


def _cover(entries: list[tuple[str, "Mailed", int]], cases: dict[str, list["Mailed"]]) -> bytes:
    from assistant.letters.typeset import FONTS, _engine

    data = {
        "heading": "Envoi groupé — liste des courriers", "fonts": FONTS,
        "intro": ("Les courriers suivent cette liste, dans cet ordre. Signez chacun à la main ; "
                  "joignez à chacun les pièces listées plus bas, dans l'ordre de leurs numéros."),
        "header": ["N°", "Dossier", "Courrier", "Destinataire", "Envoi", "Pages"],
        "rows": [{"number": str(i), "case": case, "letter": letter.title, "recipient": letter.recipient,
                  "mode": "recommandé AR" if letter.registered else "simple", "pages": str(pages)}
                 for i, (case, letter, pages) in enumerate(entries, start=1)],
        "cases": [{"title": f"Dossier {case} — pièces à joindre",
                   "letters": [{"title": l.title, "enclosures": list(l.enclosures)} for l in letters]}
                  for case, letters in cases.items()],
        "none_text": "aucune pièce",
    }
    return _engine(COVER_TYPST).pdf(data)


def mailing_pdf(cases: Iterable[tuple[str, list, list[bytes]]]) -> bytes:
    """(case label, its letters — Letter or Mailed —, their PDFs) in sending order → one
    PDF, cover list first."""
    from pypdf import PdfReader, PdfWriter

    entries: list[tuple[str, Mailed, int]] = []
    by_case: dict[str, list[Mailed]] = {}
    readers = []
    for case, letters, pdfs in cases:
        letters = [l if isinstance(l, Mailed) else Mailed.of(l) for l in letters]
        by_case[case] = letters
        for letter, data in zip(letters, pdfs):
            reader = PdfReader(io.BytesIO(data))
            readers.append(reader)
            entries.append((case, letter, len(reader.pages)))
    writer = PdfWriter()
    for source in (PdfReader(io.BytesIO(_cover(entries, by_case))), *readers):
        for page in source.pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


__all__ = ["mailing_pdf"]
