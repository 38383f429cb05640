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
    ics = ladder_calendar_bytes(case, french, "fr")
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
