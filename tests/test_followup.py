"""The follow-up ladder and the answer diagnosis (assistant/casefiles/followup.py): dates across month
ends and holidays, every kind of answer for the three core letters, the texts, the letters."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from assistant.casefiles import followup
from assistant.law.analysis import analyse
from assistant.law.appeals import appeal_route
from assistant.law.deadlines import case_deadlines
from assistant.casefiles.followup import Answer, AnswerKind, FollowupError, Sent, Step
from assistant.law.legal_refs import load_refs
from assistant.letters import build_letters
from assistant.law.model import InvalidCase, parse_case

from .conftest import VALID_SCENARIOS, with_changes

D = dt.date
K = AnswerKind
RSA = dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"]          # CAF, RSA, Lyon: RAPO, then TA
FAMILY = dict(VALID_SCENARIOS)["p02_family_allowance_overpayment_good_faith"]["case"]  # CAF: CRA, then pôle social
PENALTY = dict(VALID_SCENARIOS)["p07_family_benefit_penalty"]["case"]              # straight to court (route none)


def _case(base: dict = RSA, **changes):
    return parse_case(with_changes(base, **changes))


def _dated_case(decided: str, today: str, postal_code: str = "69008", base: dict = RSA):
    """A case decided on `decided` (received three days later), seen on `today`."""
    received = (D.fromisoformat(decided) + dt.timedelta(days=3)).isoformat()
    return _case(base, decision__date=decided, decision__received_on=received, today=today,
                 claimant__postal_code=postal_code)


def _ids(steps: list[Step]) -> set[str]:
    return {s.id for s in steps}


def _by_id(steps: list[Step]) -> dict[str, Step]:
    return {s.id: s for s in steps}


SENT_ON = D(2026, 11, 23)     # the RSA case's own `today`: letters sent that day


def _ladder(letter: str, kind: AnswerKind | None, answered_on: D = D(2026, 12, 10), case=None, extra=()):
    case = case or _case()
    answers = [Answer(to_letter=letter, on=answered_on, kind=kind)] if kind else []
    return followup.ladder(case, [Sent(letter_id=letter, on=SENT_ON), *extra], answers)


# --- Dates: month ends, weekends, public holidays, Alsace-Moselle ----------------------------------

def test_sent_on_31_january_refusal_on_the_last_day_of_february_then_two_months_from_it():
    case = _dated_case("2026-01-05", "2026-03-01")
    steps = _by_id(followup.ladder(case, [Sent(letter_id="explanation_request", on=D(2026, 1, 31))], []))
    cada = steps["cada_referral:explanation_request"]
    # 31 January + one month = 28 February 2026, a Saturday: the body has until Monday 2 March,
    # the refusal is there on the 3rd…
    assert cada.opens_on == D(2026, 3, 3)
    # …but the CADA time counts from 28 February, not from the Monday: 28 April (a Tuesday).
    assert cada.due == D(2026, 4, 28)
    assert steps["reminder:explanation_request"].due == cada.due


def test_leap_year_february_29_then_1_may_moves_to_the_next_working_day():
    case = _dated_case("2028-01-10", "2028-02-01")
    cada = _by_id(followup.ladder(case, [Sent(letter_id="document_access", on=D(2028, 1, 31))], []))[
        "cada_referral:document_access"]
    assert cada.opens_on == D(2028, 3, 1)           # the day after Tuesday 29 February 2028
    # 29 April 2028 is a Saturday, Monday 1 May a public holiday: Tuesday 2 May.
    assert cada.due == D(2028, 5, 2)


def test_due_on_1_may_moves_to_the_next_working_day():
    case = _dated_case("2026-01-20", "2026-02-02")
    cada = _by_id(followup.ladder(case, [Sent(letter_id="explanation_request", on=D(2026, 2, 1))], []))[
        "cada_referral:explanation_request"]
    assert cada.due == D(2026, 5, 4)                # Friday 1 May (holiday), then a weekend


def test_due_on_14_july_and_refusal_on_ascension_day():
    case = _dated_case("2026-04-01", "2026-04-15")
    cada = _by_id(followup.ladder(case, [Sent(letter_id="explanation_request", on=D(2026, 4, 14))], []))[
        "cada_referral:explanation_request"]
    assert cada.opens_on == D(2026, 5, 16)          # 14 May 2026 is Ascension Day: the body has until the 15th
    assert cada.due == D(2026, 7, 15)               # Tuesday 14 July is a public holiday


@pytest.mark.parametrize("postal_code,due", [("69008", D(2028, 12, 26)), ("67000", D(2028, 12, 27)),
                                             ("68100", D(2028, 12, 27)), ("57000", D(2028, 12, 27))])
def test_26_december_is_a_holiday_in_alsace_moselle_only(postal_code, due):
    case = _dated_case("2028-09-01", "2028-10-01", postal_code)
    cada = _by_id(followup.ladder(case, [Sent(letter_id="explanation_request", on=D(2028, 9, 26))], []))[
        "cada_referral:explanation_request"]
    assert cada.due == due


def test_appeal_court_date_counts_from_the_unshifted_rejection():
    case = _case()
    steps = _by_id(_ladder("appeal", None))
    court = steps["court:appeal"]
    # Appeal sent on Monday 23 November 2026: two months end on Saturday 23 January 2027, the
    # body has until Monday 25, the rejection is there on the 26th; the court's two months
    # run from the 23rd: Tuesday 23 March.
    assert court.opens_on == D(2027, 1, 26) and court.due == D(2027, 3, 23)
    assert court.legal_basis == ["crpa-L231-4", "cja-R421-1"]
    assert appeal_route(case).answer_ref == "crpa-L231-4"


def _engine_dates(case, sent: dict[str, D]) -> dict[str, D]:
    history = case.history.model_copy(update=sent)
    return {d.id: d.date for d in case_deadlines(case.model_copy(update={"history": history}), appeal_route(case))}


def test_never_later_than_the_engine_over_a_whole_year_of_sending_days():
    """The ladder's limits are never later than deadlines.case_deadlines for the same letters."""
    case = _dated_case("2026-01-02", "2026-01-05")
    for offset in range(0, 366, 3):
        day = D(2026, 1, 2) + dt.timedelta(days=offset)
        sent = [Sent(letter_id=x, on=day) for x in ("explanation_request", "document_access", "appeal")]
        steps = _by_id(followup.ladder(case, sent, []))
        engine = _engine_dates(case, {"explanation_requested_on": day, "documents_requested_on": day,
                                      "appeal_filed_on": day})
        assert steps["cada_referral:explanation_request"].due <= engine["cada_after_explanation"], day
        assert steps["cada_referral:document_access"].due <= engine["cada_after_documents"], day
        assert steps["court:appeal"].due <= engine["court"], day
        assert steps["court:appeal"].opens_on == engine["appeal_answer"] + dt.timedelta(days=1), day
        assert steps["cada_referral:explanation_request"].opens_on == engine["explanation_answer"] + dt.timedelta(days=1)
        for step in steps.values():
            assert step.due is None or step.opens_on <= step.due, (day, step.id)


