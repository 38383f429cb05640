"""From a reading to the interview: each proposal as the answer it would be, kept apart from
the person's answers until she confirms it, and the screens still to ask.

A proposal is never an answer (issue 21, point 3): the pages keep these apart from the answers
(never in the sealed draft), show them pre-filled with the words they were read from, and
`confirmed` makes them answers only on the person's word. A screen whose every question was
read, or answered, or may stay empty is folded into the review (`steps_to_ask`), so a person
holding a clear decision answers only what the letter cannot say (when she received it, what
she already did). The answer letter of a body becomes the replies of the follow-up's diagnosis
(`diagnosis_replies`), so the case page pre-selects them for her to confirm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Collection, Mapping, Optional, Sequence

from assistant.casefiles import followup
from assistant.casefiles.followup import Answer, AnswerKind
from assistant.law import interview as iv
from assistant.law.model import RECIPIENT_ADDRESS_FIELDS, Case
from assistant.reading.model import Proposal, Reading

# Questions a person may leave empty: a screen is not kept for them alone.
MAY_STAY_EMPTY = ("text", "amount", "longtext")
ANSWER_KIND = "answer.kind"


@dataclass(frozen=True)
class Prefill:
    """One proposal as an interview answer (as the person would have typed it) and its evidence."""

    answer: Any
    evidence: str


Prefills = Mapping[str, Prefill]


def _as_answer(path: str, value: Any) -> Optional[Any]:
    """The interview's answer for one read value, through `answers_from_case` (the one mapping
    from case values to answers); None when the value does not fit the question."""
    *parents, leaf = path.split(".")
    case: dict = {}
    node = case
    for name in parents:
        node = node.setdefault(name, {})
    node[leaf] = value
    try:
        answer = iv.answers_from_case(case).get(path)
    except (ValueError, TypeError):
        return None               # e.g. a date that is not ISO: left for the person
    if path in RECIPIENT_ADDRESS_FIELDS:
        return answer if isinstance(answer, str) and answer.strip() else None
    question = iv.QUESTIONS[path]
    if question.kind in ("text", "longtext"):
        return iv.within_limit(question, answer) if isinstance(answer, str) and answer.strip() else None
    if question.kind == "amount":
        return answer if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if question.kind == "date":
        return answer if isinstance(answer, dt.date) else None
    if question.kind in ("tristate", "yesno") and not question.case_values:
        return answer if isinstance(value, bool) else None
    return answer if isinstance(answer, str) else None   # one choice: a list of benefits is hers to pick from


def prefills(reading: Reading, answers: Mapping[str, Any] = {}) -> dict[str, Prefill]:
    """The proposals of a decision's reading as interview answers, by question id. A question
    already answered keeps the person's answer (nothing typed is replaced); a value the
    question cannot take (a benefit the body does not pay, a list) is left for her; a decision
    read is a decision received, with the evidence of its date."""
    found: dict[str, Prefill] = {}
    for path, proposal in reading.fields.items():
        known = path in RECIPIENT_ADDRESS_FIELDS or (path in iv.QUESTIONS and iv.QUESTIONS[path].in_case)
        if not known or path in answers:
            continue
        answer = _as_answer(path, proposal.value)
        if answer is not None:
            found[path] = Prefill(answer, proposal.evidence)
    decision = [p for path, p in reading.fields.items() if path.startswith("decision.")]
    if "decision.received" not in found and "decision.received" not in answers and decision:
        found["decision.received"] = Prefill(iv.YES, decision[0].evidence)
    # A choice that depends on another (the benefit on the body) is checked with both.
    shown = view(answers, found)
    for path in [p for p in found if p in iv.QUESTIONS and iv.QUESTIONS[p].kind == "choice"]:
        if found[path].answer not in {o.value for o in iv.options_for(iv.QUESTIONS[path], shown)}:
            del found[path]
    return found


def pending(answers: Mapping[str, Any], proposals: Prefills) -> dict[str, Prefill]:
    """The proposals not yet answered otherwise: what the person still has to confirm."""
    return {qid: p for qid, p in proposals.items() if qid not in answers}


def view(answers: Mapping[str, Any], proposals: Prefills) -> dict[str, Any]:
    """What the screens show and check: the answers, and the proposals where none was given.
    Never what the letters are made from (`confirmed` is)."""
    return {**{qid: p.answer for qid, p in proposals.items()}, **answers}


def confirmed(answers: Mapping[str, Any], proposals: Prefills) -> dict[str, Any]:
    """The answers once the person confirmed every proposal still pending."""
    return view(answers, pending(answers, proposals))


def folded(step: iv.Step, answers: Mapping[str, Any], proposals: Prefills) -> bool:
    """A screen with something read to confirm and nothing left to answer: shown on the
    review only (every question read, answered, or one that may stay empty)."""
    shown = view(answers, proposals)
    waiting = pending(answers, proposals)
    questions = step.visible_questions(shown)
    if not any(q.id in waiting for q in questions):
        return False
    return all(shown.get(q.id) not in (None, "") or (not q.required and q.kind in MAY_STAY_EMPTY)
               for q in questions)


def steps_to_ask(answers: Mapping[str, Any], proposals: Prefills, opened: Collection[str] = ()) -> list[iv.Step]:
    """The interview's screens (« Étape n sur N ») once a letter is read: the visible ones
    but those folded into the review; a folded one the person opened from the review stays."""
    shown = view(answers, proposals)
    return [step for step in iv.visible_steps(shown)
            if step.id in opened or not folded(step, answers, proposals)]


# --- The body's answer to a letter ---------------------------------------------------------


def answer_kind(reading: Reading) -> Optional[tuple[AnswerKind, Proposal]]:
    """The kind of answer read from a body's letter, with its proposal; None when not read."""
    proposal = reading.fields.get(ANSWER_KIND)
    try:
        return (AnswerKind(proposal.value), proposal) if proposal is not None else None
    except ValueError:
        return None


def diagnosis_replies(kind: AnswerKind) -> dict[str, str]:
    """The replies to the follow-up's diagnosis (`followup.QUESTIONS`) that give `kind`: each
    question answered on the way to it, in order, so the case page can pre-select them."""
    replies: dict[str, str] = {}
    for qid, choices in followup.QUESTIONS:
        settling = [value for value, settles in choices if settles == kind]
        replies[qid] = settling[0] if settling else next(value for value, settles in choices if settles is None)
        if settling:
            return replies
    raise ValueError(f"no diagnosis gives {kind}")


def steps_after(case: Case, sent: Sequence[followup.Sent], answers: Sequence[Answer], answer: Answer,
                lang: str = "fr") -> list[followup.Step]:
    """The ladder's next steps once `answer` is recorded: what the person will be offered."""
    return followup.ladder(case, sent, [*answers, answer], lang=lang)
