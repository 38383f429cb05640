"""CDAPH silence (issue 18, item 3): an AAH application left unanswered by the MDPH. The
silence is a refusal after the period of casf-R241-33, counted from the request's date;
the two months of css-R142-1-A III run from it only if the acknowledgement of receipt
stated the routes and time limits (crpa-L112-6). Unknown: the safe date as if it had,
not binding. Did not: nothing runs."""

import pytest

from assistant.law.analysis import analyse
from assistant.law.deadlines import implicit_decision_on
from assistant.law.appeals import appeal_route
from assistant.law.model import parse_case
from assistant.letters import build_letters
from assistant.letters.build import allowed_cites
from assistant.letters.guides import sending_guides
from tests.conftest import with_changes
from tests.test_rights import BASE

SILENT = dict(organism__kind="mdph", organism__name=None, benefit="aah", situation="refusal",
              decision={"received": False, "request_filed_on": "2026-03-02"}, today="2026-08-10")


def case_with(stated, **changes):
    decision = {**SILENT["decision"], "acknowledgement_states_time_limits": stated}
    return parse_case(with_changes(BASE, **{**SILENT, "decision": decision, **changes}))


def test_the_implicit_refusal_is_dated_from_the_request():
    case = case_with(True)
    assert implicit_decision_on(case, appeal_route(case)).isoformat() == "2026-07-02"


@pytest.mark.parametrize("stated,deadline,opposable,not_opposable_right", [
    (True, "2026-09-02", True, False),     # the limit runs from the implicit refusal
    (None, "2026-09-02", False, True),     # unknown: the safe date, as if it had stated them
    (False, None, False, True),            # not stated: no time limit runs (L112-6)
])
def test_the_acknowledgement_decides_whether_the_time_limit_runs(stated, deadline, opposable, not_opposable_right):
    analysis = analyse(case_with(stated))
    appeal = analysis.appeal
    assert appeal.route == "rapo_mdph"
    assert (appeal.deadline.isoformat() if appeal.deadline else None) == deadline
    assert appeal.deadline_opposable is opposable
    assert ("deadline_not_opposable" in analysis.right_ids) is not_opposable_right
    dated = {d.id: d.date.isoformat() for d in analysis.deadlines}
    assert dated["implicit_decision"] == "2026-07-02"


def test_without_the_request_date_nothing_is_dated_but_the_guide_does_not_say_nothing_runs():
    case = parse_case(with_changes(BASE, **{**SILENT, "decision": {"received": False}}))
    analysis = analyse(case)
    assert analysis.appeal.deadline is None and analysis.appeal.deadline_opposable is False
    assert "implicit_decision" not in {d.id for d in analysis.deadlines}
    letters = build_letters(case, analysis, only=["appeal"])
    [guide] = sending_guides(case, analysis, letters, "fr")
    assert "aucun délai n'a commencé" not in guide.answer
    assert "ne court que si l'accusé de réception" in guide.answer


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("stated,words", [
    (True, {"fr": "2 juillet 2026", "en": "2 July 2026"}),
    (None, {"fr": "Si l'accusé de réception", "en": "If the acknowledgement"}),
    (False, {"fr": "n'indiquait pas les voies", "en": "did not state the routes"}),
])
def test_the_guide_says_which_applies(stated, words, lang):
    case = case_with(stated)
    analysis = analyse(case)
    letters = build_letters(case, analysis, only=["appeal"])
    [guide] = sending_guides(case, analysis, letters, lang)
    assert words[lang] in guide.answer
    assert "aucun délai n'a commencé" not in guide.answer and "no time limit has started" not in guide.answer
    assert set(guide.cites) <= allowed_cites("appeal", case, analysis)


def test_a_written_decision_ignores_the_request_fields():
    case = parse_case(with_changes(BASE, organism__kind="mdph", organism__name=None, benefit="aah",
                                   situation="refusal", decision__request_filed_on="2026-03-02",
                                   decision__acknowledgement_states_time_limits=False))
    analysis = analyse(case)
    assert analysis.appeal.deadline.isoformat() == "2026-12-07"
    assert "implicit_decision" not in {d.id for d in analysis.deadlines}


def test_a_request_date_in_the_future_is_refused():
    with pytest.raises(Exception) as error:
        case_with(True, today="2026-02-01")
    assert "decision.request_filed_on" in str(error.value)


def test_the_interview_asks_both_only_for_a_request_left_unanswered():
    from assistant.law import interview

    answers = {"organism.kind": "mdph", "benefit": "aah", "situation": "refusal", "decision.received": interview.NO,
               "decision.request_filed_on": "2026-03-02",
               "decision.acknowledgement_states_time_limits": interview.UNKNOWN}
    shown = {q.id for s in interview.visible_steps(answers) for q in s.visible_questions(answers)}
    assert {"decision.request_filed_on", "decision.acknowledgement_states_time_limits"} <= shown
    decision = interview.case_dict(answers)["decision"]
    assert decision["request_filed_on"] == "2026-03-02"
    assert decision["acknowledgement_states_time_limits"] is None      # « Je ne sais pas » → null
    written = {**answers, "decision.received": interview.YES}
    hidden = {q.id for s in interview.visible_steps(written) for q in s.visible_questions(written)}
    assert "decision.request_filed_on" not in hidden


def test_the_batch_reads_both_columns():
    from assistant.associations.batch import BOOL_FIELDS, DATE_FIELDS, column_aliases

    assert "decision.request_filed_on" in DATE_FIELDS
    assert "decision.acknowledgement_states_time_limits" in BOOL_FIELDS
    aliases = set(column_aliases().values())
    assert {"decision.request_filed_on", "decision.acknowledgement_states_time_limits"} <= aliases
