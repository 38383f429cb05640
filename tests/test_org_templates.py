"""An organisation's own template (assistant/letters/org_templates.py): accepted when it
keeps every field of the standard one, rejected in French otherwise, never a traceback."""

from __future__ import annotations

import io

import pytest
from docx import Document

from assistant.letters.org_templates import check_template, diff_against_standard, standard_fields
from assistant.letters.render import LETTER_TEMPLATE, CompiledTemplate, letter_context


def _edited(change) -> bytes:
    """The standard template, changed by `change(doc)` with python-docx, as bytes."""
    doc = Document(LETTER_TEMPLATE)
    change(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _drop_paragraphs_loop(doc) -> None:
    paragraphs = doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if "in paragraphs" in p.text)
    for paragraph in paragraphs[start:start + 3]:  # {%p for %}, {{ text }}, {%p endfor %}
        paragraph._p.getparent().remove(paragraph._p)


def test_required_fields_come_from_the_standard_template():
    from assistant.letters.models import Letter

    fields = set(standard_fields())
    sample = Letter.model_construct(sender=[], recipient=[], place_date="", registered=False, references=[],
                                    subject="", salutation="", paragraphs=[], closing="", signature="",
                                    enclosures=[])
    assert fields == set(letter_context(sample))  # what the renderer gives is what is required
    assert {"sender", "recipient", "subject", "paragraphs", "closing", "signature", "enclosures"} <= fields
    assert "text" not in fields and "loop" not in fields  # loop variables are not fields


def test_a_copy_of_the_standard_is_accepted_and_renders():
    def letterhead(doc):
        doc.sections[0].header.paragraphs[0].text = "Association Droits & Co — 3 rue <Haute>, Nantes"

    for data in (LETTER_TEMPLATE.read_bytes(), _edited(letterhead)):
        result = check_template(data)
        assert result.ok, result.errors
        assert result.message == "Le modèle est accepté." and not result.missing and not result.unknown
    # The accepted template is filled by the same renderer as the standard one.
    from assistant.law.analysis import analyse
    from assistant.letters import build_letters
    from assistant.law.model import parse_case
    from tests.conftest import VALID_SCENARIOS

    case = parse_case(VALID_SCENARIOS[0][1]["case"])
    letter = build_letters(case, analyse(case))[0]
    filled = CompiledTemplate(io.BytesIO(_edited(letterhead))).render(letter_context(letter))
    doc = Document(io.BytesIO(filled))
    assert letter.paragraphs[0].text in "\n".join(p.text for p in doc.paragraphs)
    assert "Association Droits & Co" in doc.sections[0].header.paragraphs[0].text


def test_a_template_missing_the_body_is_rejected_naming_the_field():
    result = check_template(_edited(_drop_paragraphs_loop))
    assert not result.ok and result.missing == ["paragraphs"]
    assert "Le modèle ne contient pas le champ {{ paragraphs }} (le corps du courrier)." in result.errors


def test_every_missing_field_is_named():
    def strip_all(doc):
        body = doc.element.body
        for paragraph in list(doc.paragraphs):
            body.remove(paragraph._p)
        doc.add_paragraph("Bonjour")

    result = check_template(_edited(strip_all))
    assert not result.ok and result.missing == list(standard_fields())
    assert len(result.errors) == len(standard_fields())
    assert any("{{ signature }}" in e for e in result.errors)


@pytest.mark.parametrize("broken,named", [("{{ subject }", "« {{ subject } »"), ("{{ subject", "« {{ subject »"),
                                          ("{{ subject }} et {{ 1 + }}", "« {{ 1 + }} »")])
def test_a_syntax_error_gives_a_french_message(broken, named):
    def spoil(doc):
        for paragraph in doc.paragraphs:
            for run in paragraph.runs:
                if run.text == "{{ subject }}":
                    run.text = broken

    result = check_template(_edited(spoil))
    assert not result.ok and len(result.errors) == 1
    message = result.errors[0]
    assert message.startswith("Le modèle contient une balise mal écrite") and named in message
    assert "Traceback" not in message and "Error" not in message


def test_an_unclosed_block_gives_a_french_message():
    def spoil(doc):
        endfor = next(p for p in doc.paragraphs if p.text.strip() == "{%p endfor %}")
        endfor._p.getparent().remove(endfor._p)

    result = check_template(_edited(spoil))
    assert not result.ok and "n'est pas fermé" in result.message


def test_unknown_fields_and_tags_in_the_header_are_refused():
    def spoil(doc):
        doc.add_paragraph("{{ logo_text }}")
        doc.sections[0].header.paragraphs[0].text = "{{ sender }}"

    result = check_template(_edited(spoil))
    assert not result.ok and result.unknown == ["logo_text"]
    assert any("l'en-tête" in e for e in result.errors)
    assert any("{{ logo_text }}" in e and "ne remplit pas" in e for e in result.errors)


@pytest.mark.parametrize("data", [b"", b"not a docx", b"PK\x03\x04garbage"])
def test_a_file_that_is_not_a_docx_is_refused_in_french(data):
    result = check_template(data)
    assert not result.ok and "document Word" in result.message
    assert diff_against_standard(data) == result.errors


def test_diff_against_standard_in_plain_french():
    assert diff_against_standard(LETTER_TEMPLATE.read_bytes()) == []

    def change(doc):
        _drop_paragraphs_loop(doc)
        doc.sections[0].header.paragraphs[0].text = "Association Droits & Co"
        doc.add_paragraph("{{ logo_text }}")
        next(p for p in doc.paragraphs if p.text == "Pièces jointes :").runs[0].text = "Annexes :"

    lines = diff_against_standard(_edited(change))
    assert "Champ retiré : {{ paragraphs }} (le corps du courrier)." in lines
    assert "Champ ajouté : {{ logo_text }} (l'outil ne le remplit pas)." in lines
    assert "Texte ajouté dans l'en-tête : « Association Droits & Co »." in lines
    assert "Texte modifié dans le corps du courrier : « Pièces jointes : » devient « Annexes : »." in lines
