"""The dates to remember as an `.ics` calendar file (RFC 5545, via `icalendar`).

Two kinds of dates, all computed by the engine (`analyse`), none here:
- the case's own deadlines (the appeal time limit, answers already awaited);
- the dates that follow if the proposed letters are sent today: when the answer is
  due (silence = refusal), then the limit for the next step (CADA, court). They are the
  engine's deadlines for the same case with those letters recorded as sent today.

No name, address or file number goes into the file: only dates, the steps and the body.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event

from .analysis import HISTORY_FIELD_OF_LETTER, Analysis, analyse
from .i18n import BABEL_LOCALES, N_, translate
from .legal_refs import LegalRefsError, ref
from .formatting import long_date
from .model import Case

REMIND_DAYS_BEFORE = 7


@dataclass(frozen=True)
class CalendarEntry:
    id: str
    date: dt.date
    label: str
    legal_basis: tuple[str, ...]
    if_sent_on: dt.date | None = None   # set for dates that follow from sending a letter today


def entries(case: Case, analysis: Analysis, language: str = "fr") -> list[CalendarEntry]:
    """The case's deadlines still ahead, then those that follow from sending the proposed
    letters today. A date already past is no reminder: it is left out."""
    out = [CalendarEntry(d.id, d.date, d.label, tuple(d.legal_basis)) for d in analysis.deadlines]
    today = case.reference_date
    sent = {HISTORY_FIELD_OF_LETTER[letter]: today for letter in analysis.letters if letter in HISTORY_FIELD_OF_LETTER}
    if sent:
        after = case.model_copy(update={"history": case.history.model_copy(update=sent)})
        known = {entry.id for entry in out}
        out += [CalendarEntry(d.id, d.date, d.label, tuple(d.legal_basis), today)
                for d in analyse(after, language).deadlines if d.id not in known]
    return sorted((e for e in out if e.date >= today), key=lambda e: (e.date, e.id))


def _citation(ref_id: str) -> str:
    try:
        return ref(ref_id).citation
    except LegalRefsError:
        return ref_id


def calendar_bytes(case: Case, analysis: Analysis, language: str = "fr") -> bytes:
    """The `.ics` file: one all-day event per date, with a reminder a week before."""
    def t(message: str, domain: str = "messages") -> str:
        return translate(message, language, domain)

    cal = Calendar()
    cal.add("prodid", "-//Mes droits face a l'algorithme//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", t(N_("Mes démarches — dates à retenir")))
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    # The labels come from the engine in the person's language (data/sentences.yaml).
    shown = analysis if language == "fr" else analyse(case, language)
    for entry in entries(case, shown, language):
        label = entry.label
        event = Event()
        event.add("uid", f"{entry.id}-{entry.date.isoformat()}@mes-droits-face-a-l-algorithme")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.date)
        event.add("dtend", entry.date + dt.timedelta(days=1))
        event.add("summary", label)
        lines = [label]
        if entry.if_sent_on is not None:
            lines.append(t(N_("Date calculée si vous envoyez vos courriers le {date}.")).format(
                date=long_date(entry.if_sent_on, BABEL_LOCALES.get(language, "fr_FR"))))
        if entry.legal_basis:
            lines.append(t(N_("Textes : {refs}")).format(refs=" ; ".join(_citation(r) for r in entry.legal_basis)))
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", label)
        alarm.add("trigger", dt.timedelta(days=-REMIND_DAYS_BEFORE))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
