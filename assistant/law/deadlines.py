"""When: the safe date of every time limit that matters for the case.

The "safe date" (CONTRACT §2): the same day number N months later (the month's last day
when that day does not exist), moved to the next working day when it falls on a
Saturday, Sunday or public holiday where the claimant lives. Never a "délai franc"
extra day: we never tell anyone they have more time than the strictest reading gives.
The lengths of the periods come from `legal_refs` entries, never from this file.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from assistant.law import bodies
from assistant.law.appeals import Route
from assistant.law.legal_refs import Period, period
from assistant.law.model import Case, Situation
from assistant.law.places import holiday_region
from assistant.law.texts import Note, note


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day number `months` later, or the last day of that month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


HOLIDAYS_DATA = Path(__file__).resolve().parent / "data" / "holidays.yaml"


@lru_cache(maxsize=1)
def _local_holiday_rules() -> dict:
    import yaml

    return yaml.safe_load(HOLIDAYS_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=256)
def _holidays(year: int, region: Optional[str]) -> frozenset[dt.date]:
    """National public holidays (C. trav. L3133-1), plus the local ones in law where the
    person lives (L3134-13 Alsace-Moselle, L3422-2 overseas) — never customary days off."""
    import holidays
    from dateutil.easter import easter  # a dependency of `holidays`

    days = set(holidays.France(years=year).keys())
    rule = _local_holiday_rules().get(region) if region else None
    if rule:
        days.update(easter(year) + dt.timedelta(days=offset) for offset in rule.get("easter_offsets", []))
        days.update(dt.date(year, int(md[:2]), int(md[3:])) for md in rule.get("fixed", []))
    return frozenset(days)


def is_working_day(day: dt.date, region: Optional[str] = None) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year, region)


def next_working_day(day: dt.date, region: Optional[str] = None) -> dt.date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day, region):
        day += dt.timedelta(days=1)
    return day


def previous_working_day(day: dt.date, region: Optional[str] = None) -> dt.date:
    """The day itself if it is a working day, else the last working day before it."""
    while not is_working_day(day, region):
        day -= dt.timedelta(days=1)
    return day


def period_end(start: dt.date, length: Period) -> dt.date:
    """The calendar end of a period, not moved past a weekend or holiday: the day a silence
    becomes a refusal, from which the next time limit runs (strictest reading)."""
    return add_months(start, length.months + 12 * length.years) + dt.timedelta(days=length.days)


def end_of_period(start: dt.date, length: Period, region: Optional[str] = None) -> dt.date:
    """Safe last day of a period that starts on `start` (e.g. the day of receipt)."""
    return next_working_day(period_end(start, length), region)


@dataclass(frozen=True)
class Deadline:
    id: str
    date: dt.date
    label: Note                  # a keyed sentence (data/sentences.yaml), rendered per language
    legal_basis: tuple[str, ...]


# The dates on which a body's silence becomes a refusal (crpa-R311-13, the routes' answer
# times, the request's silence period): a fact to know, not a last day for the person to act.
SILENCE_DATES = frozenset({"implicit_decision", "explanation_answer", "documents_answer", "appeal_answer"})


def is_last_day(deadline_id: str) -> bool:
    """Whether a deadline's date is the last day the person may act (said « au plus tard le »)."""
    return deadline_id not in SILENCE_DATES


def appeal_start(case: Case) -> Optional[dt.date]:
    """When the appeal time limit starts: receipt of a written decision.

    With no receipt date, the decision's own date is the earliest possible receipt,
    hence the safe start. Nothing starts without a written decision.
    """
    if not case.decision.is_written:
        return None
    return case.decision.received_on or case.decision.date


# Per route: the entry whose `deadline` is the time after which the body's silence on the
# person's own request is a refusal (a decision born on a known date). Routes absent here
# have no such period encoded: no implicit decision date is computed for them.
REQUEST_SILENCE_REFS = {"rapo_mdph": "casf-R241-33"}


def request_silence_ref(route: Route) -> Optional[str]:
    return REQUEST_SILENCE_REFS.get(route.id)


def implicit_decision_on(case: Case, route: Route) -> Optional[dt.date]:
    """A request left unanswered (`decision.request_filed_on`, no written decision): the day
    the body's silence became a refusal, the calendar end of its silence period (its
    REQUEST_SILENCE_REFS entry, casf-R241-33 for the CDAPH) in force on the request's date,
    never moved past a weekend. None when no such period is encoded for the route."""
    d, ref_id = case.decision, request_silence_ref(route)
    if d.is_written or d.request_filed_on is None or ref_id is None:
        return None
    return period_end(d.request_filed_on, period(ref_id, d.request_filed_on))


def silence_start(case: Case, route: Route) -> Optional[dt.date]:
    """When the time limit against the implicit refusal starts: its date, if the
    acknowledgement of receipt stated the routes and time limits (css-R142-1-A III,
    crpa-L112-6) — and also when the person does not know (the strictest reading: the safe
    date as if it had). None when it did not state them: no time limit runs."""
    if case.decision.acknowledgement_states_time_limits is False:
        return None
    return implicit_decision_on(case, route)


