"""The deadline banner: « Contestez au plus tard le 7 décembre 2026 (dans 14 jours). », then the
nuance under it (the time limit does not run, the one-year limit before the court).

Use it from any page, with what you have:

    from assistant.pages.banner import deadline_banner
    deadline_banner(outcome())          # an Outcome (pages.common), or
    deadline_banner(analysis)           # an Analysis (analysis.analyse), or None

It shows only what the analysis gives (`appeal.deadline`, `days_left`,
`deadline_opposable`, the `reasonable_time` and `court_limit` dates): no law here. A date
already past is never offered as a target: it is said to be past. Nothing is shown when
the analysis has no appeal date (no written decision, dates unknown, appeal already
filed). Returns True when something was shown.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any, Optional

import streamlit as st

from assistant.law import interview as iv
from assistant.law.analysis import Analysis, analyse
from assistant.core.formatting import last_day, long_date
from assistant.core.i18n import _, babel_locale, current_language
from assistant.law.model import InvalidCase, parse_case

# Dates that bound the route itself and belong under the safe date.
NUANCE_DATES = ("reasonable_time", "court_limit")
CLOSE_DAYS = 21  # three weeks or less: the banner turns red

_STYLE = (
    "border-left:0.4rem solid {edge};background:{bg};color:#1f1f1f;padding:0.75rem 1rem;"
    "border-radius:0.5rem;margin:0.25rem 0 0.5rem 0;"
)


def _parts(source: Any) -> tuple[Optional[Analysis], Optional[dt.date]]:
    """(analysis in the session's language, the case's today) from an Outcome or an Analysis."""
    if source is None:
        return None, None
    if isinstance(source, Analysis):
        return source, None
    shown = getattr(source, "shown", None)
    case = getattr(source, "case", None)
    analysis = shown() if callable(shown) else getattr(source, "analysis", None)
    return analysis, (case.reference_date if case is not None else None)


def _today(analysis: Analysis, today: Optional[dt.date]) -> dt.date:
    if today is not None:
        return today
    appeal = analysis.appeal
    if appeal.deadline is not None and appeal.days_left is not None:
        return appeal.deadline - dt.timedelta(days=appeal.days_left)
    return dt.date.today()


def _date(day: dt.date) -> str:
    return long_date(day, babel_locale())


def banner_lines(source: Any) -> Optional[tuple[str, list[str], bool]]:
    """(the headline, the nuance lines, urgent) the banner shows; None when there is no date.

    Plain text (no markup), so that tests and other pages can read it."""
    analysis, today = _parts(source)
    if analysis is None:
        return None
    appeal = analysis.appeal
    ids = {d.id for d in analysis.deadlines}
    if appeal.deadline is None or appeal.days_left is None or "appeal" not in ids:
        return None  # no written decision, dates unknown, or the appeal is already filed
    today = _today(analysis, today)
    days = appeal.days_left
    lines: list[str] = []
    if days >= 0:
        headline = _("Contestez {last_day}.").format(last_day=last_day(appeal.deadline, today))
    elif appeal.deadline_opposable:
        headline = _("La date limite pour contester était le {date} : elle est passée.").format(date=_date(appeal.deadline))
        lines.append(_("Un recours reste parfois possible : parlez-en à un conseiller ou au Défenseur des droits."))
    else:
        headline = _("Contestez dès que possible.")
        lines.append(_("La date conseillée par prudence, le {date}, est passée ; mais le délai ne court pas contre vous.").format(
            date=_date(appeal.deadline)))
    if not appeal.deadline_opposable and days >= 0:
        lines.append(_("La décision n'indique pas comment la contester : ce délai ne peut pas vous être opposé. Par prudence, tenez quand même cette date."))
    for deadline in analysis.deadlines:
        if deadline.id not in NUANCE_DATES:
            continue
        if deadline.date >= today:
            lines.append(f"{_date(deadline.date)} — {deadline.label}")  # as on the rights page
        else:
            lines.append(_("{label} : cette date ({date}) est passée.").format(label=deadline.label, date=_date(deadline.date)))
    return headline, lines, days <= CLOSE_DAYS


def deadline_banner(source: Any) -> bool:
    """Show the appeal's safe date and days left, then the nuance (see the module doc)."""
    found = banner_lines(source)
    if found is None:
        return False
    headline, lines, urgent = found
    edge, bg = ("#a4161a", "#fdecec") if urgent else ("#0b4f9c", "#eaf2fb")
    nuance = "".join(f'<p style="margin:0.35rem 0 0 0;font-size:1rem;">{html.escape(line)}</p>' for line in lines)
    st.html(
        f'<div class="mda-banner" data-testid="mda-deadline-banner" style="{_STYLE.format(edge=edge, bg=bg)}">'
        f'<p style="margin:0;font-size:1.35rem;font-weight:700;line-height:1.3;">{html.escape(headline)}</p>'
        f"{nuance}</div>"
    )
    return True


def interview_analysis(answers: dict, today: Optional[dt.date] = None) -> Optional[Analysis]:
    """The analysis of the answers given so far (neutral stand-ins for the screens not yet
    reached), to show the safe date once the dates it needs are given; None before that, while
    invalid, or while a past date's force is not yet known (`iv.deadline_answers_given`)."""
    if not iv.deadline_answers_given(answers):
        return None
    try:
        case = parse_case(iv.partial_case_dict(answers, today))
    except InvalidCase:
        return None
    analysis = analyse(case, lang=current_language())
    past = analysis.appeal.days_left is not None and analysis.appeal.days_left < 0
    return analysis if iv.deadline_answers_given(answers, past) else None
