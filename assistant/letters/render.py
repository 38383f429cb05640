"""Letters to DOCX bytes with the docxtpl templates, fast enough for batches.

A template is parsed once per process: docxtpl's own `patch_xml` turns the Word XML into
a Jinja template (compiled once, autoescape on), and every zip part that does not change
between letters (styles, fonts, settings…) is compressed once into a prefix archive.
Rendering a letter is then: Jinja render, docxtpl's line-break/tab handling, append
`word/document.xml` to a copy of the prefix. Output is what `DocxTemplate.render(…,
autoescape=True)` + `save` would give for these templates (no tables, images or
templated headers: the templates are checked for that at load).

An organisation's own letter template (DOCX bytes, accepted by
`org_templates.check_template`) is filled with the same context, but it did not ship with
the project: its tags are checked against an allow-list (`check_tags`: our fields, one
level of `for`, `if`, a few filters) each time it is compiled, and it is rendered in
Jinja's immutable sandbox with a time and an output-size limit.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, Any, Iterable, Optional, Union

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, meta, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from assistant.letters.models import REGISTERED_LINE, Letter

TEMPLATES = Path(__file__).resolve().parent / "templates"
LETTER_TEMPLATE = TEMPLATES / "letter.docx"
GUIDE_TEMPLATE = TEMPLATES / "guide.docx"
DOCUMENT_PART = "word/document.xml"
# Below this many letters a process pool costs more than it saves.
POOL_THRESHOLD = 48

# Limits for a template that did not ship with the project. Ours: 25 KB, 40 KB unpacked,
# a letter's word/document.xml about 10,000 characters, rendered in a few milliseconds.
MAX_TEMPLATE_BYTES = 10_000_000          # a letterhead with a logo is far below
MAX_TEMPLATE_UNPACKED = 50_000_000       # a ZIP that unpacks to more is refused (zip bomb)
MAX_OUTPUT_CHARS = 5_000_000             # the rendered word/document.xml of one letter
RENDER_SECONDS = 5.0                     # one letter, checked between output chunks
_READ_CHUNK = 1 << 16

# The allow-list of what an organisation's template may hold besides our fields.
SAFE_FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "e", "escape"})
LOOP_ATTRIBUTES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length"})
ALLOWED_HINT = ("seuls les champs du modèle standard ({{ nom }}), une boucle {%p for … in champ %} (pas de "
                "boucle dans une boucle), les conditions {%p if champ %}, loop.index et les filtres "
                + ", ".join(sorted(SAFE_FILTERS)) + " (sans argument) sont acceptés.")


class TemplateRefused(ValueError):
    """A template that did not ship with the project cannot be used; the message is French."""


class TemplateLimitExceeded(TemplateRefused):
    """Filling a template took too long or produced too much text."""


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One member, read in chunks: a member whose stated size lies stops at that size
    (zipfile's one-shot `read` would inflate it whole first)."""
    with archive.open(info) as member:
        return b"".join(iter(partial(member.read, _READ_CHUNK), b""))


def read_zip(source: Union[Path, IO[bytes]], max_unpacked: int) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    """Every member of a ZIP, refusing it from the central directory when it unpacks to
    more than `max_unpacked`."""
    with zipfile.ZipFile(source) as archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > max_unpacked:
            raise TemplateRefused("Le fichier est anormalement gros une fois décompressé : il est refusé.")
        parts = {info.filename: read_member(archive, info) for info in infos}
    return infos, parts


def template_parts(data: bytes) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    """A DOCX template's parts, refused (TemplateRefused, in French) past the size limits or
    without a body; ZIP errors go through, for the caller to word."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(f"Le fichier est trop lourd ({len(data) // 1_000_000} Mo ; au plus "
                              f"{MAX_TEMPLATE_BYTES // 1_000_000} Mo).")
    infos, parts = read_zip(io.BytesIO(data), MAX_TEMPLATE_UNPACKED)
    if DOCUMENT_PART not in parts:
        raise TemplateRefused("Le fichier n'est pas un document Word (.docx) : il n'a pas de corps de texte "
                              "(word/document.xml).")
    return infos, parts


# --- The allow-list for templates that did not ship with the project ---------------------------

# The tag each refused statement is written with, to name it in the message.
_TAG_NAMES = {"Assign": "set", "AssignBlock": "set", "Macro": "macro", "CallBlock": "call", "FilterBlock": "filter",
              "With": "with", "Include": "include", "Import": "import", "FromImport": "import", "Extends": "extends",
              "Block": "block", "ScopedEvalContextModifier": "autoescape", "EvalContextModifier": "autoescape",
              "ExprStmt": "do", "Continue": "continue", "Break": "break"}
_COMPARISONS = {"eq": "==", "ne": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=", "in": "in", "notin": "not in"}


@dataclass
class TagCheck:
    """What a template's tags use: our fields, names we do not fill, and what is refused."""
    fields: set[str] = field(default_factory=set)       # fields of ours it uses
    unknown: list[str] = field(default_factory=list)    # plain names we do not fill ({{ logo_text }})
    refused: list[str] = field(default_factory=list)    # everything outside the allow-list, by name