def appeal_deadline(case: Case, route: Route) -> Optional[dt.date]:
    """The safe date for the first step. Where that step does not stop the court time
    limit (ARE: the prescription runs on), it must leave the body its whole answer time
    before the court limit ends: never later than that limit minus the silence period."""
    start = appeal_start(case) or silence_start(case, route)
    if start is None:
        return None
    region, on = holiday_region(case.claimant.postal_code), case.decision_date
    end = end_of_period(start, period(route.deadline_ref, on), region)
    if route.may_be_sanction:
        # The stop may be a sanction (radiation): its compulsory mediation has the shorter
        # time limit, and the safe date never offers a day the person may not have.
        end = min(end, end_of_period(start, period("cja-R213-10", on), region))
    if route.id != "none" and not route.interrupts_court_deadline and route.silence_is_rejection:
        court, answer = period(route.court_ref, on), period(route.answer_ref, on)
        court_end = add_months(start, court.months + 12 * court.years) + dt.timedelta(days=court.days)
        latest = add_months(court_end, -(answer.months + 12 * answer.years)) - dt.timedelta(days=answer.days)
        end = min(end, previous_working_day(latest, region))
    return end


def court_runs_from_decision(route: Route) -> bool:
    """The court's time limit runs from the decision's notification whatever the prior step,
    so that an answer to that step never restarts it: where the text setting it is the one the
    decision's notice rests on (ARE: ct-L5422-4's two years from the notification)."""
    return bool(route.notice_ref) and route.court_ref == route.notice_ref


def appeal_before_court(route: Route) -> bool:
    """The first step has no time limit of its own but the court's, which it does not stop
    (ARE, ct-L5422-4): its safe date is the court's last day less the body's answer time
    (`appeal_deadline`), a date no text sets for the step itself. Not where the stop may be a
    sanction: the compulsory mediation's shorter limit sets it then."""
    return (route.id != "none" and not route.interrupts_court_deadline and route.silence_is_rejection
            and route.deadline_ref == route.court_ref and not route.may_be_sanction)


def appeal_basis(route: Route) -> tuple[str, ...]:
    """The texts of the first step's safe date, the one setting it first (the guide's « délai
    de … »): the route's own, or, where the stop may be a sanction (`may_be_sanction`), the
    compulsory mediation's (cja-R213-10, ct-R5312-47, ct-L5412-1), whose shorter limit the
    date keeps; where the step only has to leave the body its answer time before the court's
    limit (`appeal_before_court`), that answer time's text, then the court's."""
    basis = (route.deadline_ref, *route.legal_basis, route.notice_basis)
    if route.may_be_sanction:
        basis = ("cja-R213-10", "ct-R5312-47", "ct-L5412-1", *basis)
    elif appeal_before_court(route):
        basis = (route.answer_ref, route.court_ref, *basis)
    return tuple(dict.fromkeys(basis))


def deadline_opposable(case: Case, route: Optional[Route] = None) -> bool:
    """The time limit binds only if the written decision stated the route and delay
    (CJA R421-5, CSS R142-1-A III). Unknown is treated as stated: the person must act
    in time rather than rely on a defect they are not sure of. A refusal born of silence
    (given the route): only when the acknowledgement of the request is known to have stated
    them (crpa-L112-6); unknown gives a safe date, not a binding one."""
    if not case.decision.is_written:
        return (route is not None and implicit_decision_on(case, route) is not None
                and case.decision.acknowledgement_states_time_limits is True)
    return case.decision.appeal_info_given is not False


def reasonable_time_ends(case: Case, route: Route) -> Optional[dt.date]:
    """Czabaj (ce-2016-387763, cja-R421-5): before the administrative court only, where the
    time limit does not run (the written decision did not state it; or payments stopped with
    no decision), the court is in principle seized too late one year after receipt or
    knowledge. The same date as the `reasonable_time` deadline. None elsewhere: the judicial
    courts do not apply it (Cass. ass. plén. 8 March 2024)."""
    if route.then != "tribunal_administratif":
        return None
    start = appeal_start(case)
    if start is not None and deadline_opposable(case):
        return None
    start = start if start is not None else case.context.started_on
    if start is None:
        return None
    region, on = holiday_region(case.claimant.postal_code), case.decision_date
    return end_of_period(start, period("ce-2016-387763", on), region)


def reasonable_time_passed(case: Case, route: Route) -> bool:
    """The one-year reasonable time ended before the case's `today`."""
    ends = reasonable_time_ends(case, route)
    return ends is not None and ends < case.reference_date