# --- Every kind of answer, for the three core letters ---------------------------------------

REQUEST_EXPECTED = {
    None: {"reminder:{L}", "cada_referral:{L}"},
    K.complete: set(),
    K.partial: {"reminder:answer:{L}", "cada_referral:answer:{L}"},
    K.refusal_with_reasons: {"cada_referral:answer:{L}"},
    K.refusal_without_reasons: {"cada_referral:answer:{L}"},
    K.asks_identity: {"reminder:{L}", "cada_referral:{L}", "send_document:answer:{L}"},
    K.asks_more_time: {"reminder:{L}", "cada_referral:{L}"},
    K.wrong_body: {"reminder:{L}", "cada_referral:{L}", "{L}:answer:{L}"},
    K.withdrawn: {"check_payments:answer:{L}"},
}
CNIL = {None: "cnil_complaint:{L}", K.partial: "cnil_complaint:answer:{L}",
        K.refusal_with_reasons: "cnil_complaint:answer:{L}", K.refusal_without_reasons: "cnil_complaint:answer:{L}",
        K.asks_identity: "cnil_complaint:{L}", K.asks_more_time: "cnil_complaint:{L}",
        K.wrong_body: "cnil_complaint:{L}"}


def _with_first_appeal(expected: set[str], kind) -> set[str]:
    """The RSA case has a written decision and no appeal yet: the appeal step stays open,
    unless the decision was withdrawn."""
    return expected if kind is K.withdrawn else expected | {"appeal:decision"}


@pytest.mark.parametrize("kind", REQUEST_EXPECTED, ids=lambda k: k.value if k else "no_answer")
def test_explanation_request_each_kind(kind):
    letter = "explanation_request"
    expected = _with_first_appeal({x.format(L=letter) for x in REQUEST_EXPECTED[kind]}, kind)
    assert _ids(_ladder(letter, kind)) == expected


