"""Warm-up, once per server process in the background: the engine's data (legal
references, sentences, holidays) and the letters' templates (DOCX and Typst), so that the
first dates screen and the first « Vos courriers » do not wait for them. Static work only:
nothing personal is involved."""

from __future__ import annotations

import threading


def warm_up() -> None:
    try:
        import datetime as dt

        from assistant.law import bodies, deadlines, legal_refs, texts
        from assistant.letters import build, guides, render, typeset

        # The engine's data first: the dates screen shows the safe date (holidays, periods).
        legal_refs.load_refs()
        texts.sentences()
        bodies.registry()
        today = dt.date.today()
        for year in (today.year, today.year + 1, today.year + 2):
            deadlines.is_working_day(dt.date(year, 1, 2))

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
