"""Letters to PDF with Typst (the `typst` wheel carries the compiler): no LibreOffice, no
process start, a letter in milliseconds, entirely in memory.

The layouts `templates/letter.typ` and `templates/guide.typ` mirror the DOCX templates
block by block and receive exactly the text the DOCX receives (`render.letter_context`,
`render.guide_context`), as one JSON string: user text is data, never Typst markup, so it
needs no escaping. Fonts come from the Debian package fonts-dejavu-core (offline, passed
to the compiler; system fonts are ignored, so the output does not depend on the machine).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from assistant.letters.models import Letter
from assistant.letters.render import TEMPLATES, guide_context, letter_context

LETTER_TYPST = TEMPLATES / "letter.typ"
GUIDE_TYPST = TEMPLATES / "guide.typ"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FONTS = ["DejaVu Sans"]
FONT_HINT = ("Police DejaVu introuvable (/usr/share/fonts/truetype/dejavu) : installez le paquet Debian "
             "« fonts-dejavu-core » pour produire les PDF.")
# Below this many letters a process pool costs more than it saves.
POOL_THRESHOLD = 48


class TypstUnavailable(RuntimeError):
    """The Typst engine cannot run here (package or fonts missing); the DOCX stays usable."""


class _Engine:
    """One compiled-once Typst world per template; compiles are serialised per template."""

    def __init__(self, template: Path):
        try:
            import typst
        except ImportError as error:  # pragma: no cover - requirements.txt pins it
            raise TypstUnavailable("Le moteur PDF « typst » n'est pas installé (pip install -r requirements.txt).") from error
        fonts = [str(d) for d in FONT_DIRS if d.is_dir()]
        if not fonts:
            raise TypstUnavailable(FONT_HINT)
        self._compiler = typst.Compiler(input=str(template), root=str(TEMPLATES), font_paths=fonts,
                                        ignore_system_fonts=True)
        self._lock = threading.Lock()

    def pdf(self, data: dict[str, Any]) -> bytes:
        payload = json.dumps({**_untabbed(data), "fonts": FONTS}, ensure_ascii=False)
        with self._lock:
            return self._compiler.compile(sys_inputs={"data": payload}, format="pdf")


def _untabbed(value: Any) -> Any:
    """A tab typed by a person is a gap in the DOCX (w:tab); Typst would drop it: a space."""
    if isinstance(value, str):
        return value.replace("\t", " ")
    if isinstance(value, list):
        return [_untabbed(v) for v in value]
    if isinstance(value, dict):
        return {k: _untabbed(v) for k, v in value.items()}
    return value


@lru_cache(maxsize=4)
def _engine(template: Path) -> _Engine:
    return _Engine(template)


def letter_pdf(letter: Letter) -> bytes:
    """One letter as PDF bytes, with the text of its DOCX."""
    return _engine(LETTER_TYPST).pdf(letter_context(letter))


def guide_pdf(letters: list[Letter], context: dict[str, Any] | None = None) -> bytes:
    """The « what to do next » sheet as PDF (French unless `context` gives another)."""
    ctx = dict(context or guide_context(list(letters)))
    ctx.setdefault("lang", "fr")
    return _engine(GUIDE_TYPST).pdf(ctx)


def _contexts_pdf(contexts: list[dict[str, Any]]) -> list[bytes]:
    engine = _engine(LETTER_TYPST)
    return [engine.pdf(c) for c in contexts]


def letters_pdf(letters: Iterable[Letter], workers: int | None = None) -> list[bytes]:
    """Many letters, in order; big batches are shared between the CPU cores."""
    contexts = [letter_context(letter) for letter in letters]
    cpus = os.cpu_count() or 1
    workers = workers if workers is not None else (min(2, cpus) if len(contexts) >= POOL_THRESHOLD else 1)
    if workers <= 1:
        return _contexts_pdf(contexts)
    size = -(-len(contexts) // (workers * 4))
    chunks = [contexts[i:i + size] for i in range(0, len(contexts), size)]
    # Spawned, not forked: a fork would inherit the compiler's threads and locks mid-state
    # (a fork after a first compile deadlocks). Each worker loads its own compiler once.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [doc for chunk in pool.map(_contexts_pdf, chunks) for doc in chunk]
