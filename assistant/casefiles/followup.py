"""What next, once a letter is sent: the follow-up ladder, and what an answer means.

Pure and deterministic. From the letters sent (`Sent`) and the answers received
(`Answer`), `ladder` lists the next steps; each is dated by `deadlines.end_of_period`
from a `legal_refs` period (never a duration typed here), each names its texts.

Read top to bottom like a checklist: the answer diagnosis (questions as data), then the
requests (explanation, documents), the CADA, the appeal, and what each kind of answer
changes. The strictest reading everywhere: a step is never due later than the earliest
date any reading of the texts allows — a reminder, an answer asking for a document or for
more time, or a letter sent to the wrong body never moves a time limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Mapping, Optional, Sequence

from pydantic import BaseModel, ConfigDict

from assistant.law.analysis import HISTORY_FIELD_OF_LETTER
from assistant.law.appeals import Route, appeal_route
from assistant.law.deadlines import (
    add_months, appeal_basis, appeal_deadline, appeal_start, case_deadlines, court_runs_from_decision,
    end_of_period,
)
from assistant.law.legal_refs import period
from assistant.letters.build import LETTER_IDS
from assistant.law.model import Case, parse_case
from assistant.law.places import holiday_region
from assistant.law.rights import Finding, find_rights
from assistant.law.texts import Note, note, say


class FollowupError(ValueError):
    """Sent letters or answers that cannot be: the message is French and names the letter."""


DAY = dt.timedelta(days=1)


# --- What was sent, what was answered ------------------------------------------------------

class AnswerKind(str, Enum):
    """What the body answered."""

    complete = "complete"
    partial = "partial"
    refusal_with_reasons = "refusal_with_reasons"
    refusal_without_reasons = "refusal_without_reasons"
    asks_identity = "asks_identity"
    asks_more_time = "asks_more_time"
    wrong_body = "wrong_body"
    withdrawn = "withdrawn"


# Answers that refuse all or part of what was asked: an explicit refusal, with its own dates.
REFUSING = frozenset({AnswerKind.partial, AnswerKind.refusal_with_reasons, AnswerKind.refusal_without_reasons})
# Answers that decide nothing yet: the dates of the first letter stay (strictest reading).
PENDING = frozenset({AnswerKind.asks_identity, AnswerKind.asks_more_time, AnswerKind.wrong_body})


class Sent(BaseModel):
    """A letter of the catalogue, sent on a day (the day of sending: earlier than its receipt,
    so every date counted from it is on the safe side)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    letter_id: str
    on: dt.date


