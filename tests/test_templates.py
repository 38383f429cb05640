"""The DOCX templates carry only what the letters use (issue 10: light files)."""

import io
import zipfile

from docx import Document

from assistant.law.analysis import analyse
from assistant.letters import build_letters, render_docx
from assistant.letters.render import TEMPLATES
from assistant.law.model import parse_case
from tests.conftest import VALID_SCENARIOS


def test_templates_are_slim_and_letters_stay_whole():
    for name in ("letter.docx", "guide.docx"):
        with zipfile.ZipFile(TEMPLATES / name) as template:
            names = template.namelist()
            unpacked = sum(i.file_size for i in template.infolist())
        assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names, name
        assert unpacked < 80_000, (name, unpacked)
    case = parse_case(VALID_SCENARIOS[0][1]["case"])
    letter = build_letters(case, analyse(case))[0]
    data = render_docx(letter)
    assert len(data) < 20_000
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert letter.paragraphs[0].text in text
