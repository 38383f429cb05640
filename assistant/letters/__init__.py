"""What we write: ready-to-send letters (DOCX, PDF) and their sending guide.

Public API (the app and the CLI code against exactly this):
`build_letters`, `Letter`, `Paragraph`, `SendingGuide`, `render_docx`, `render_docx_many`,
`render_guide_docx`, `to_pdf`, `PdfUnavailable`, `LETTER_IDS`, and the errors
`LetterError` (`UnknownLetter`, `LetterNotApplicable`). The wording is in `catalogue.yaml`,
the layout in `templates/*.docx`.
"""

from assistant.letters.build import LETTER_IDS, build_letters
from assistant.letters.models import LetterError, Letter, LetterNotApplicable, Paragraph, SendingGuide, UnknownLetter
from assistant.letters.pdf import PdfUnavailable, to_pdf
from assistant.letters.render import render_docx, render_docx_many, render_guide_docx

__all__ = [
    "LETTER_IDS", "Letter", "LetterError", "LetterNotApplicable", "Paragraph", "PdfUnavailable",
    "SendingGuide", "UnknownLetter", "build_letters", "render_docx", "render_docx_many",
    "render_guide_docx", "to_pdf",
]
