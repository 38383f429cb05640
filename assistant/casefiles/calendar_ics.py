"""The dates to remember as an `.ics` calendar file (RFC 5545, via `icalendar`).

Two kinds of dates, all computed by the engine (`analyse`), none here:
- the case's own deadlines (the appeal time limit, answers already awaited);
- the dates that follow if the proposed letters are sent today: when the answer is
  due (silence = refusal), then the limit for the next step (CADA, court). They are the
  engine's deadlines for the same case with those letters recorded as sent today.

No name, address or file number goes into the file: only dates, the steps and the body.
`ladder_calendar_bytes` does the same for the follow-up steps of `assistant.casefiles.followup`.

Reminders at 9:00 a week before, the day before and on the day, leaving out any that would
already have rung when the file is made: a close date gets the day before and the day itself,
never a reminder in the past (which calendars ring at once, or never).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from assistant.law.analysis import HISTORY_FIELD_OF_LETTER, Analysis, analyse
from assistant.core.i18n import BABEL_LOCALES, N_, translate
from assistant.law.legal_refs import LegalRefsError, ref
from assistant.core.formatting import last_day, long_date
from assistant.law.deadlines import is_last_day
from assistant.law.model import Case
from assistant.law.texts import say

if TYPE_CHECKING:  # the steps come from assistant.casefiles.followup; no import needed to read them
    from assistant.casefiles.followup import Step

REMIND_DAYS_BEFORE = (7, 1, 0)   # a week before, the day before, the day itself
REMIND_AT = dt.time(9, 0)         # in the morning of those days, the person's local time
# The wall clock the reminders are compared with at export (all-day events are floating).
LOCAL_TIME = ZoneInfo("Europe/Paris")
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


def reminders(day: dt.date, now: dt.datetime) -> list[dt.timedelta]:
    """The alarm triggers (relative to the all-day event's start, midnight) still ahead at `now`
    (an aware datetime, read on the local wall clock): a week before, the day before and the
    day itself at 9:00, without those already past."""
    wall = now.astimezone(LOCAL_TIME).replace(tzinfo=None)
    at = dt.timedelta(hours=REMIND_AT.hour, minutes=REMIND_AT.minute)
    return [at - dt.timedelta(days=before) for before in REMIND_DAYS_BEFORE
            if dt.datetime.combine(day - dt.timedelta(days=before), REMIND_AT) > wall]


def _event(uid: str, day: dt.date, label: str, lines: list[str], stamp: dt.datetime) -> Event:
    """One all-day event, transparent, with its reminders still ahead (`reminders`)."""
    event = Event()
    event.add("uid", f"{uid}-{day.isoformat()}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", label)
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")
    for trigger in reminders(day, stamp):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", label)
        alarm.add("trigger", trigger)
        event.add_component(alarm)
    return event


def _texts_line(legal_basis: Sequence[str], language: str) -> str:
    refs = " ; ".join(_citation(r) for r in legal_basis)
    return translate(N_("Textes : {refs}"), language, "messages").format(refs=refs)


def _stamp(now: Optional[dt.datetime]) -> dt.datetime:
    """When the file is made, in UTC (`now` for tests; naive means UTC)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return (now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)


def calendar_bytes(case: Case, analysis: Analysis, language: str = "fr", now: Optional[dt.datetime] = None) -> bytes:
    """The `.ics` file: one all-day event per date, with its reminders (`reminders`)."""
    def t(message: str, domain: str = "messages") -> str:
        return translate(message, language, domain)

    cal = _calendar(language)
    stamp = _stamp(now)
    # The labels come from the engine in the person's language (data/sentences.yaml).
    shown = analysis if language == "fr" else analyse(case, language)
    for entry in entries(case, shown, language):
        lines = [entry.label]
        if is_last_day(entry.id):
            lines.insert(0, last_day(entry.date, language=language, capital=True) + ".")
        if entry.if_sent_on is not None:
            lines.append(t(N_("Date calculée si vous envoyez vos courriers le {date}.")).format(
                date=long_date(entry.if_sent_on, BABEL_LOCALES.get(language, "fr_FR"))))
        if entry.legal_basis:
            lines.append(_texts_line(entry.legal_basis, language))
        cal.add_component(_event(entry.id, entry.date, entry.label, lines, stamp))
    return cal.to_ical()


def ladder_calendar_bytes(case: Case, steps: Sequence["Step"], lang: str = "fr",
                          now: Optional[dt.datetime] = None) -> bytes:
    """The `.ics` file of the follow-up steps (assistant.casefiles.followup.ladder): one all-day
    event per step that has a due date, on that date, with its reminders (`reminders`). The
    steps' text is already in the person's language (render them with the same `lang`);
    `case` is not written into the file (no name, no address), as for `calendar_bytes`."""
    cal = _calendar(lang)
    stamp = _stamp(now)
    locale = BABEL_LOCALES.get(lang, "fr_FR")
    for step in sorted((s for s in steps if s.due is not None), key=lambda s: (s.due, s.id)):
        lines = [last_day(step.due, language=lang, capital=True) + ".", step.text]
        if step.opens_on < step.due:
            lines.append(say("followup.calendar.opens", lang, date=long_date(step.opens_on, locale)))
        lines.append(_texts_line(step.legal_basis, lang))
        cal.add_component(_event(step.id, step.due, step.text, lines, stamp))
    return cal.to_ical()