def _add(target: list[str], name: str) -> None:
    if name not in target:
        target.append(name)


def check_tags(template: nodes.Template, fields: Iterable[str]) -> TagCheck:
    """Walk the parsed template and keep only what the allow-list names: output of a field or
    a loop variable, `if` on them (with not/and/or), one level of `for x in field`,
    `loop.index` and its kin, filters of SAFE_FILTERS without arguments. Everything else is
    named in `refused` (its tag, filter, test, attribute, function or operator)."""
    check = TagCheck()
    _statements(template.body, frozenset(fields), frozenset(), 0, check)
    return check


def _statements(body: list[nodes.Node], fields: frozenset[str], scope: frozenset[str], depth: int,
                check: TagCheck) -> None:
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    _expression(child, fields, scope, True, check)
        elif isinstance(node, nodes.If):
            _expression(node.test, fields, scope, True, check)
            _statements([*node.body, *node.elif_, *node.else_], fields, scope, depth, check)
        elif isinstance(node, nodes.For):
            _for(node, fields, scope, depth, check)
        elif isinstance(node, nodes.Scope):  # what the parser wraps around {% autoescape %}: only its body
            _statements(node.body, fields, scope, depth, check)
        else:
            _add(check.refused, _TAG_NAMES.get(type(node).__name__, type(node).__name__.lower()))
            _inside_refused(node, fields, scope, depth, check)


def _for(node: nodes.For, fields: frozenset[str], scope: frozenset[str], depth: int, check: TagCheck) -> None:
    if depth >= 1:
        _add(check.refused, "for (une boucle dans une boucle)")
    if node.recursive:
        _add(check.refused, "recursive")
    if not isinstance(node.target, nodes.Name):
        _add(check.refused, "for (plusieurs variables)")
        _inside_refused(node.target, fields, scope, depth, check)
        target: frozenset[str] = frozenset()
    else:
        target = frozenset({node.target.name, "loop"})
    _expression(node.iter, fields, scope, True, check)
    if node.test is not None:
        _expression(node.test, fields, scope | target, True, check)
    _statements(node.body, fields, scope | target, depth + 1, check)
    _statements(node.else_, fields, scope, depth, check)


def _expression(node: nodes.Node, fields: frozenset[str], scope: frozenset[str], allowed: bool,
                check: TagCheck) -> None:
    """`allowed`: the node stands where a field may (printed, tested, looped over); False
    inside something already refused, where only the names are collected."""
    if isinstance(node, nodes.Name):
        if node.name in fields and node.name not in scope:
            check.fields.add(node.name)
        elif node.name in scope or node.ctx != "load":
            pass
        elif allowed:
            _add(check.unknown, node.name)
        else:
            _add(check.refused, node.name)
    elif isinstance(node, nodes.Getattr):
        if _plain(node, fields, scope):
            return
        _expression(node.node, fields, scope, False, check)
        _add(check.refused, node.attr)
    elif isinstance(node, nodes.Filter) and node.node is not None and node.name in SAFE_FILTERS \
            and not (node.args or node.kwargs or node.dyn_args or node.dyn_kwargs):
        _expression(node.node, fields, scope, allowed, check)
    elif isinstance(node, nodes.Not):
        _expression(node.node, fields, scope, allowed, check)
    elif isinstance(node, (nodes.And, nodes.Or)):
        _expression(node.left, fields, scope, allowed, check)
        _expression(node.right, fields, scope, allowed, check)
    elif isinstance(node, nodes.Const):
        if allowed:
            _add(check.refused, repr(node.value))
    else:
        children = list(node.iter_child_nodes())
        if isinstance(node, (nodes.Call, nodes.Filter, nodes.Test)) and node.node is not None:
            _expression(node.node, fields, scope, False, check)
            children = children[1:]
        if not isinstance(node, nodes.Call) or _plain(node.node, fields, scope):
            _add(check.refused, _label(node))  # a refused callee is named already
        for child in children:
            if isinstance(child, nodes.Expr) or isinstance(child, (nodes.Keyword, nodes.Pair)):
                _expression(child, fields, scope, False, check)


def _plain(node: nodes.Node, fields: frozenset[str], scope: frozenset[str]) -> bool:
    """A field, a loop variable or `loop.index` and its kin: what may be printed as it is."""
    if isinstance(node, nodes.Name):
        return node.name in fields or node.name in scope
    return (isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "loop"
            and "loop" in scope and node.attr in LOOP_ATTRIBUTES)


def _inside_refused(node: nodes.Node, fields: frozenset[str], scope: frozenset[str], depth: int,
                    check: TagCheck) -> None:
    """The names used inside a refused tag, so that the message names them too."""
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Stmt):
            _statements([child], fields, scope, depth, check)
        elif isinstance(child, nodes.Expr):
            _expression(child, fields, scope, False, check)
        else:
            _inside_refused(child, fields, scope, depth, check)


