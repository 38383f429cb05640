"""An organisation's template runs no code (issue 16, High 1): its tags are checked against an
allow-list (assistant/letters/render.py `check_tags`) at the check, the trial letter and every
later letter, and it renders in Jinja's sandbox within a time and an output-size limit."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from docx import Document
from jinja2.exceptions import SecurityError, UndefinedError

from assistant.letters import render
from assistant.letters.org_templates import check_template, sample_letter
from assistant.letters.render import (
    LETTER_TEMPLATE, CompiledTemplate, TagCheck, TemplateLimitExceeded, TemplateRefused, compiled, letter_context,
    render_docx,
)
from tests.test_org_templates import _edited

TODAY = dt.date(2026, 12, 1)

# (what an admin types in a paragraph of the template, the name the refusal must give)
PAYLOADS = [
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "cycler"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "__globals__"),
    ("{{ lipsum.__globals__ }}", "lipsum"),
    ("{{ ''.__class__.__mro__ }}", "__class__"),
    ("{{ subject.__class__.__mro__[1].__subclasses__() }}", "__subclasses__"),
    ("{% set ns = namespace() %}", "set"),
    ("{{ namespace() }}", "namespace"),
    ("{% for i in range(10**9) %}x{% endfor %}", "range"),
    ("{% for a in paragraphs %}{% for b in paragraphs %}{% for c in paragraphs %}{{ c }}"
     "{% endfor %}{% endfor %}{% endfor %}", "for (une boucle dans une boucle)"),
    ("{{ paragraphs.__len__ }}", "__len__"),
    ("{{ paragraphs.__len__() }}", "__len__"),
    ("{{ sender|attr('x') }}", "attr"),
    ("{{ sender|format(1) }}", "format"),
    ("{{ sender|trim('x') }}", "trim(…)"),
    ("{{ sender is defined }}", "defined"),
    ("{{ sender.upper() }}", "upper"),
    ("{{ paragraphs[0] }}", "[…]"),
    ("{{ sender ~ recipient }}", "~"),
    ("{% include 'x' %}", "include"),
    ("{% import 'x' as y %}", "import"),
    ("{% extends 'x' %}", "extends"),
    ("{% macro m() %}x{% endmacro %}", "macro"),
    ("{% with a = sender %}{{ a }}{% endwith %}", "with"),
    ("{% filter upper %}x{% endfilter %}", "filter"),
    ("{% autoescape false %}{{ sender }}{% endautoescape %}", "autoescape"),
    ("{% for p in paragraphs recursive %}{{ p }}{% endfor %}", "recursive"),
    ("{% for p in paragraphs %}{{ loop.cycle('a', 'b') }}{% endfor %}", "cycle"),
]


def with_tag(text: str) -> bytes:
    """The standard template with one more paragraph holding `text`."""
    return _edited(lambda doc: doc.add_paragraph(text))


@pytest.fixture
def no_shell(monkeypatch):
    """Fails the test if anything reaches os.popen or os.system."""
    calls: list[str] = []
    monkeypatch.setattr(os, "popen", lambda *a, **k: calls.append("popen"))
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append("system"))
    yield calls
    assert calls == []


@pytest.mark.parametrize("payload, named", PAYLOADS)
def test_the_check_refuses_each_payload_by_name(payload, named, no_shell):
    result = check_template(with_tag(payload))
    assert not result.ok
    refusal = next(e for e in result.errors if "pas permis" in e)
    assert f"« {named} »" in refusal and refusal.startswith("Le modèle emploie ")
    assert "seuls les champs du modèle standard" in refusal


@pytest.mark.parametrize("payload, named", PAYLOADS)
def test_a_stored_template_that_skipped_the_check_is_refused_at_render(payload, named, no_shell):
    with pytest.raises(TemplateRefused) as refused:
        render_docx(sample_letter(TODAY), template=with_tag(payload))
    assert f"« {named} »" in str(refused.value)


def test_what_the_allow_list_accepts_still_renders():
    text = ("{{ subject|upper }} {{ signature|e }} {% if registered and not references %}R{% endif %}"
            "{% for p in paragraphs %}{{ loop.index }}. {{ p|trim }}{% if loop.last %}.{% endif %}{% endfor %}")
    data = with_tag(text)
    result = check_template(data)
    assert result.ok, result.errors
    letter = sample_letter(TODAY)
    last = Document(io.BytesIO(render_docx(letter, template=data))).paragraphs[-1].text
    assert last.startswith(letter.subject.upper()) and f"1. {letter.paragraphs[0].text}" in last


def test_an_unknown_name_is_refused_at_render_too():
    with pytest.raises(TemplateRefused, match="logo_text"):
        render_docx(sample_letter(TODAY), template=with_tag("{{ logo_text }}"))
    with pytest.raises(TemplateRefused, match="balises hors du corps"):
        render_docx(sample_letter(TODAY),
                    template=_edited(lambda doc: setattr(doc.sections[0].header.paragraphs[0], "text", "{{ sender }}")))


@pytest.mark.parametrize("payload", ["{{ cycler.__init__.__globals__.os.popen('id').read() }}",
                                     "{{ ''.__class__.__mro__ }}", "{{ lipsum.__globals__ }}"])
def test_the_sandbox_stops_them_even_past_the_allow_list(payload, monkeypatch, no_shell):
    """Defence in depth: with the allow-list switched off, the sandbox still refuses."""
    monkeypatch.setattr(render, "check_tags", lambda tree, fields: TagCheck())
    template = CompiledTemplate(io.BytesIO(with_tag(payload)), fields=compiled(LETTER_TEMPLATE).fields)
    with pytest.raises((SecurityError, UndefinedError)):
        template.render(letter_context(sample_letter(TODAY)))


def test_output_size_is_limited(monkeypatch):
    monkeypatch.setattr(render, "MAX_OUTPUT_CHARS", 200_000)
    template = CompiledTemplate(io.BytesIO(LETTER_TEMPLATE.read_bytes()), fields=compiled(LETTER_TEMPLATE).fields)
    context = letter_context(sample_letter(TODAY))
    template.render(context)  # a real letter is far below
    context["paragraphs"] = ["x" * 1_000] * 300
    with pytest.raises(TemplateLimitExceeded, match="trop long"):
        template.render(context)


def test_time_is_limited_for_the_trial_and_later_letters(monkeypatch):
    monkeypatch.setattr(render, "RENDER_SECONDS", -1.0)
    data = with_tag("{{ subject }}")
    result = check_template(data)
    assert not result.ok and any("trop de temps" in e for e in result.errors)
    with pytest.raises(TemplateLimitExceeded):
        render_docx(sample_letter(TODAY), template=data)
    # The project's own template keeps the fast path, without the sandbox.
    render_docx(sample_letter(TODAY))