@pytest.mark.parametrize("kind", REQUEST_EXPECTED, ids=lambda k: k.value if k else "no_answer")
def test_document_access_each_kind_adds_the_cnil_for_personal_data(kind):
    letter = "document_access"
    expected = {x.format(L=letter) for x in REQUEST_EXPECTED[kind]}
    if kind in CNIL:
        expected.add(CNIL[kind].format(L=letter))
    expected = _with_first_appeal(expected, kind)
    steps = _ladder(letter, kind)
    assert _ids(steps) == expected
    cnil = [s for s in steps if s.letter_id == "cnil_complaint"]
    assert all(s.due is None and {"rgpd-77", "rgpd-12"} <= set(s.legal_basis) for s in cnil)


APPEAL_SILENCE = {"court:appeal", "mediator_referral:appeal", "defenseur_referral:appeal"}
APPEAL_REJECTED = {"court:answer:appeal", "mediator_referral:answer:appeal", "defenseur_referral:answer:appeal"}
APPEAL_EXPECTED = {
    None: APPEAL_SILENCE,
    K.complete: {"check_payments:answer:appeal"},
    K.partial: APPEAL_REJECTED,
    K.refusal_with_reasons: APPEAL_REJECTED,
    K.refusal_without_reasons: APPEAL_REJECTED | {"explanation_request:answer:appeal"},
    K.asks_identity: APPEAL_SILENCE | {"send_document:answer:appeal"},
    K.asks_more_time: APPEAL_SILENCE,
    K.wrong_body: APPEAL_SILENCE | {"appeal:answer:appeal"},
    K.withdrawn: {"check_payments:answer:appeal"},
}


@pytest.mark.parametrize("kind", APPEAL_EXPECTED, ids=lambda k: k.value if k else "no_answer")
def test_appeal_each_kind(kind):
    assert _ids(_ladder("appeal", kind, answered_on=D(2027, 1, 10))) == APPEAL_EXPECTED[kind]


def test_partial_answer_counts_the_cada_time_from_the_answer():
    steps = _by_id(_ladder("document_access", K.partial, answered_on=D(2026, 12, 10)))
    cada = steps["cada_referral:answer:document_access"]
    assert (cada.opens_on, cada.due) == (D(2026, 12, 10), D(2027, 2, 10))
    assert steps["reminder:answer:document_access"].due == cada.due
    assert cada.follows == "answer:document_access" and cada.key == "followup.step.cada_referral_answer"


def test_late_refusal_never_gives_more_time_than_the_refusal_born_of_silence():
    # Silence refused the request on 23 December (CADA by 23 February); an answer refusing
    # it on 20 February does not move the limit to 20 April.
    cada = _by_id(_ladder("explanation_request", K.refusal_with_reasons, answered_on=D(2027, 2, 20)))[
        "cada_referral:answer:explanation_request"]
    assert cada.due == D(2027, 2, 23)


def test_refusal_without_reasons_cites_the_duty_to_reason_a_refusal_of_documents():
    cada = _by_id(_ladder("document_access", K.refusal_without_reasons))["cada_referral:answer:document_access"]
    assert "crpa-L311-14" in cada.legal_basis
    assert "crpa-L311-14" not in _by_id(_ladder("document_access", K.refusal_with_reasons))[
        "cada_referral:answer:document_access"].legal_basis


@pytest.mark.parametrize("kind", [K.asks_identity, K.wrong_body, K.asks_more_time])
def test_answers_that_decide_nothing_keep_the_first_dates(kind):
    silent = _by_id(_ladder("explanation_request", None))
    pending = _by_id(_ladder("explanation_request", kind, answered_on=D(2026, 12, 1)))
    for step_id in ("reminder:explanation_request", "cada_referral:explanation_request"):
        assert (pending[step_id].opens_on, pending[step_id].due) == (silent[step_id].opens_on, silent[step_id].due)
    appeal_silent = _by_id(_ladder("appeal", None))["court:appeal"]
    appeal_pending = _by_id(_ladder("appeal", kind, answered_on=D(2026, 12, 1)))["court:appeal"]
    assert appeal_pending.due == appeal_silent.due


def test_asks_identity_step_is_not_a_letter_and_names_the_suspension_text():
    step = _by_id(_ladder("document_access", K.asks_identity, answered_on=D(2026, 12, 1)))[
        "send_document:answer:document_access"]
    assert step.letter_id is None and step.due is None and step.opens_on == D(2026, 12, 1)
    assert "crpa-L114-5" in step.legal_basis


