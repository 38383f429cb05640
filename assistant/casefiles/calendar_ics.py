"""The dates to remember as an `.ics` calendar file (RFC 5545, via `icalendar`).

Two kinds of dates, all computed by the engine (`analyse`), none here:
- the case's own deadlines (the appeal time limit, answers already awaited);
- the dates that follow if the proposed letters are sent today: when the answer is
  due (silence = refusal), then the limit for the next step (CADA, court). They are the
  engine's deadlines for the same case with those letters recorded as sent today.

No name, address or file number goes into the file: only dates, the steps and the body.
`ladder_calendar_bytes` does the same for the follow-up steps of `assistant.casefiles.followup`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from icalendar import Alarm, Calendar, Event

from assistant.law.analysis import HISTORY_FIELD_OF_LETTER, Analysis, analyse
from assistant.core.i18n import BABEL_LOCALES, N_, translate
from assistant.law.legal_refs import LegalRefsError, ref
from assistant.core.formatting import long_date
from assistant.law.model import Case
from assistant.law.texts import say

if TYPE_CHECKING:  # the steps come from assistant.casefiles.followup; no import needed to read them
    from assistant.casefiles.followup import Step

REMIND_DAYS_BEFORE = 7
UID_DOMAIN = "mes-droits-face-a-l-algorithme"


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


def _calendar(language: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Mes droits face a l'algorithme//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", translate(N_("Mes démarches — dates à retenir"), language, "messages"))
    return cal


def _event(uid: str, day: dt.date, label: str, lines: list[str], stamp: dt.datetime) -> Event:
    """One all-day event, transparent, with a reminder a week before."""
    event = Event()
    event.add("uid", f"{uid}-{day.isoformat()}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", label)
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", label)
    alarm.add("trigger", dt.timedelta(days=-REMIND_DAYS_BEFORE))
    event.add_component(alarm)
    return event


def _texts_line(legal_basis: Sequence[str], language: str) -> str:
    refs = " ; ".join(_citation(r) for r in legal_basis)
    return translate(N_("Textes : {refs}"), language, "messages").format(refs=refs)


def calendar_bytes(case: Case, analysis: Analysis, language: str = "fr") -> bytes:
    """The `.ics` file: one all-day event per date, with a reminder a week before."""
    def t(message: str, domain: str = "messages") -> str:
        return translate(message, language, domain)

    cal = _calendar(language)
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    # The labels come from the engine in the person's language (data/sentences.yaml).
    shown = analysis if language == "fr" else analyse(case, language)
    for entry in entries(case, shown, language):
        lines = [entry.label]
        if entry.if_sent_on is not None:
            lines.append(t(N_("Date calculée si vous envoyez vos courriers le {date}.")).format(
                date=long_date(entry.if_sent_on, BABEL_LOCALES.get(language, "fr_FR"))))
        if entry.legal_basis:
            lines.append(_texts_line(entry.legal_basis, language))
        cal.add_component(_event(entry.id, entry.date, entry.label, lines, stamp))
    return cal.to_ical()


def ladder_calendar_bytes(case: Case, steps: Sequence["Step"], lang: str = "fr") -> bytes:
    """The `.ics` file of the follow-up steps (assistant.casefiles.followup.ladder): one all-day
    event per step that has a due date, on that date, with a reminder a week before. The
    steps' text is already in the person's language (render them with the same `lang`);
    `case` is not written into the file (no name, no address), as for `calendar_bytes`."""
    cal = _calendar(lang)
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    locale = BABEL_LOCALES.get(lang, "fr_FR")
    for step in sorted((s for s in steps if s.due is not None), key=lambda s: (s.due, s.id)):
        lines = [step.text]
        if step.opens_on < step.due:
            lines.append(say("followup.calendar.opens", lang, date=long_date(step.opens_on, locale)))
        lines.append(_texts_line(step.legal_basis, lang))
        cal.add_component(_event(step.id, step.due, step.text, lines, stamp))
    return cal.to_ical()
