"""Warm-up: import the letters and compile their templates (DOCX and Typst) once per
server process, so that the first « Vos courriers » does not wait ~1.5 s for it. Static
work only: nothing personal is involved."""

from __future__ import annotations

import threading


def warm_up() -> None:
    try:
        from . import build, guides, render, typeset

        build.load_catalogue()
        build._templates()
        guides.wording("en")
        for template in (render.LETTER_TEMPLATE, render.GUIDE_TEMPLATE):
            render.compiled(template)
        for template in (typeset.LETTER_TYPST, typeset.GUIDE_TYPST):
            typeset._engine(template)
    except Exception:  # the letters page reports any real problem itself
        pass


def warm_in_background() -> bool:
    threading.Thread(target=warm_up, name="warm-letters", daemon=True).start()
    return True
