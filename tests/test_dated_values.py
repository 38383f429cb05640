"""Dated legal values (issue 17, item 4): a legal_refs period is keyed by the date it takes
effect and chosen by the decision's date, so that a change in law moves only the decisions
taken after it — through the deadlines, the sentences and the letters."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from assistant.law import legal_refs
from assistant.law.analysis import analyse
from assistant.law.legal_refs import LegalRef, LegalRefsError, NoValueInForce, Period, load_refs, period
from assistant.law.model import parse_case
from assistant.law.texts import note, of_time, time_of, within_time
from assistant.letters import build_letters

from .conftest import VALID_SCENARIOS

D = dt.date
CHANGE = D(2026, 6, 1)  # synthetic: the answer time of crpa-R311-13 goes from one to two months
SYNTHETIC = [{"from": "2000-01-01", "months": 1, "runs_from": "request"},
             {"from": CHANGE.isoformat(), "months": 2, "runs_from": "request"}]


def _entry(ref_id: str, deadline: object) -> LegalRef:
    raw = load_refs()[ref_id].model_dump(by_alias=True)
    return LegalRef.model_validate({**raw, "deadline": deadline})


@pytest.fixture
def dated(monkeypatch):
    """The real references, with crpa-R311-13 and rgpd-12 given two dated values."""
    refs = dict(load_refs())
    refs["crpa-R311-13"] = _entry("crpa-R311-13", SYNTHETIC)
    refs["rgpd-12"] = _entry("rgpd-12", SYNTHETIC)
    monkeypatch.setattr(legal_refs, "load_refs", lambda directory=legal_refs.REFS_DIR: refs)
    return refs


def _case(decided_on: D, requested_on: D) -> dict:
    data = copy.deepcopy(dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"])
    data["decision"].update({"received": True, "date": decided_on.isoformat(), "received_on": None})
    data.setdefault("history", {})["explanation_requested_on"] = requested_on.isoformat()
    data["today"] = (requested_on + dt.timedelta(days=3)).isoformat()
    return data


# --- The format --------------------------------------------------------------------------

def test_one_undated_value_is_in_force_on_any_date():
    value = period("crpa-R311-13", D(1990, 1, 1))
    assert (value.months, value.runs_from, value.in_force_from) == (1, "request", None)
    assert period("crpa-R311-13") == period("crpa-R311-13", D(2100, 1, 1))


def test_each_value_says_what_it_runs_from_and_limitation_runs_from_payment():
    assert all(value.runs_from for r in load_refs().values() for value in r.deadline or ())
    for ref_id, years in (("css-L553-1", 2), ("casf-L262-45", 2), ("ct-L5422-5", 3)):
        assert (period(ref_id).years, period(ref_id).runs_from) == (years, "payment")


def test_the_value_in_force_on_the_decision_date_is_chosen(dated):
    assert period("crpa-R311-13", CHANGE - dt.timedelta(days=1)).months == 1
    assert period("crpa-R311-13", CHANGE).months == 2
    assert time_of("crpa-R311-13", "en", D(2026, 1, 5)) == "one month"
    assert of_time("crpa-R311-13", D(2026, 1, 5)) == "d'un mois"
    assert of_time("crpa-R311-13", D(2026, 9, 1)) == "de deux mois"
    assert within_time("crpa-R311-13", D(2026, 9, 1)) == "dans les deux mois"


def test_no_value_in_force_is_a_clear_error(dated):
    with pytest.raises(NoValueInForce, match=r"crpa-R311-13: no deadline in force on 1999-12-31"):
        period("crpa-R311-13", D(1999, 12, 31))
    with pytest.raises(LegalRefsError, match="no machine-readable deadline"):
        period("crpa-L211-2", D(2026, 1, 1))


@pytest.mark.parametrize("deadline,message", [
    ([{"months": 1, "runs_from": "request"}, {"from": "2020-01-01", "months": 2, "runs_from": "request"}],
     "needs its `from` date"),
    ([{"from": "2020-01-01", "months": 2, "runs_from": "request"},
      {"from": "2010-01-01", "months": 1, "runs_from": "request"}], "increasing order"),
    ([{"from": "2020-01-01", "months": 2, "runs_from": "request"},
      {"from": "2020-01-01", "months": 1, "runs_from": "request"}], "increasing order"),
    ([], "non-empty list"),
    ({"months": 1}, "runs_from"),
    ({"months": 1, "from": "notification"}, "from"),  # the old form: `from` is now a date
])
def test_malformed_dated_values_are_refused(deadline, message):
    with pytest.raises(ValueError, match=message):
        _entry("crpa-R311-13", deadline)


# --- Through the engine and the letters ----------------------------------------------------

@pytest.mark.parametrize("decided_on,months,words,bare", [
    (D(2026, 3, 2), 1, "d'un mois", "un mois"),       # decided before the change: the old value
    (D(2026, 9, 1), 2, "de deux mois", "deux mois"),  # decided after it: the new one
])
def test_a_decision_gets_the_value_in_force_on_its_date(dated, decided_on, months, words, bare):
    requested_on = D(2026, 10, 2)  # the same request date: only the decision's date differs
    case = parse_case(_case(decided_on, requested_on))
    assert case.decision_date == decided_on
    analysis = analyse(case)
    answer = next(d for d in analysis.deadlines if d.id == "explanation_answer")
    assert answer.date == D(2026, 10 + months, 2)  # a Monday, a Wednesday
    gdpr = next(r for r in analysis.rights if r.id == "gdpr_access")  # a right's summary (rgpd-12)
    assert gdpr.summary.endswith(f"sous {bare}.")
    assert bare in note("followup.step.reminder", decided_on, time="time:crpa-R311-13").text()
    nested = note("fact.overpayment_limitation.window", decided_on, time=note("limitation.rsa"))
    assert "deux ans" in nested.text()  # a nested sentence takes the date of the one it sits in
    letter = build_letters(case, analysis, only=["explanation_request"])[0]
    assert f"dans le délai {words} prévu" in letter.plain_text()


def test_without_a_decision_date_today_chooses(dated):
    case = parse_case(_case(D(2026, 3, 2), D(2026, 10, 5)))
    undated = case.model_copy(update={"decision": case.decision.model_copy(update={"date": None})})
    assert undated.decision_date == undated.reference_date


def test_the_follow_up_ladder_counts_with_the_values_in_force_on_the_decision_date(dated):
    """The silence that lets the person go to the CADA comes after the answer time in force
    on the decision's date, not today's: a request sent on the same day gets one month
    before the change and two after it."""
    from assistant.casefiles.followup import Sent, ladder

    sent_on = D(2026, 9, 1)
    opens = {}
    for decided_on in (D(2026, 5, 15), D(2026, 8, 20)):
        case = parse_case(_case(decided_on, sent_on) | {"history": {}})
        steps = ladder(case, [Sent(letter_id="explanation_request", on=sent_on)], [])
        [cada] = [s for s in steps if s.id.startswith("cada_referral")]
        opens[decided_on] = cada.opens_on
    # 1 Oct is a Thursday; 1 Nov 2026 a Sunday and All Saints': the body has until Monday 2.
    assert opens == {D(2026, 5, 15): D(2026, 10, 2), D(2026, 8, 20): D(2026, 11, 3)}, opens