def test_wrong_body_resends_the_same_letter_and_keeps_the_appeal_date():
    case = _case()
    resend = _by_id(_ladder("appeal", K.wrong_body, answered_on=D(2026, 12, 1)))["appeal:answer:appeal"]
    assert resend.letter_id == "appeal" and resend.follows == "answer:appeal"
    assert resend.due == analyse(case).appeal.deadline
    assert {"crpa-L114-2", "crpa-L114-3", "crpa-L110-1"} <= set(resend.legal_basis)


def test_data_access_extension_said_in_the_first_month_moves_the_reminder_not_the_cada():
    silent = _by_id(_ladder("document_access", None))
    extended = _by_id(_ladder("document_access", K.asks_more_time, answered_on=D(2026, 12, 15)))
    assert extended["cada_referral:document_access"].due == silent["cada_referral:document_access"].due
    reminder = extended["reminder:document_access"]
    # 23 November + one month (23 December) + two months: 23 February 2027, then the reminder.
    assert reminder.opens_on == D(2027, 2, 24) > silent["reminder:document_access"].opens_on
    assert reminder.due is None      # no limit of its own: the CADA's has not moved
    assert reminder.key == "followup.step.reminder_extended" and "rgpd-12-extension" in reminder.legal_basis
    assert extended["cnil_complaint:document_access"].opens_on == D(2027, 2, 24)


def test_an_extension_announced_after_the_first_month_changes_nothing():
    silent = _ladder("document_access", None)
    late = _ladder("document_access", K.asks_more_time, answered_on=D(2027, 1, 5))
    assert [(s.id, s.opens_on, s.due) for s in late] == [(s.id, s.opens_on, s.due) for s in silent]


def test_more_time_on_an_explanation_request_changes_nothing():
    silent = _ladder("explanation_request", None)
    asked = _ladder("explanation_request", K.asks_more_time, answered_on=D(2026, 12, 15))
    assert [(s.id, s.opens_on, s.due, s.key) for s in asked] == [(s.id, s.opens_on, s.due, s.key) for s in silent]


def test_appeal_rejected_court_from_the_answer_and_reasons_of_a_compulsory_appeal():
    steps = _by_id(_ladder("appeal", K.refusal_without_reasons, answered_on=D(2027, 1, 10)))
    court = steps["court:answer:appeal"]
    assert (court.opens_on, court.due, court.letter_id) == (D(2027, 1, 10), D(2027, 3, 10), None)
    ask = steps["explanation_request:answer:appeal"]
    assert ask.due == court.due and {"crpa-L211-2", "crpa-L211-5"} <= set(ask.legal_basis)


def test_no_reasons_to_ask_after_a_rejected_optional_appeal():
    case = _case(benefit="prime_noel", situation="refusal")
    assert not appeal_route(case).compulsory
    steps = _ladder("appeal", K.refusal_without_reasons, answered_on=D(2027, 1, 10), case=case)
    assert "explanation_request:answer:appeal" not in _ids(steps)


def test_appeal_accepted_and_decision_withdrawn_leave_only_checks():
    accepted = _ladder("appeal", K.complete, answered_on=D(2027, 1, 10))
    assert [(s.letter_id, s.key) for s in accepted] == [(None, "followup.step.check_appeal_accepted")]
    sent = [Sent(letter_id=x, on=SENT_ON) for x in ("explanation_request", "document_access", "appeal")]
    withdrawn = followup.ladder(_case(), sent, [Answer(to_letter="document_access", on=D(2026, 12, 5),
                                                       kind=K.withdrawn)])
    assert [(s.id, s.letter_id, s.legal_basis) for s in withdrawn] == [
        ("check_payments:answer:document_access", None, ["crpa-L240-1"])]


def test_mediator_depends_on_the_route_and_the_body():
    # RSA: the CAF's mediator does not suspend the département's time limit.
    rsa = _by_id(_ladder("appeal", None))["mediator_referral:appeal"]
    assert rsa.key == "followup.step.mediator_referral_optional" and rsa.due is None
    # Family benefits at the CAF: the mediator suspends once the request is admissible.
    family = _by_id(_ladder("appeal", None, case=_case(FAMILY)))["mediator_referral:appeal"]
    assert family.key == "followup.step.mediator_referral" and family.legal_basis == ["css-L217-7-1"]


