"""The .ics file: dates still ahead, in the person's language, with their texts."""

import copy

from icalendar import Calendar

from assistant.law.analysis import analyse
from assistant.casefiles.calendar_ics import calendar_bytes
from assistant.law.model import parse_case
from tests.conftest import VALID_SCENARIOS


def _events(case, language):
    cal = Calendar.from_ical(calendar_bytes(case, analyse(case), language))
    return [(e.get("dtstart").dt, str(e.get("summary"))) for e in cal.walk("VEVENT")]


def test_no_past_date_and_labels_in_the_language():
    data = copy.deepcopy(dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"])
    data["today"] = "2027-01-20"   # after the safe date of 5 January 2027
    case = parse_case(data)
    assert any(d.date.isoformat() < "2027-01-20" for d in analyse(case).deadlines)
    french, english = _events(case, "fr"), _events(case, "en")
    assert french and all(day.isoformat() >= "2027-01-20" for day, _ in french)
    assert [d for d, _ in french] == [d for d, _ in english]
    assert all(fr != en for (_, fr), (_, en) in zip(french, english))


def test_ladder_calendar_one_event_per_step_with_a_due_date():
    import datetime as dt

    from assistant.casefiles.calendar_ics import ladder_calendar_bytes
    from assistant.casefiles.followup import Sent, ladder

    case = parse_case(copy.deepcopy(dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"]))
    sent = [Sent(letter_id=x, on=dt.date(2026, 11, 23)) for x in ("explanation_request", "document_access", "appeal")]
    french, english = ladder(case, sent, [], "fr"), ladder(case, sent, [], "en")
    dated = [s for s in french if s.due]
    assert dated and len(dated) < len(french)        # the CNIL, mediator… have no due date
    ics = ladder_calendar_bytes(case, french, "fr", now=dt.datetime(2026, 11, 23, 8, tzinfo=dt.timezone.utc))
    events = Calendar.from_ical(ics).walk("VEVENT")
    assert sorted((e.get("dtstart").dt, str(e.get("summary"))) for e in events) == sorted((s.due, s.text) for s in dated)
    assert all(e.get("valarm") is not None or e.walk("VALARM") for e in events)
    description = str(events[0].get("description"))
    assert "Textes :" in description and "code des relations entre le public" in description
    assert "Haddad" not in ics.decode() and "Saint-Maurice" not in ics.decode()   # no personal data in the file
    english_events = Calendar.from_ical(ladder_calendar_bytes(case, english, "en")).walk("VEVENT")
    assert [e.get("dtstart").dt for e in english_events] == [e.get("dtstart").dt for e in events]
    assert all(str(f.get("summary")) != str(e.get("summary")) for f, e in zip(events, english_events))
    assert "To do from" in str(english_events[0].get("description"))
    assert Calendar.from_ical(ladder_calendar_bytes(case, [], "fr")).walk("VEVENT") == []


# --- Issue 20 §5–6: one way of saying the last day, and no reminder in the past --------------

def _p01(today: str):
    data = copy.deepcopy(dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"])
    data["today"] = today
    return parse_case(data)


def _rings(event) -> list:
    """When each reminder of an all-day event rings, on the wall clock (start at midnight)."""
    import datetime as dt

    start = dt.datetime.combine(event.get("dtstart").dt, dt.time())
    return sorted(start + alarm.get("trigger").dt for alarm in event.walk("VALARM"))


def test_a_close_date_rings_the_day_before_and_on_the_day_never_in_the_past():
    import datetime as dt

    case = _p01("2027-01-03")   # the appeal's safe date, 5 January 2027, is two days ahead
    appeal = analyse(case).appeal.deadline
    assert appeal == dt.date(2027, 1, 5)
    now = dt.datetime(2027, 1, 3, 14, 0, tzinfo=dt.timezone.utc)   # 15:00 in Paris
    events = Calendar.from_ical(calendar_bytes(case, analyse(case), "fr", now=now)).walk("VEVENT")
    [close] = [e for e in events if e.get("dtstart").dt == appeal]
    assert _rings(close) == [dt.datetime(2027, 1, 4, 9), dt.datetime(2027, 1, 5, 9)]
    wall = dt.datetime(2027, 1, 3, 15, 0)
    assert all(ring > wall for event in events for ring in _rings(event))
    far = [e for e in events if (e.get("dtstart").dt - appeal).days > 7]
    assert far and all(len(_rings(e)) == 3 for e in far)   # a week before, the day before, the day


def test_a_reminder_already_rung_at_export_is_left_out():
    import datetime as dt

    case = _p01("2027-01-05")   # the last day itself
    at_ten = dt.datetime(2027, 1, 5, 9, 0, tzinfo=dt.timezone.utc)   # 10:00 in Paris: 9:00 has rung
    events = Calendar.from_ical(calendar_bytes(case, analyse(case), "fr", now=at_ten)).walk("VEVENT")
    [today] = [e for e in events if e.get("dtstart").dt == dt.date(2027, 1, 5)]
    assert _rings(today) == []
    at_seven = dt.datetime(2027, 1, 5, 6, 0, tzinfo=dt.timezone.utc)
    events = Calendar.from_ical(calendar_bytes(case, analyse(case), "fr", now=at_seven)).walk("VEVENT")
    [today] = [e for e in events if e.get("dtstart").dt == dt.date(2027, 1, 5)]
    assert _rings(today) == [dt.datetime(2027, 1, 5, 9)]


def test_the_last_day_is_said_the_one_way_in_the_language_of_the_file():
    import datetime as dt

    case = _p01("2026-11-23")
    now = dt.datetime(2026, 11, 23, 8, tzinfo=dt.timezone.utc)
    for language, said in (("fr", "Au plus tard le 5 janvier 2027."), ("en", "By 5 January 2027 at the latest.")):
        events = Calendar.from_ical(calendar_bytes(case, analyse(case), language, now=now)).walk("VEVENT")
        [appeal] = [e for e in events if e.get("dtstart").dt == dt.date(2027, 1, 5)]
        description = str(appeal.get("description"))
        assert description.startswith(said), description
        assert ("janvier" in description) is (language == "fr")
