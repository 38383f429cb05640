"""The .ics file: dates still ahead, in the person's language, with their texts."""

import copy

from icalendar import Calendar

from assistant.analysis import analyse
from assistant.calendar_ics import calendar_bytes
from assistant.model import parse_case
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
