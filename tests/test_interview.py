"""When the interview may say a safe date (issue 20 §4): never on a guess."""

from __future__ import annotations

import datetime as dt

from assistant.law import interview as iv

WRITTEN = {"organism.kind": "caf", "benefit": "rsa", "situation": "suspension", "decision.received": iv.YES}


def test_the_decision_date_alone_is_not_enough() -> None:
    assert not iv.deadline_answers_given({**WRITTEN, "decision.date": dt.date(2026, 10, 2)})
    assert not iv.deadline_answers_given({**WRITTEN, "decision.received_on": dt.date(2026, 10, 6)})
    assert iv.deadline_answers_given({**WRITTEN, "decision.date": dt.date(2026, 10, 2),
                                      "decision.received_on": dt.date(2026, 10, 6)})


def test_je_ne_sais_pas_counts_as_an_answer() -> None:
    assert iv.deadline_answers_given({**WRITTEN, "decision.date": dt.date(2026, 10, 2), "decision.received_on": iv.UNKNOWN})


def test_a_past_date_also_needs_whether_the_decision_said_how_to_contest() -> None:
    dates = {**WRITTEN, "decision.date": dt.date(2026, 10, 2), "decision.received_on": iv.UNKNOWN}
    assert not iv.deadline_answers_given(dates, past=True)
    for said in (iv.YES, iv.NO, iv.UNKNOWN):
        assert iv.deadline_answers_given({**dates, iv.STATED_QUESTION: said}, past=True)


def test_no_written_decision_needs_no_such_answer() -> None:
    silent = {**WRITTEN, "situation": "refusal", "decision.received": iv.NO,
              "decision.request_filed_on": dt.date(2026, 6, 1)}
    assert not iv.deadline_answers_given(silent)  # the acknowledgement's question is unanswered
    answered = {**silent, "decision.acknowledgement_states_time_limits": iv.YES, "context.started_on": iv.UNKNOWN}
    assert iv.deadline_answers_given(answered, past=True)
