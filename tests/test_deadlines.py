"""Safe dates: calendar months, month ends, weekends and French public holidays."""

import datetime as dt

import pytest

from assistant.law.deadlines import add_months, end_of_period, next_working_day
from assistant.law.legal_refs import Period
from assistant.law.places import holiday_region

D = dt.date
TWO_MONTHS = Period(months=2, runs_from="notification")
ONE_MONTH = Period(months=1, runs_from="request")


@pytest.mark.parametrize("start,months,expected", [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2028, 1, 31), 1, D(2028, 2, 29)),   # leap year
    (D(2026, 12, 31), 2, D(2027, 2, 28)),
    (D(2026, 10, 6), 2, D(2026, 12, 6)),
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
])
def test_add_months_end_of_month(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("start,length,region,expected", [
    # 31 Jan + 1 month = 28 Feb 2026, a Saturday -> Monday 2 March
    (D(2026, 1, 31), ONE_MONTH, None, D(2026, 3, 2)),
    # 1 March + 2 months = 1 May (holiday, Friday) -> Monday 4 May
    (D(2026, 3, 1), TWO_MONTHS, None, D(2026, 5, 4)),
    # 14 May + 2 months = 14 July (holiday, Tuesday) -> 15 July
    (D(2026, 5, 14), TWO_MONTHS, None, D(2026, 7, 15)),
    # 25 Oct + 2 months = 25 Dec (Friday) -> Monday 28 Dec
    (D(2026, 10, 25), TWO_MONTHS, None, D(2026, 12, 28)),
    # In Moselle, 26 Dec is a holiday too: 25 Oct 2027 + 2 months = Sat 25 Dec -> Mon 27 Dec anyway;
    # 26 Oct 2025 + 2 months = Fri 26 Dec 2025: a holiday in Alsace-Moselle only.
    (D(2025, 10, 26), TWO_MONTHS, None, D(2025, 12, 26)),
    (D(2025, 10, 26), TWO_MONTHS, "57", D(2025, 12, 29)),
    (D(2025, 10, 26), TWO_MONTHS, "6AE", D(2025, 12, 29)),
    # Good Friday 2027 = 26 March: a holiday only in Alsace-Moselle communes with a Protestant
    # temple or a mixed church (L3134-13): never counted, the safe date stays on the Friday.
    (D(2027, 1, 26), TWO_MONTHS, None, D(2027, 3, 26)),
    (D(2027, 1, 26), TWO_MONTHS, "6AE", D(2027, 3, 26)),
    (D(2027, 1, 26), TWO_MONTHS, "57", D(2027, 3, 26)),
    # Réunion: 20 December (abolition of slavery), 2027 is a Monday.
    (D(2027, 10, 20), TWO_MONTHS, "974", D(2027, 12, 21)),
    (D(2027, 10, 20), TWO_MONTHS, None, D(2027, 12, 20)),
    # Overseas: only the abolition day is a public holiday in law (L3422-2), not the
    # customary days off (Good Friday, 21 July Victor Schœlcher, mi-carême).
    (D(2026, 2, 3), TWO_MONTHS, "972", D(2026, 4, 3)),      # Good Friday in Martinique: a working day
    (D(2026, 5, 21), TWO_MONTHS, "971", D(2026, 7, 21)),    # 21 July in Guadeloupe: a working day
    (D(2026, 3, 27), TWO_MONTHS, "971", D(2026, 5, 28)),    # 27 May in Guadeloupe: a holiday
    (D(2026, 3, 27), TWO_MONTHS, "MF", D(2026, 5, 27)),     # Saint-Martin: 27 or 28 May, uncertain: not added
    (D(2026, 3, 22), TWO_MONTHS, "972", D(2026, 5, 26)),    # Fri 22 May in Martinique, weekend, Whit Monday -> Tue 26
])
def test_safe_end_of_period(start, length, region, expected):
    assert end_of_period(start, length, region) == expected


def test_next_working_day_is_identity_on_working_days():
    assert next_working_day(D(2026, 11, 23)) == D(2026, 11, 23)


@pytest.mark.parametrize("postal_code,region", [
    ("57000", "57"), ("67000", "6AE"), ("68100", "6AE"), ("75011", None), ("97400", "974"),
    ("97133", "BL"), ("97150", "MF"), ("97110", "971"), ("20000", None),
])
def test_holiday_region_from_postal_code(postal_code, region):
    assert holiday_region(postal_code) == region


def test_a_refusal_born_on_a_weekend_does_not_give_more_time():
    """A request sent on 31 January 2026: silence refuses it on Saturday 28 February; the
    CADA must then be asked by 28 April (Tuesday) — not from Monday 2 March, which would
    give until 4 May. The ladder and the analysis say the same date."""
    from assistant.law.analysis import analyse
    from assistant.casefiles.followup import Sent, ladder
    from assistant.law.model import parse_case
    from tests.conftest import VALID_SCENARIOS, with_changes

    case = parse_case(with_changes(VALID_SCENARIOS[0][1]["case"], decision__date="2026-01-05",
                                   decision__received_on="2026-01-08",
                                   history__explanation_requested_on="2026-01-31", today="2026-03-02"))
    dates = {d.id: d.date for d in analyse(case).deadlines}
    assert dates["explanation_answer"] == dt.date(2026, 3, 2)        # acting on it: the next working day
    assert dates["cada_after_explanation"] == dt.date(2026, 4, 28)
    steps = ladder(case, [Sent(letter_id="explanation_request", on=dt.date(2026, 1, 31))], [])
    assert {s.due for s in steps if s.letter_id == "cada_referral"} == {dt.date(2026, 4, 28)}


def test_reasonable_time_ends_is_the_reasonable_time_deadline_and_only_before_the_ta():
    """Czabaj (ce-2016-387763): one year from receipt, or from when payments stopped with no
    decision; never before the judicial courts (Cass. ass. plén. 8 March 2024)."""
    from assistant.law.analysis import analyse
    from assistant.law.appeals import appeal_route
    from assistant.law.deadlines import reasonable_time_ends, reasonable_time_passed
    from assistant.law.model import parse_case
    from tests.conftest import with_changes
    from tests.test_rights import BASE

    unnotified = parse_case(with_changes(BASE, benefit="apl", decision={"received": False},
                                         context__started_on="2026-11-05"))
    route = appeal_route(unnotified)
    assert reasonable_time_ends(unnotified, route) == D(2027, 11, 5)
    assert [d.date for d in analyse(unnotified).deadlines if d.id == "reasonable_time"] == [D(2027, 11, 5)]
    assert not reasonable_time_passed(unnotified, route)
    # the day itself is still open; the day after, it has passed
    last_day = parse_case(with_changes(BASE, benefit="apl", decision={"received": False},
                                       context__started_on="2025-11-05", today="2026-11-05"))
    assert not reasonable_time_passed(last_day, appeal_route(last_day))
    after = parse_case(with_changes(BASE, benefit="apl", decision={"received": False},
                                    context__started_on="2025-11-05", today="2026-11-06"))
    assert reasonable_time_passed(after, appeal_route(after))
    judicial = parse_case(with_changes(BASE, decision__appeal_info_given=False))
    assert appeal_route(judicial).then == "tribunal_judiciaire"
    assert reasonable_time_ends(judicial, appeal_route(judicial)) is None


def test_a_silence_date_is_not_said_as_a_last_day():
    """The day a body's silence becomes a refusal is not « au plus tard le » for the person."""
    from assistant.law.deadlines import is_last_day

    assert is_last_day("appeal") and is_last_day("court") and is_last_day("cada_after_explanation")
    assert not any(is_last_day(d) for d in ("implicit_decision", "explanation_answer", "documents_answer", "appeal_answer"))