def test_penalty_appeal_is_the_court_petition_itself():
    case = _case(PENALTY)
    assert appeal_route(case).id == "none"
    steps = _ladder("appeal", None, case=case)
    assert not [s for s in steps if s.id.startswith(("court", "mediator"))]
    assert _ladder("appeal", K.refusal_with_reasons, answered_on=D(2027, 1, 10), case=case) == []


def test_france_travail_compulsory_mediation_has_no_silence_rejection():
    case = _case(organism__kind="france_travail", organism__name=None, benefit="ass", situation="suspension")
    route = appeal_route(case)
    assert route.id == "rapo_france_travail" and not route.silence_is_rejection
    steps = _by_id(_ladder("appeal", None, case=case))
    court = steps["court:appeal"]
    assert court.due is None and court.key == "followup.step.court_after_mediation"
    assert "cja-L213-13" in court.legal_basis and "mediator_referral:appeal" not in steps
    ended = _by_id(_ladder("appeal", K.refusal_with_reasons, answered_on=D(2027, 1, 10), case=case))
    assert ended["court:answer:appeal"].due == D(2027, 3, 10)
    assert ended["court:answer:appeal"].key == "followup.step.court_after_mediation_end"


def test_unemployment_benefit_appeal_does_not_stop_the_court_limit():
    case = _case(organism__kind="france_travail", organism__name=None, benefit="are", situation="refusal",
                 decision__appeal_info_given=True)
    route = appeal_route(case)
    assert not route.interrupts_court_deadline
    court = _by_id(_ladder("appeal", None, case=case))["court:appeal"]
    engine = {d.id: d.date for d in analyse(case).deadlines}
    assert court.opens_on == SENT_ON and court.due == engine["court_limit"]
    assert court.key == "followup.step.court_not_suspended"


def test_cada_referral_leads_to_the_administrative_court():
    sent = [Sent(letter_id="document_access", on=SENT_ON), Sent(letter_id="cada_referral", on=D(2027, 1, 4))]
    steps = _by_id(followup.ladder(_case(), sent, []))
    assert "cada_referral:document_access" not in steps
    court = steps["court:cada_referral"]
    # Two months after the referral (4 March 2027) the refusal is confirmed (from the 5th); two more months.
    assert (court.letter_id, court.opens_on, court.due) == (None, D(2027, 3, 5), D(2027, 5, 4))
    assert {"crpa-R343-5", "cja-R421-1"} <= set(court.legal_basis)
    done = followup.ladder(_case(), sent, [Answer(to_letter="document_access", on=D(2027, 2, 1), kind=K.complete)])
    assert "court:cada_referral" not in _ids(done)


# --- Every step: texts, sending, order, determinism ------------------------------------------

ALL_KINDS = [None, *AnswerKind]
CASES = {"rsa": RSA, "family": FAMILY, "penalty": PENALTY}


def _every_ladder():
    for (name, base), letter, kind in itertools.product(CASES.items(), ("explanation_request", "document_access",
                                                                        "appeal"), ALL_KINDS):
        case = _case(base)
        sent = [Sent(letter_id=x, on=SENT_ON) for x in ("explanation_request", "document_access", "appeal")]
        answers = [Answer(to_letter=letter, on=D(2026, 12, 10), kind=kind)] if kind else []
        yield f"{name}-{letter}-{kind.value if kind else 'none'}", case, sent, answers


def test_every_step_cites_existing_texts_and_has_its_sentence():
    refs = load_refs()
    from assistant.law.texts import sentences
    seen_keys = set()
    for label, case, sent, answers in _every_ladder():
        for step in followup.ladder(case, sent, answers):
            assert step.legal_basis, (label, step.id)
            assert set(step.legal_basis) <= refs.keys(), (label, step.id, set(step.legal_basis) - refs.keys())
            assert step.key.startswith("followup.step.") and step.key in sentences(), (label, step.key)
            assert step.text and "{" not in step.text, (label, step.id)
            assert step.letter_id is None or step.id.startswith(step.letter_id + ":"), step.id
            seen_keys.add(step.key)
    assert len(seen_keys) >= 12


def test_sending_the_steps_letter_removes_the_step():
    for label, case, sent, answers in _every_ladder():
        for step in followup.ladder(case, sent, answers):
            if step.letter_id is None:
                continue
            after = followup.ladder(case, [*sent, Sent(letter_id=step.letter_id, on=step.opens_on)], answers)
            assert step.id not in _ids(after), (label, step.id)