class Answer(BaseModel):
    """An answer received to a letter sent (recorded against the letter it answers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    to_letter: str
    on: dt.date
    kind: AnswerKind


class Step(BaseModel):
    """One next step: a letter of ours to send, or something to do (court, checks)."""

    model_config = ConfigDict(frozen=True)
    id: str                        # stable, e.g. "cada_referral:document_access"
    letter_id: Optional[str]       # the catalogue letter to send; None when the step is not a letter of ours
    opens_on: dt.date              # from when the step makes sense
    due: Optional[dt.date]         # safe last day; None: no legal limit
    key: str                       # sentence key in data/sentences.yaml
    text: str                      # that sentence, rendered
    legal_basis: list[str]         # legal_refs ids, never empty
    follows: str                   # the letter id, or "answer:<letter>", it follows


# --- The diagnosis: a few questions that classify an answer --------------------------------
# Asked in this order until a choice settles the kind. The wording is data
# (`followup.question.<id>`, `followup.choice.<value>` in data/sentences.yaml).

class Choice(BaseModel):
    model_config = ConfigDict(frozen=True)
    value: str
    text: str
    kind: Optional[AnswerKind]     # the kind this choice settles; None: ask the next question


class Question(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    text: str
    choices: list[Choice]


def _yes_is(kind: AnswerKind) -> tuple[tuple[str, Optional[AnswerKind]], ...]:
    return (("yes", kind), ("no", None))


QUESTIONS: tuple[tuple[str, tuple[tuple[str, Optional[AnswerKind]], ...]], ...] = (
    ("withdrawn", _yes_is(AnswerKind.withdrawn)),
    ("wrong_body", _yes_is(AnswerKind.wrong_body)),
    ("asks_identity", _yes_is(AnswerKind.asks_identity)),
    ("asks_more_time", _yes_is(AnswerKind.asks_more_time)),
    ("given", (("all", AnswerKind.complete), ("part", AnswerKind.partial), ("nothing", None))),
    ("reasons", (("yes", AnswerKind.refusal_with_reasons), ("no", AnswerKind.refusal_without_reasons))),
)
_SPOKEN = {True: "yes", False: "no", "oui": "yes", "non": "no"}


def questions(lang: str = "fr") -> list[Question]:
    """The diagnosis questions, in the order to ask them."""
    return [Question(id=qid, text=say(f"followup.question.{qid}", lang),
                     choices=[Choice(value=v, text=say(f"followup.choice.{v}", lang), kind=k) for v, k in choices])
            for qid, choices in QUESTIONS]


def _reply(replies: Mapping[str, "str | bool"], qid: str) -> Optional[str]:
    value = replies.get(qid)
    if value is None:
        return None
    if isinstance(value, bool):
        return _SPOKEN[value]
    text = str(value).strip().lower()
    return _SPOKEN.get(text, text)


def next_question(replies: Mapping[str, "str | bool"], lang: str = "fr") -> Optional[Question]:
    """The question to ask next, or None once the replies settle the kind."""
    try:
        classify(replies)
        return None
    except _Missing as missing:
        return next(q for q in questions(lang) if q.id == missing.question)


class _Missing(ValueError):
    def __init__(self, question: str):
        self.question = question
        super().__init__(f"Réponse manquante à la question « {say(f'followup.question.{question}')} » "
                         f"(identifiant « {question} »).")


def classify(replies: Mapping[str, "str | bool"]) -> AnswerKind:
    """The kind of answer from the replies to `questions()`, by question id. A yes/no reply
    may be True/False, "yes"/"no" or "oui"/"non". Raises ValueError (French) when a
    question on the way is unanswered, a reply is not one of its choices, or an id is unknown."""
    known = {qid for qid, _ in QUESTIONS}
    unknown = sorted(set(replies) - known)
    if unknown:
        raise ValueError(f"Question inconnue : {', '.join(unknown)}. Questions possibles : {', '.join(sorted(known))}.")
    for qid, choices in QUESTIONS:
        reply = _reply(replies, qid)
        if reply is None:
            raise _Missing(qid)
        settles = dict(choices)
        if reply not in settles:
            raise ValueError(f"Réponse « {replies[qid]} » impossible à la question « {qid} » : "
                             f"choisissez parmi {', '.join(settles)}.")
        if settles[reply] is not None:
            return settles[reply]
    raise AssertionError("QUESTIONS must settle every path")  # the last question settles both ways


# --- Dates ------------------------------------------------------------------------------------

def _period_end(start: dt.date, ref_id: str, on: dt.date) -> dt.date:
    """The last day of a legal_refs period (in force on the decision's date `on`) before any
    weekend or holiday shift: the earliest day a period chained after it can be counted from."""
    length = period(ref_id, on)
    return add_months(start, length.months + 12 * length.years) + dt.timedelta(days=length.days)


def _after(start: dt.date, ref_id: str, region: Optional[str], on: dt.date) -> dt.date:
    """The first day after the body's answer time (`ref_id`) has run out, counted as the
    engine does (end_of_period: the body has until the next working day): the day its
    silence has become a refusal, and the catalogue's follow-up letters are « late »."""
    return end_of_period(start, period(ref_id, on), region) + DAY


def _chained(start: dt.date, first_ref: str, then_ref: str, region: Optional[str],
             on: dt.date) -> tuple[dt.date, dt.date]:
    """(the day after `first_ref`'s period, safe last day of `then_ref`'s period that follows).

    The opening is the generous reading (nothing is sent before the refusal exists), the
    limit the strict one: counted from the unshifted end of the first period, so that a
    refusal born on a Saturday never gives two more days to the next time limit."""
    return (_after(start, first_ref, region, on),
            end_of_period(_period_end(start, first_ref, on), period(then_ref, on), region))


# --- The facts the ladder reads -------------------------------------------------------------

@dataclass(frozen=True)
class _Facts:
    case: Case
    region: Optional[str]
    on: dt.date                                # the decision's date: which legal values apply
    route: Route
    found: dict[str, Finding]
    sent: dict[str, tuple[dt.date, ...]]       # letter → days sent, oldest first
    answer: dict[str, Answer]                  # letter → its latest answer

    def first(self, letter: str) -> Optional[dt.date]:
        days = self.sent.get(letter)
        return days[0] if days else None


def _sent_days(case: Case, sent: Sequence[Sent]) -> dict[str, tuple[dt.date, ...]]:
    """Days each letter was sent: the list given, plus the case's own history."""
    days: dict[str, set[dt.date]] = {}
    for item in sent:
        if item.letter_id not in LETTER_IDS:
            raise FollowupError(f"courrier inconnu : « {item.letter_id} ». Courriers possibles : {', '.join(LETTER_IDS)}.")
        days.setdefault(item.letter_id, set()).add(item.on)
    for letter, field in HISTORY_FIELD_OF_LETTER.items():
        day = getattr(case.history, field)
        if day is not None:
            days.setdefault(letter, set()).add(day)
    return {letter: tuple(sorted(found)) for letter, found in sorted(days.items())}


def latest_answers(answers: Sequence[Answer]) -> dict[str, Answer]:
    """The answer that counts for each letter: the latest (same day: by kind, so that the
    result never depends on the order of the list)."""
    out: dict[str, Answer] = {}
    for answer in sorted(answers, key=lambda a: (a.on, a.kind.value)):
        out[answer.to_letter] = answer
    return out


def _facts(case: Case, sent: Sequence[Sent], answers: Sequence[Answer]) -> _Facts:
    days = _sent_days(case, sent)
    for answer in answers:
        if answer.to_letter not in LETTER_IDS:
            raise FollowupError(f"réponse à un courrier inconnu : « {answer.to_letter} ».")
        if answer.to_letter not in days:
            raise FollowupError(f"réponse du {answer.on.isoformat()} à un courrier qui n'a pas été envoyé : "
                                f"« {answer.to_letter} ». Enregistrez d'abord son envoi.")
        if answer.on < days[answer.to_letter][0]:
            raise FollowupError(f"la réponse du {answer.on.isoformat()} à « {answer.to_letter} » précède son envoi, "
                                f"le {days[answer.to_letter][0].isoformat()}.")
    route = appeal_route(case)
    return _Facts(case=case, region=holiday_region(case.claimant.postal_code), on=case.decision_date, route=route,
                  found={f.id: f for f in find_rights(case, route)}, sent=days, answer=latest_answers(answers))


def _with_history(case: Case, facts: _Facts) -> Case:
    """The case with the first sending of each core letter in its history (not validated:
    for the engine's own date computations only)."""
    update = {field: facts.first(letter) for letter, field in HISTORY_FIELD_OF_LETTER.items() if facts.first(letter)}
    return case.model_copy(update={"history": case.history.model_copy(update=update)})


# --- Steps ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Rule:
    """A step before rendering; `since` is the day of the event it follows: a letter sent on
    or after that day completes it."""

    id: str
    letter_id: Optional[str]
    opens_on: dt.date
    due: Optional[dt.date]
    said: Note
    legal_basis: tuple[str, ...]
    follows: str
    since: dt.date

    def step(self, lang: str) -> Step:
        return Step(id=self.id, letter_id=self.letter_id, opens_on=self.opens_on, due=self.due, key=self.said.key,
                    text=self.said.text(lang), legal_basis=list(dict.fromkeys(self.legal_basis)), follows=self.follows)


def _rule(what: str, letter_id: Optional[str], opens_on: dt.date, due: Optional[dt.date], said: Note,
          legal_basis: tuple[str, ...], follows: str, since: dt.date) -> _Rule:
    return _Rule(f"{what}:{follows}", letter_id, opens_on, due, said, legal_basis, follows, since)


def _request_rules(facts: _Facts, letter: str) -> list[_Rule]:
    """explanation_request / document_access.

    No answer (crpa-R311-13, rgpd-12): one month of silence is a refusal; then a reminder
    and the CADA, compulsory before court (crpa-L342-1), within two months of the refusal
    (crpa-R343-1); for personal data, the CNIL too (rgpd-77, no time limit). A refusal of
    all or part (crpa-L342-1): the same, counted from the answer, never later than the
    implicit refusal's own limit. A request for a document (crpa-L114-5), for more time
    (rgpd-12-extension: data only, said within the first month) or a transmission to
    another body (crpa-L114-2, crpa-L114-3): the first dates stay."""
    sent_on = facts.first(letter)
    if sent_on is None:
        return []
    answer = facts.answer.get(letter)
    kind = answer.kind if answer else None
    if kind is AnswerKind.complete:
        return []
    data = letter == "document_access" and "gdpr_access" in facts.found
    refusal, cada_due = _chained(sent_on, "crpa-R311-13", "crpa-R343-1", facts.region, facts.on)
    # The engine's own date for the same limit (deadlines.case_deadlines): never exceeded.
    engine = {d.id: d.date for d in case_deadlines(_with_history(facts.case, facts), facts.route)}
    what = "explanation" if letter == "explanation_request" else "documents"
    cada_due = min(cada_due, engine.get(f"cada_after_{what}", cada_due))
    data_basis = ("rgpd-12",) if data else ()
    cada_basis = ("crpa-L342-1", "crpa-R343-1")

    if kind in REFUSING:
        assert answer is not None
        follows, on = f"answer:{letter}", answer.on
        due = min(cada_due, end_of_period(on, period("crpa-R343-1", facts.on), facts.region))
        rules = []
        if kind is AnswerKind.partial:
            rules.append(_rule("reminder", "reminder", on, due, note("followup.step.reminder_partial"),
                               (*cada_basis, *data_basis), follows, on))
        rules.append(_rule("cada_referral", "cada_referral", on, due,
                           note("followup.step.cada_referral_answer", time="time:crpa-R343-1"),
                           (*cada_basis, *(("crpa-L311-14",) if kind is AnswerKind.refusal_without_reasons else ())),
                           follows, on))
        if data:
            rules.append(_rule("cnil_complaint", "cnil_complaint", on, None, note("followup.step.cnil_complaint"),
                               ("rgpd-77", "rgpd-12"), follows, on))
        return rules

    reminder_opens, reminder_note = refusal, note("followup.step.reminder", time="time:crpa-R311-13")
    reminder_basis: tuple[str, ...] = ("crpa-R311-13", "crpa-R343-1", *data_basis)
    reminder_due: Optional[dt.date] = cada_due
    data_unanswered = _after(sent_on, "rgpd-12", facts.region, facts.on)
    extended = (data and kind is AnswerKind.asks_more_time and answer is not None and answer.on < data_unanswered)
    if extended:
        # The controller may take two more months if it says so within the first month
        # (rgpd-12-extension): the reminder for the data waits, with no limit of its own;
        # the CADA limit still runs from the refusal of crpa-R311-13 and does not move.
        reminder_opens = end_of_period(_period_end(sent_on, "rgpd-12", facts.on), period("rgpd-12-extension", facts.on), facts.region) + DAY
        reminder_note = note("followup.step.reminder_extended", time="time:rgpd-12-extension")
        reminder_basis, reminder_due = ("rgpd-12-extension", "crpa-R343-1"), None
    rules = [
        _rule("reminder", "reminder", reminder_opens, reminder_due, reminder_note, reminder_basis, letter, sent_on),
        _rule("cada_referral", "cada_referral", refusal, cada_due,
              note("followup.step.cada_referral", time="time:crpa-R343-1"), (*cada_basis, "crpa-R311-13"),
              letter, sent_on),
    ]
    if data:
        rules.append(_rule("cnil_complaint", "cnil_complaint", reminder_opens if extended else data_unanswered, None,
                           note("followup.step.cnil_complaint"), ("rgpd-77", "rgpd-12"), letter, sent_on))
    rules += _pending_rules(facts, letter, answer, deadline_basis=("crpa-R311-13", *data_basis))
    return rules


def _pending_rules(facts: _Facts, letter: str, answer: Optional[Answer], deadline_basis: tuple[str, ...],
                   resend_due: Optional[dt.date] = None) -> list[_Rule]:
    """The extra step of an answer that decides nothing yet; the letter's dates stay.

    asks_identity: send the document (crpa-L114-5 may suspend the time; we do not count on
    it). wrong_body: send the same letter to the competent body (crpa-L114-2: the first body
    had to pass it on; crpa-L114-3: the time runs from the first receipt; crpa-L110-1: an
    appeal is a request too)."""
    if answer is None or answer.kind not in {AnswerKind.asks_identity, AnswerKind.wrong_body}:
        return []
    follows, on = f"answer:{letter}", answer.on
    if answer.kind is AnswerKind.asks_identity:
        return [_rule("send_document", None, on, None, note("followup.step.send_document"),
                      ("crpa-L114-5", *deadline_basis), follows, on)]
    appeal_basis = ("crpa-L110-1",) if letter == "appeal" else ()
    return [_rule(letter, letter, on, resend_due, note("followup.step.resend"),
                  ("crpa-L114-2", "crpa-L114-3", *appeal_basis), follows, on)]


def _cada_rules(facts: _Facts) -> list[_Rule]:
    """After the CADA referral: the administration's silence two months after the
    referral's registration confirms the refusal (crpa-R343-5); then the tribunal
    administratif within two months (cja-R421-1). Counted from the day the referral was
    sent, earlier than its registration: on the safe side."""
    referred_on = facts.first("cada_referral")
    if referred_on is None:
        return []
    cada_answer = facts.answer.get("cada_referral")
    requests_open = [r for r in ("explanation_request", "document_access")
                     if facts.first(r) and not (r in facts.answer and facts.answer[r].kind is AnswerKind.complete)]
    if not requests_open or (cada_answer and cada_answer.kind is AnswerKind.complete):
        return []
    refusal, due = _chained(referred_on, "crpa-R343-5", "cja-R421-1", facts.region, facts.on)
    return [_rule("court", None, refusal, due,
                  note("followup.step.court_after_cada", time="time:crpa-R343-5", court_time="time:cja-R421-1"),
                  ("crpa-R343-5", "crpa-L342-1", "cja-R421-1"), "cada_referral", referred_on)]


def _mediator_rule(facts: _Facts, opens_on: dt.date, court_due: Optional[dt.date], follows: str,
                   since: dt.date) -> list[_Rule]:
    """The body's mediator once the appeal is rejected (css-L217-7-1, crpm-L723-34-1,
    ct-L5312-12-1), while no court action is under way; where it is compulsory before the
    administrative court (ct-R5312-47, cja-L213-11), by the court's limit, which it
    interrupts (cja-L213-13). Not where the appeal was itself the mediation or the court."""
    finding = facts.found.get("mediator")
    route = facts.route
    if finding is None or route.id in {"rapo_france_travail", "none"}:
        return []
    facts_said = {n.key for n in finding.why}
    if route.mediation_before_court:
        said, due = note("followup.step.mediator_referral_compulsory"), court_due
        basis: tuple[str, ...] = (*finding.legal_basis, "ct-R5312-47", "cja-L213-11", "cja-L213-13")
    elif facts_said & {"fact.mediator.general_suspends", "fact.mediator.msa_suspends"}:
        said, due, basis = note("followup.step.mediator_referral"), None, finding.legal_basis
    else:
        said, due, basis = note("followup.step.mediator_referral_optional"), None, finding.legal_basis
    return [_rule("mediator_referral", "mediator_referral", opens_on, due, said, basis, follows, since)]


def _defenseur_rule(facts: _Facts, opens_on: dt.date, follows: str, since: dt.date) -> list[_Rule]:
    """The Défenseur des droits, free, in parallel (lo-2011-333-4); it does not stop the
    court's time limit (lo-2011-333-6), except where mediation is compulsory (cja-L213-14)."""
    finding = facts.found.get("defenseur_des_droits")
    if finding is None:
        return []
    effect = next(n for n in finding.why if n.key in {"fact.defenseur_des_droits.interrupts",
                                                      "fact.defenseur_des_droits.no_suspension"})
    return [_rule("defenseur_referral", "defenseur_referral", opens_on, None,
                  note("followup.step.defenseur_referral", effect=effect), finding.legal_basis, follows, since)]


def _court_limit(facts: _Facts) -> Optional[dt.date]:
    """Where the appeal does not stop the court's time limit, or that limit runs from the
    decision whatever the appeal (ARE, ct-L5422-4), it still runs from the decision
    (route.court_ref)."""
    route, start = facts.route, appeal_start(facts.case)
    if (route.interrupts_court_deadline and not court_runs_from_decision(route)) or start is None:
        return None
    return end_of_period(start, period(route.court_ref, facts.on), facts.region)


def _first_appeal_rule(facts: _Facts) -> list[_Rule]:
    """Before any appeal: the appeal itself, due on the safe date of the analysis (the most
    urgent date of a new case, which the dashboard sorts on). Nothing when no written
    decision started a time limit, or when the analysis found no appeal right."""
    route, case = facts.route, facts.case
    start, due = appeal_start(case), appeal_deadline(case, route)
    if start is None or due is None or "appeal" not in facts.found:
        return []
    key = "followup.step.appeal_court" if route.id == "none" else "followup.step.appeal"
    return [_rule("appeal", "appeal", start, due, note(key), appeal_basis(route), "decision", start)]


def _appeal_rules(facts: _Facts) -> list[_Rule]:
    """The appeal (route of assistant.law.appeals).

    No answer: where silence is a rejection (route.answer_ref), the court after it within
    route.court_ref, then the mediator and the Défenseur des droits; a mediation ends only
    when declared over (cja-L213-13); route "none": the appeal was the court petition. A
    rejection of all or part: the court from the answer (never later than the silence's
    own limit), mediator, Défenseur; without reasons, the reasons of a rejected compulsory
    appeal (crpa-L211-2 8°, crpa-L211-5). Accepted: check the payments. Route "none": the
    answer is the court's judgment, beyond this ladder."""
    route = facts.route
    filed_on = facts.first("appeal")
    if filed_on is None:
        return _first_appeal_rule(facts)
    answer = facts.answer.get("appeal")
    kind = answer.kind if answer else None
    court = route.court_note
    limit = _court_limit(facts)
    first_text = route.legal_basis[:1]

    if kind is AnswerKind.complete:
        assert answer is not None
        return [_rule("check_payments", None, answer.on, None, note("followup.step.check_appeal_accepted"),
                      first_text, "answer:appeal", answer.on)]

    # The silence's own dates, from the engine (deadlines.case_deadlines) and chained strictly.
    engine = {d.id: d.date for d in case_deadlines(_with_history(facts.case, facts), facts.route)}
    silent_court_due: Optional[dt.date] = None
    rejection = filed_on
    if route.id != "none" and route.silence_is_rejection:
        rejection, silent_court_due = _chained(filed_on, route.answer_ref, route.court_ref, facts.region, facts.on)
        rejection = engine["appeal_answer"] + DAY if "appeal_answer" in engine else rejection
        silent_court_due = min(x for x in (silent_court_due, engine.get("court"), limit) if x)

    if kind in REFUSING:
        assert answer is not None
        follows, on = "answer:appeal", answer.on
        if route.id == "none":
            return []   # the appeal was the court petition: its answer is a judgment, out of this ladder
        due = min(x for x in (end_of_period(on, period(route.court_ref, facts.on), facts.region), silent_court_due, limit) if x)
        if court_runs_from_decision(route):
            # ARE: the limit ran from the decision, never from this answer: go now.
            said = note("followup.step.court_after_rejection_now", court=court)
        elif not route.silence_is_rejection:
            said = note("followup.step.court_after_mediation_end", court=court, time=f"time:{route.court_ref}")
        else:
            said = note("followup.step.court_after_rejection", court=court, time=f"time:{route.court_ref}")
        basis = ("cja-L213-13", route.court_ref) if not route.silence_is_rejection else (route.court_ref,)
        rules = [_rule("court", None, on, due, said, basis, follows, on)]
        if kind is AnswerKind.refusal_without_reasons and route.compulsory:
            rules.append(_rule("explanation_request", "explanation_request", on, due,
                               note("followup.step.ask_rejection_reasons"), ("crpa-L211-2", "crpa-L211-5"),
                               follows, on))
        rules += _mediator_rule(facts, on, due, follows, on)
        rules += _defenseur_rule(facts, on, follows, on)
        return rules

    rules: list[_Rule] = []
    if route.id == "none":
        pass   # the appeal letter was the petition to the court itself
    elif not route.silence_is_rejection:
        rules.append(_rule("court", None, filed_on, None,
                           note("followup.step.court_after_mediation", court=court, time=f"time:{route.court_ref}"),
                           ("cja-L213-13", route.court_ref), "appeal", filed_on))
    elif not route.interrupts_court_deadline:
        rules.append(_rule("court", None, filed_on, silent_court_due,
                           note("followup.step.court_not_suspended", court=court), (route.court_ref,),
                           "appeal", filed_on))
    else:
        rules.append(_rule("court", None, rejection, silent_court_due,
                           note("followup.step.court", court=court, time=f"time:{route.answer_ref}",
                                court_time=f"time:{route.court_ref}"),
                           (route.answer_ref, route.court_ref), "appeal", filed_on))
    if route.id != "none" and route.silence_is_rejection:
        rules += _mediator_rule(facts, rejection, silent_court_due, "appeal", filed_on)
    rules += _defenseur_rule(facts, rejection, "appeal", filed_on)
    rules += _pending_rules(facts, "appeal", answer, deadline_basis=(route.answer_ref,),
                            resend_due=appeal_deadline(facts.case, route))
    return rules


def _withdrawn_rule(facts: _Facts) -> Optional[_Rule]:
    """The body withdrew its decision: it disappears for the past too (crpa-L240-1). Only
    the checks remain: payments back with arrears, overpayment cancelled."""
    withdrawn = sorted((a for a in facts.answer.values() if a.kind is AnswerKind.withdrawn),
                       key=lambda a: (a.on, a.to_letter))
    if not withdrawn:
        return None
    first = withdrawn[0]
    return _rule("check_payments", None, first.on, None, note("followup.step.check_withdrawn"), ("crpa-L240-1",),
                 f"answer:{first.to_letter}", first.on)


def _rules(facts: _Facts) -> list[_Rule]:
    withdrawn = _withdrawn_rule(facts)
    if withdrawn is not None:
        return [withdrawn]
    return [*_request_rules(facts, "explanation_request"), *_request_rules(facts, "document_access"),
            *_cada_rules(facts), *_appeal_rules(facts)]


def _done(rule: _Rule, facts: _Facts) -> bool:
    """A letter step is done once that letter was sent on or after the event it follows."""
    return rule.letter_id is not None and any(day >= rule.since for day in facts.sent.get(rule.letter_id, ()))


def ladder(case: Case, sent: Sequence[Sent], answers: Sequence[Answer], lang: str = "fr") -> list[Step]:
    """The next steps still open, sorted by (due or opens_on, id). The case's own history
    counts as letters sent. Raises FollowupError (French) for an unknown letter, or an
    answer to a letter never sent or dated before it."""
    facts = _facts(case, sent, answers)
    open_rules = [r for r in _rules(facts) if not _done(r, facts)]
    steps = [r.step(lang) for r in open_rules]
    return sorted(steps, key=lambda s: (s.due or s.opens_on, s.id))


def next_due(steps: Sequence[Step]) -> Optional[dt.date]:
    """The earliest due date of the steps (for the dashboard); None when none has one."""
    return min((s.due for s in steps if s.due is not None), default=None)


def case_for_step(case: Case, sent: Sequence[Sent], answers: Sequence[Answer], step: Step, today: dt.date) -> Case:
    """The case to build the step's letter from: the history filled with the first sending
    of each core letter, `today` as the reference date, so that the catalogue's « late »
    flags are right. The step's own letter, when it is a core letter sent again (to the
    competent body), is left out of the history: it is being sent now. Pass the same
    `answers` to `build_letters(…, answers=…)` for the wording that depends on them.
    Raises InvalidCase (French) if a letter was sent after `today`."""
    facts = _facts(case, sent, answers)
    history = case.history.model_dump()
    for letter, field in HISTORY_FIELD_OF_LETTER.items():
        sent_again = letter == step.letter_id and step.follows in (letter, f"answer:{letter}")
        history[field] = None if sent_again else facts.first(letter)
    data = case.model_dump(mode="json")
    data["history"] = {k: (v.isoformat() if v else None) for k, v in history.items()}
    data["today"] = today.isoformat()
    return parse_case(data)


def ladder_events(events: Sequence[object]) -> tuple[list[Sent], list[Answer]]:
    """The ladder's view of a case's events (stored events, or their kind, letter_id, on and
    answer_kind columns)."""
    sent = [Sent(letter_id=e.letter_id, on=e.on) for e in events if e.kind == "sent" and e.letter_id]
    answers = [Answer(to_letter=e.letter_id, on=e.on, kind=AnswerKind(e.answer_kind))
               for e in events if e.kind == "answer" and e.letter_id and e.answer_kind]
    return sent, answers
