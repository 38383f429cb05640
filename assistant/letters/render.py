"""Letters to DOCX bytes with the docxtpl templates, fast enough for batches.

A template is parsed once per process: docxtpl's own `patch_xml` turns the Word XML into
a Jinja template (compiled once, autoescape on), and every zip part that does not change
between letters (styles, fonts, settings…) is compressed once into a prefix archive.
Rendering a letter is then: Jinja render, docxtpl's line-break/tab handling, append
`word/document.xml` to a copy of the prefix. Output is what `DocxTemplate.render(…,
autoescape=True)` + `save` would give for these templates (no tables, images or
templated headers: the templates are checked for that at load).

An organisation's own letter template (DOCX bytes, accepted by
`org_templates.check_template`) is rendered the same way: same context, autoescape on.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import zipfile
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Iterable

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from .models import REGISTERED_LINE, Letter

TEMPLATES = Path(__file__).resolve().parent / "templates"
LETTER_TEMPLATE = TEMPLATES / "letter.docx"
GUIDE_TEMPLATE = TEMPLATES / "guide.docx"
DOCUMENT_PART = "word/document.xml"
# Below this many letters a process pool costs more than it saves.
POOL_THRESHOLD = 48


class CompiledTemplate:
    """One .docx template, parsed and compiled once."""

    def __init__(self, path: Path):
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            parts = {info.filename: archive.read(info.filename) for info in infos}
        for name, data in parts.items():
            if name != DOCUMENT_PART and name.endswith(".xml") and re.search(rb"\{[{%]", data):
                raise ValueError(f"{path.name}: only the body may hold template tags (found in {name})")
        source = DocxTemplate(path).patch_xml(parts[DOCUMENT_PART].decode("utf-8"))
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        env = Environment(autoescape=True, undefined=StrictUndefined)
        self.template = env.from_string(source)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info in infos:
                if info.filename != DOCUMENT_PART:
                    out.writestr(info.filename, parts[info.filename])
        self.prefix = buffer.getvalue()

    def render(self, context: dict[str, Any]) -> bytes:
        xml = self.template.render(context)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        head, _, body = xml.partition("?>")
        # docxtpl's handling of \n (line break) and \t (tab) inside text, on the body only.
        xml = head + "?>" + DocxTemplate.resolve_listing(None, body) if body else DocxTemplate.resolve_listing(None, xml)
        buffer = io.BytesIO(self.prefix)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as out:
            out.writestr(DOCUMENT_PART, xml.encode("utf-8"))
        return buffer.getvalue()


@lru_cache(maxsize=4)
def compiled(path: Path) -> CompiledTemplate:
    return CompiledTemplate(path)


def letter_context(letter: Letter) -> dict[str, Any]:
    """What the letter template sees: blocks as text with line breaks, lists as lists."""
    return {
        "sender": "\n".join(letter.sender),
        "recipient": "\n".join(letter.recipient),
        "place_date": letter.place_date,
        "registered": letter.registered,
        "registered_line": REGISTERED_LINE,
        "references": "\n".join(letter.references),
        "subject": letter.subject,
        "salutation": letter.salutation,
        "paragraphs": [p.text for p in letter.paragraphs],
        "closing": letter.closing,
        "signature": letter.signature,
        "enclosures": list(letter.enclosures),
    }


@lru_cache(maxsize=8)
def compiled_docx(docx: bytes) -> CompiledTemplate:
    """An organisation's own template, parsed once per process (bytes as stored)."""
    return CompiledTemplate(io.BytesIO(docx))  # type: ignore[arg-type]


def letter_template(template: bytes | None = None) -> CompiledTemplate:
    """The standard letter template, or the organisation's own one when given."""
    return compiled(LETTER_TEMPLATE) if template is None else compiled_docx(template)


def render_docx(letter: Letter, template: bytes | None = None) -> bytes:
    """One letter as DOCX, with the standard template or `template` (an organisation's)."""
    return letter_template(template).render(letter_context(letter))


def _render_contexts(contexts: list[dict[str, Any]], template: bytes | None = None) -> list[bytes]:
    compiled_template = letter_template(template)
    return [compiled_template.render(c) for c in contexts]


def render_docx_many(letters: Iterable[Letter], workers: int | None = None,
                     template: bytes | None = None) -> list[bytes]:
    """Many letters, in order; big batches are shared between the CPU cores."""
    contexts = [letter_context(letter) for letter in letters]
    cpus = os.cpu_count() or 1
    workers = workers if workers is not None else (min(2, cpus) if len(contexts) >= POOL_THRESHOLD else 1)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _render_contexts(contexts, template)
    letter_template(template)  # parsed once here, inherited by the forked workers
    size = -(-len(contexts) // (workers * 4))
    chunks = [contexts[i:i + size] for i in range(0, len(contexts), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return [doc for chunk in pool.map(partial(_render_contexts, template=template), chunks) for doc in chunk]


GUIDE_HEADING = "Ce qu'il faut faire maintenant"
GUIDE_NOTE = ("Ces courriers ont été préparés à partir de ce que vous avez indiqué. Relisez-les avant de les "
              "envoyer et gardez une copie de tout ce que vous envoyez. En cas de doute, faites-vous aider : "
              "France Services, une association, un délégué du Défenseur des droits.")


def guide_context(letters: list[Letter]) -> dict[str, Any]:
    first = letters[0] if letters else None
    intro = f"Pour {first.signature} — {first.place_date}." if first else ""
    guides = [
        {"title": f"{letter.title}{' (recommandé avec accusé de réception)' if letter.registered else ''}",
         "explanation": letter.explanation, "body": letter.guide.plain_text()}
        for letter in letters
    ]
    return {"heading": GUIDE_HEADING, "intro": intro, "guides": guides, "note": GUIDE_NOTE}


def guide_plain_text(letters: list[Letter]) -> str:
    ctx = guide_context(letters)
    blocks = [ctx["heading"], ctx["intro"]]
    for index, g in enumerate(ctx["guides"], 1):
        blocks.append(f"{index}. {g['title']}\n{g['explanation']}\n{g['body']}")
    return "\n\n".join(blocks + [ctx["note"]])


def render_guide_docx(letters: list[Letter]) -> bytes:
    """The one-page « what to do next » sheet for a set of letters."""
    return compiled(GUIDE_TEMPLATE).render(guide_context(list(letters)))