def test_a_letter_sent_before_the_answer_does_not_close_the_step_that_follows_it():
    sent = [Sent(letter_id="document_access", on=SENT_ON), Sent(letter_id="reminder", on=D(2026, 12, 1))]
    steps = followup.ladder(_case(), sent, [Answer(to_letter="document_access", on=D(2026, 12, 10), kind=K.partial)])
    assert "reminder:answer:document_access" in _ids(steps)


def test_a_reminder_never_moves_the_cada_deadline():
    before = _by_id(_ladder("explanation_request", None))["cada_referral:explanation_request"]
    after = _by_id(_ladder("explanation_request", None, extra=[Sent(letter_id="reminder", on=D(2027, 1, 20))]))
    assert "reminder:explanation_request" not in after
    assert after["cada_referral:explanation_request"].due == before.due


def test_steps_are_sorted_by_due_or_opening_then_id():
    for label, case, sent, answers in _every_ladder():
        steps = followup.ladder(case, sent, answers)
        assert [(s.due or s.opens_on, s.id) for s in steps] == sorted((s.due or s.opens_on, s.id) for s in steps)


def test_same_input_same_output_whatever_the_order_of_the_lists():
    case = _case()
    sent = [Sent(letter_id="explanation_request", on=SENT_ON), Sent(letter_id="document_access", on=D(2026, 11, 25)),
            Sent(letter_id="appeal", on=D(2026, 11, 26)), Sent(letter_id="reminder", on=D(2026, 12, 18))]
    answers = [Answer(to_letter="document_access", on=D(2026, 12, 3), kind=K.asks_identity),
               Answer(to_letter="document_access", on=D(2026, 12, 20), kind=K.partial),
               Answer(to_letter="appeal", on=D(2026, 12, 20), kind=K.wrong_body)]
    first = followup.ladder(case, sent, answers)
    assert first == followup.ladder(case, sent, answers)
    assert first == followup.ladder(case, list(reversed(sent)), list(reversed(answers)))
    assert "reminder:answer:document_access" in _ids(first)   # the latest answer counts


def test_history_of_the_case_counts_as_sent():
    case = _case(history__explanation_requested_on="2026-11-10")
    assert "cada_referral:explanation_request" in _ids(followup.ladder(case, [], []))


def test_english_steps_have_the_same_dates():
    sent = [Sent(letter_id=x, on=SENT_ON) for x in ("explanation_request", "document_access", "appeal")]
    french, english = followup.ladder(_case(), sent, [], "fr"), followup.ladder(_case(), sent, [], "en")
    assert [(s.id, s.due, s.key) for s in french] == [(s.id, s.due, s.key) for s in english]
    assert all(f.text != e.text for f, e in zip(french, english))
    assert "tribunal administratif" in _by_id(french)["court:appeal"].text
    assert "administrative court" in _by_id(english)["court:appeal"].text


def test_next_due_is_the_earliest_due_date():
    steps = _ladder("document_access", None, extra=[Sent(letter_id="appeal", on=D(2026, 11, 30))])
    assert followup.next_due(steps) == min(s.due for s in steps if s.due)
    assert followup.next_due([s for s in steps if s.due is None]) is None
    assert followup.next_due([]) is None


@pytest.mark.parametrize("sent,answers,message", [
    ([Sent(letter_id="lettre_inconnue", on=SENT_ON)], [], "courrier inconnu"),
    ([Sent(letter_id="appeal", on=SENT_ON)], [Answer(to_letter="document_access", on=D(2026, 12, 1), kind=K.complete)],
     "pas été envoyé"),
    ([Sent(letter_id="appeal", on=SENT_ON)], [Answer(to_letter="appeal", on=D(2026, 11, 1), kind=K.complete)],
     "précède son envoi"),
])
def test_impossible_letters_or_answers_are_french_errors(sent, answers, message):
    with pytest.raises(FollowupError, match=message):
        followup.ladder(_case(), sent, answers)


# --- The diagnosis ------------------------------------------------------------------------------

NO = {"withdrawn": False, "wrong_body": False, "asks_identity": False, "asks_more_time": False}
CLASSIFIED = [
    ({"withdrawn": True}, K.withdrawn),
    ({"withdrawn": "non", "wrong_body": "oui"}, K.wrong_body),
    ({"withdrawn": "no", "wrong_body": False, "asks_identity": "yes"}, K.asks_identity),
    ({**NO, "asks_more_time": True}, K.asks_more_time),
    ({**NO, "given": "all"}, K.complete),
    ({**NO, "given": "part"}, K.partial),
    ({**NO, "given": "nothing", "reasons": True}, K.refusal_with_reasons),
    ({**NO, "given": "nothing", "reasons": False}, K.refusal_without_reasons),
]