def _correction_window(case: Case) -> tuple[str, ...]:
    """The texts opening a window to ask for the data behind an overpayment to be corrected
    before recovery (the period is the first one's): R847-1-1 for prime d'activité;
    R133-9-2 for recoveries under L133-4-1 — health insurance, and family benefits,
    pensions, the AAH and the ASPA, whose own articles (L553-2, L355-3, L821-5-1, L815-11)
    apply L133-4-1's procedure. Registry: the
    benefit's `correction_window` texts, where the body's `correction_window` lists its family."""
    if case.situation is not Situation.overpayment:
        return ()
    benefit = bodies.benefit(case.benefit.value)
    if benefit.family not in bodies.body(case.organism.kind.value).correction_window:
        return ()
    return benefit.correction_window


def case_deadlines(case: Case, route: Route) -> list[Deadline]:
    """Every dated step, in chronological order."""
    region, on = holiday_region(case.claimant.postal_code), case.decision_date
    out: list[Deadline] = []

    def add(id_: str, start: dt.date, ref_id: str, label: Note, basis: tuple[str, ...]) -> dt.date:
        """Add the safe date; return the period's calendar end, from which a following time
        limit runs (a weekend moves the day one may act, not the day a silence refuses)."""
        length = period(ref_id, on)
        out.append(Deadline(id_, end_of_period(start, length, region), label, basis))
        return period_end(start, length)

    implicit = implicit_decision_on(case, route)
    if implicit is not None:
        out.append(Deadline("implicit_decision", implicit, note("deadline.implicit_decision"),
                            (request_silence_ref(route) or "",)))
    start = appeal_start(case) or silence_start(case, route)
    if start is not None and case.history.appeal_filed_on is None:
        basis = appeal_basis(route)
        if implicit is not None:
            basis = (*basis, "crpa-L112-6")
        label = ("deadline.appeal_court" if route.id == "none"
                 else "deadline.appeal_mediation" if route.may_be_sanction else "deadline.appeal")
        said = (note("deadline.appeal_before_court", on, time=f"time:{route.answer_ref}", court=route.court_note)
                if appeal_before_court(route) else note(label))
        out.append(Deadline("appeal", appeal_deadline(case, route) or start, said, basis))
        if not route.interrupts_court_deadline and route.id != "none":
            add("court_limit", start, route.court_ref, note("deadline.court_limit", court=route.court_note),
                (route.court_ref,))
        if not deadline_opposable(case) and route.then == "tribunal_administratif":
            add("reasonable_time", start, "ce-2016-387763", note("deadline.reasonable_time", on, time="time:ce-2016-387763"),
                ("ce-2016-387763", "cja-R421-5"))
        if route.may_be_sanction:
            add("radiation_mediation", start, "cja-R213-10", note("deadline.radiation_mediation"),
                ("cja-R213-10", "ct-R5312-47", "ct-L5412-1"))

    correction = _correction_window(case)
    if start is not None and correction:
        add("overpayment_correction", start, correction[0], note("deadline.overpayment_correction"), correction)

    if start is None and case.context.started_on and route.then == "tribunal_administratif":
        # Payments stopped with no decision sent: the person knew of it when they stopped,
        # and the administrative court allows one year from then (Czabaj).
        add("reasonable_time", case.context.started_on, "ce-2016-387763",
            note("deadline.reasonable_time_unnotified", on, time="time:ce-2016-387763"), ("ce-2016-387763",))

    history = case.history
    unwritten_refusal = not case.decision.is_written and case.situation is Situation.refusal
    if history.explanation_requested_on and unwritten_refusal and route.then == "tribunal_administratif":
        # CE avis 2 Oct 2025: reasons asked for a decision born of silence and never given:
        # the court must still be seized within one year of the request.
        add("court_after_reasons_request", history.explanation_requested_on, "ce-avis-2025-504677",
            note("deadline.court_after_reasons_request"), ("ce-avis-2025-504677", "crpa-L232-4"))
    for requested_on, what, extra_basis in (
        (history.explanation_requested_on, "explanation", ("crpa-L311-3-1", "crpa-L232-4")),
        (history.documents_requested_on, "documents", ("crpa-R311-12", "rgpd-12")),
    ):
        if requested_on is None:
            continue
        # One month of silence is a refusal; the CADA must then be asked within two months.
        refusal = add(f"{what}_answer", requested_on, "crpa-R311-13", note(f"deadline.{what}_answer"),
                      ("crpa-R311-13", *extra_basis))
        add(f"cada_after_{what}", refusal, "crpa-R343-1", note(f"deadline.cada_after_{what}"),
            ("crpa-R343-1", "crpa-L342-1"))
    if history.appeal_filed_on and route.silence_is_rejection:
        rejection = add("appeal_answer", history.appeal_filed_on, route.answer_ref, note("deadline.appeal_answer"),
                        (route.answer_ref,))
        # ARE: the court's limit runs from the decision's notification, never from the rejection.
        court_from = start if court_runs_from_decision(route) and start is not None else rejection
        add("court", court_from, route.court_ref, note("deadline.court"), (route.court_ref,))
    return sorted(out, key=lambda d: (d.date, d.id))