def _label(node: nodes.Node) -> str:
    """How a refused expression is named: the filter, test or function, or the operator."""
    if isinstance(node, (nodes.Filter, nodes.Test)):
        return node.name if node.name not in SAFE_FILTERS else f"{node.name}(…)"
    if isinstance(node, nodes.Call):
        callee = node.node
        name = callee.name if isinstance(callee, nodes.Name) else callee.attr if isinstance(callee, nodes.Getattr) else ""
        return f"{name}(…)"
    if isinstance(node, (nodes.BinExpr, nodes.UnaryExpr)):
        return node.operator
    if isinstance(node, nodes.Compare):
        return _COMPARISONS.get(node.ops[0].op, node.ops[0].op) if node.ops else "=="
    return {"Getitem": "[…]", "Slice": ":", "Concat": "~", "CondExpr": "if … else", "List": "[ ]", "Tuple": "( , )",
            "Dict": "{ }", "Keyword": "=", "Pair": ":"}.get(type(node).__name__, type(node).__name__)


def refusal_message(names: list[str]) -> str:
    """« Le modèle emploie « range », qui n'est pas permis : seuls … » (at most five names)."""
    quoted = [f"« {name} »" for name in names[:5]]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " et " + quoted[-1]
    more = len(names) - len(quoted)
    if more:
        listed += f" (et {more} autre{'s' if more > 1 else ''})"
    verb = "qui n'est pas permis" if len(names) == 1 else "qui ne sont pas permis"
    return f"Le modèle emploie {listed}, {verb} : {ALLOWED_HINT}"


# --- Compiling and rendering ---------------------------------------------------------------------


class CompiledTemplate:
    """One .docx template, parsed and compiled once. With `fields`, the template did not ship
    with the project: only those fields and the allow-list are accepted (TemplateRefused
    otherwise), and it renders in the sandbox within RENDER_SECONDS and MAX_OUTPUT_CHARS."""

    def __init__(self, path: Union[Path, IO[bytes]], fields: Optional[Iterable[str]] = None):
        self.untrusted = fields is not None
        infos, parts = template_parts(path.read_bytes() if isinstance(path, Path) else path.read())
        for name, data in parts.items():
            if name != DOCUMENT_PART and name.endswith(".xml") and re.search(rb"\{[{%]", data):
                raise TemplateRefused(f"Le modèle contient des balises hors du corps du document ({name}) : "
                                      "seules celles du corps sont remplies.")
        source = DocxTemplate(io.BytesIO()).patch_xml(parts[DOCUMENT_PART].decode("utf-8"))
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        env: Environment = (ImmutableSandboxedEnvironment if self.untrusted else Environment)(
            autoescape=True, undefined=StrictUndefined)
        try:
            tree = env.parse(source)
        except TemplateSyntaxError:
            if not self.untrusted:
                raise
            raise TemplateRefused("Le modèle ne peut pas être lu : une balise {{ … }} ou {% … %} est mal écrite.") from None
        self.fields = frozenset(meta.find_undeclared_variables(tree))
        if fields is not None:
            check = check_tags(tree, fields)
            if check.refused:
                raise TemplateRefused(refusal_message(check.refused))
            if check.unknown:
                raise TemplateRefused("Le modèle utilise " + ", ".join(f"{{{{ {name} }}}}" for name in check.unknown)
                                      + ", que l'outil ne remplit pas.")
        self.template = env.from_string(tree)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info in infos:
                if info.filename != DOCUMENT_PART:
                    out.writestr(info.filename, parts[info.filename])
        self.prefix = buffer.getvalue()

    def render(self, context: dict[str, Any]) -> bytes:
        xml = self._bounded(context) if self.untrusted else self.template.render(context)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        head, _, body = xml.partition("?>")
        # docxtpl's handling of \n (line break) and \t (tab) inside text, on the body only.
        xml = head + "?>" + DocxTemplate.resolve_listing(None, body) if body else DocxTemplate.resolve_listing(None, xml)
        buffer = io.BytesIO(self.prefix)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as out:
            out.writestr(DOCUMENT_PART, xml.encode("utf-8"))
        return buffer.getvalue()

    def _bounded(self, context: dict[str, Any]) -> str:
        """The template's output, streamed: stopped past RENDER_SECONDS or MAX_OUTPUT_CHARS."""
        deadline = time.monotonic() + RENDER_SECONDS
        pieces: list[str] = []
        size = 0
        for piece in self.template.generate(context):
            size += len(piece)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateLimitExceeded(f"Le modèle produit un courrier trop long (plus de "
                                            f"{MAX_OUTPUT_CHARS // 1_000_000} millions de caractères) : il est refusé.")
            if time.monotonic() > deadline:
                raise TemplateLimitExceeded(f"Le modèle met trop de temps à remplir un courrier (plus de "
                                            f"{RENDER_SECONDS:g} secondes) : il est refusé.")
            pieces.append(piece)
        return "".join(pieces)


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
    """An organisation's own template (bytes as stored), checked against the allow-list and
    compiled for the sandbox once per process: a template stored without the check is
    refused here all the same (TemplateRefused)."""
    return CompiledTemplate(io.BytesIO(docx), fields=compiled(LETTER_TEMPLATE).fields)


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