@pytest.mark.parametrize("replies,kind", CLASSIFIED, ids=[k.value for _, k in CLASSIFIED])
def test_classify_each_kind(replies, kind):
    assert followup.classify(replies) is kind
    assert followup.classify(dict(reversed(list(replies.items())))) is kind
    assert followup.next_question(replies) is None


def test_every_kind_can_be_reached():
    assert {kind for _, kind in CLASSIFIED} == set(AnswerKind)


@pytest.mark.parametrize("replies,missing", [
    ({}, "withdrawn"),
    ({"withdrawn": False}, "wrong_body"),
    ({**NO}, "given"),
    ({**NO, "given": "nothing"}, "reasons"),
])
def test_incomplete_replies_are_a_french_error_naming_the_question(replies, missing):
    with pytest.raises(ValueError, match="Réponse manquante") as error:
        followup.classify(replies)
    assert missing in str(error.value)
    assert followup.next_question(replies).id == missing


def test_impossible_reply_or_unknown_question():
    with pytest.raises(ValueError, match="impossible"):
        followup.classify({**NO, "given": "maybe"})
    with pytest.raises(ValueError, match="Question inconnue"):
        followup.classify({"withdrew": True})


def test_questions_are_data_in_both_languages():
    french, english = followup.questions(), followup.questions("en")
    assert [q.id for q in french] == [q.id for q in english] == [qid for qid, _ in followup.QUESTIONS]
    assert all(f.text != e.text and f.text.endswith("?") for f, e in zip(french, english))
    given = next(q for q in french if q.id == "given")
    assert [(c.value, c.kind) for c in given.choices] == [("all", K.complete), ("part", K.partial), ("nothing", None)]


# --- The case to build a step's letter from -----------------------------------------------------

def test_case_for_step_fills_the_history_and_today_so_the_reminder_builds():
    case = _case()
    sent = [Sent(letter_id="explanation_request", on=SENT_ON)]
    step = _by_id(followup.ladder(case, sent, []))["reminder:explanation_request"]
    built = followup.case_for_step(case, sent, [], step, step.opens_on)
    assert built.history.explanation_requested_on == SENT_ON and built.today == step.opens_on
    letter, = build_letters(built, analyse(built), only=["reminder"])
    assert "restée sans réponse" in letter.plain_text()
    assert "reminder" not in analyse(case).letters   # not late on the case's own day


def test_reminder_and_cada_after_a_partial_answer_say_so():
    case = _case()
    sent = [Sent(letter_id="document_access", on=SENT_ON)]
    answers = [Answer(to_letter="document_access", on=D(2026, 12, 10), kind=K.partial)]
    steps = _by_id(followup.ladder(case, sent, answers))
    for step_id, letter_id in (("reminder:answer:document_access", "reminder"),
                               ("cada_referral:answer:document_access", "cada_referral"),
                               ("cnil_complaint:answer:document_access", "cnil_complaint")):
        built = followup.case_for_step(case, sent, answers, steps[step_id], D(2026, 12, 12))
        letter, = build_letters(built, analyse(built), only=[letter_id], answers=answers)
        text = letter.plain_text()
        assert "10 décembre 2026" in text, letter_id
        assert "Je n'ai reçu aucune réponse" not in text and "restée sans réponse." not in text, letter_id
    cada_letter, = build_letters(built, analyse(built), only=["cada_referral"], answers=answers)
    assert "10 février 2027" in cada_letter.guide.answer   # two months from the answer


def test_without_answers_the_follow_up_letters_do_not_build_before_the_month():
    case = _case()
    sent = [Sent(letter_id="document_access", on=SENT_ON)]
    built = followup.case_for_step(case, sent, [], _by_id(followup.ladder(case, sent, []))["reminder:document_access"],
                                   D(2026, 12, 12))
    from assistant.letters import LetterNotApplicable
    with pytest.raises(LetterNotApplicable):
        build_letters(built, analyse(built), only=["reminder"])


def test_reasons_of_a_rejected_appeal_are_asked_of_the_appeal_body():
    case = _case()
    sent = [Sent(letter_id="appeal", on=SENT_ON)]
    answers = [Answer(to_letter="appeal", on=D(2027, 1, 10), kind=K.refusal_without_reasons)]
    step = _by_id(followup.ladder(case, sent, answers))["explanation_request:answer:appeal"]
    built = followup.case_for_step(case, sent, answers, step, D(2027, 1, 12))
    letter, = build_letters(built, analyse(built), only=["explanation_request"], answers=answers)
    keys = [p.key for p in letter.paragraphs]
    assert "appeal_rejection_reasons" in keys
    assert "10 janvier 2027" in letter.plain_text() and "préalable obligatoire" in letter.plain_text()
    assert letter.recipient[0] == analyse(case).appeal.body


def test_appeal_sent_again_to_the_competent_body_builds_and_says_why():
    case = _case()
    sent = [Sent(letter_id="appeal", on=SENT_ON)]
    answers = [Answer(to_letter="appeal", on=D(2026, 12, 1), kind=K.wrong_body)]
    step = _by_id(followup.ladder(case, sent, answers))["appeal:answer:appeal"]
    built = followup.case_for_step(case, sent, answers, step, D(2026, 12, 2))
    assert built.history.appeal_filed_on is None        # the appeal is being sent now
    letter, = build_letters(built, analyse(built), only=["appeal"], answers=answers)
    paragraph = next(p for p in letter.paragraphs if p.key == "first_sent_to_wrong_body")
    assert "1er décembre 2026" in paragraph.text and "crpa-L114-3" in paragraph.cites


def test_case_for_step_refuses_a_letter_sent_after_today():
    case = _case()
    sent = [Sent(letter_id="explanation_request", on=SENT_ON)]
    step = followup.ladder(case, sent, [])[0]
    with pytest.raises(InvalidCase):
        followup.case_for_step(case, sent, [], step, D(2026, 11, 20))


# --- Before any letter: the appeal itself -----------------------------------------------------------

def test_a_new_case_has_the_appeal_step_on_the_analysis_safe_date():
    case = _case()
    [step] = followup.ladder(case, [], [])
    assert (step.id, step.letter_id, step.key) == ("appeal:decision", "appeal", "followup.step.appeal")
    assert step.due == analyse(case).appeal.deadline and step.legal_basis
    assert followup.next_due([step]) == step.due
    assert followup.ladder(case, [Sent(letter_id="appeal", on=SENT_ON)], []) != [step]
    assert "appeal:decision" not in _ids(followup.ladder(case, [Sent(letter_id="appeal", on=SENT_ON)], []))


def test_no_written_decision_no_appeal_step_and_straight_to_court_says_so():
    unwritten = _case(decision__received=False, decision__date=None, decision__received_on=None,
                      context__started_on="2026-11-02")
    assert "appeal:decision" not in _ids(followup.ladder(unwritten, [], []))
    [step] = [s for s in followup.ladder(_case(PENALTY), [], []) if s.id == "appeal:decision"]
    assert step.key == "followup.step.appeal_court"


@pytest.mark.parametrize("situation", ["refusal", "overpayment"])
def test_a_rejected_unemployment_benefit_appeal_sends_to_court_now(situation):
    """ARE (ct-L5422-4): the court's two years run from the decision's notification, whatever
    the recours; after its rejection the step says to go to court without waiting and keeps
    the date counted from the decision, never one counted from the answer."""
    case = _case(organism__kind="france_travail", organism__name=None, benefit="are", situation=situation,
                 decision__appeal_info_given=True)
    from assistant.law.deadlines import court_runs_from_decision

    assert court_runs_from_decision(appeal_route(case))
    from_decision = D(2028, 11, 6)   # received 5 Nov 2026 + two years = Sunday 5 Nov 2028
    court = _by_id(_ladder("appeal", K.refusal_with_reasons, case=case))["court:answer:appeal"]
    assert court.key == "followup.step.court_after_rejection_now"
    assert "sans attendre" in court.text and "à compter de la réponse" not in court.text
    assert court.due == from_decision
    silent = _by_id(_ladder("appeal", None, case=case))["court:appeal"]
    assert silent.due == from_decision
    filed = _case(organism__kind="france_travail", organism__name=None, benefit="are", situation=situation,
                  decision__appeal_info_given=True, history__appeal_filed_on="2026-11-23")
    engine = {d.id: d.date for d in analyse(filed).deadlines}
    assert engine.get("court", from_decision) == from_decision


def test_a_rejected_appeal_elsewhere_still_counts_from_the_answer():
    court = _by_id(_ladder("appeal", K.refusal_with_reasons, case=_case(FAMILY)))["court:answer:appeal"]
    assert court.key == "followup.step.court_after_rejection"
