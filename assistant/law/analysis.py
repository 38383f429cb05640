"""Case in, analysis out (CONTRACT §2): rights, appeal route, deadlines, letters.

Pure and deterministic: the same case always gives the same analysis. The letters a
case gets are chosen here from the rights found and the history, so that no letter
can rest on a right the analysis did not find.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from assistant.law.appeals import Route, appeal_route
from assistant.law.deadlines import Deadline, appeal_deadline, case_deadlines, deadline_opposable, end_of_period
from assistant.law.deadlines import reasonable_time_ends, reasonable_time_passed
from assistant.law.legal_refs import period
from assistant.law.model import Case
from assistant.law.places import holiday_region
from assistant.law.rights import Finding, Limitation, find_rights, limitation_of


class RightOut(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    title: str
    summary: str
    why: list[str]
    legal_basis: list[str]


class NoteOut(BaseModel):
    """A warning of the engine about the route, with the texts it rests on."""

    model_config = ConfigDict(frozen=True)
    key: str
    text: str
    legal_basis: list[str]


class AppealOut(BaseModel):
    model_config = ConfigDict(frozen=True)
    route: str
    body: str
    deadline: Optional[dt.date]
    days_left: Optional[int]          # days from `today` to the deadline; negative once passed
    deadline_opposable: bool
    then: str
    court: str
    compulsory: bool
    mediation_before_court: bool
    interrupts_court_deadline: bool   # filing the prior step stops the court time limit
    notes: list[str]
    note_details: list[NoteOut]       # the same notes with their key and texts
    verified: bool                    # false: no rule covers this case, follow the decision's mention
    legal_basis: list[str]
    reasonable_time_ends: Optional[dt.date] = None   # Czabaj's one year (administrative court, limit not stated)


class DeadlineOut(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    date: dt.date
    label: str
    key: str
    legal_basis: list[str]


class Analysis(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    rights: list[RightOut]
    appeal: AppealOut
    deadlines: list[DeadlineOut]
    letters: list[str]
    # The route the analysis chose, whole (its references and wording), for the letters and
    # the follow-ups: they read it here and never choose a route again. Not in the JSON.
    route: Route = Field(exclude=True, repr=False)
    # The dates an overpayment's limitation gives (the sums barred before them), for the
    # letters; the JSON says it in the overpayment_limitation right's `why`. Not in the JSON.
    limitation: Optional[Limitation] = Field(default=None, exclude=True, repr=False)

    def right(self, right_id: str) -> Optional[RightOut]:
        return next((r for r in self.rights if r.id == right_id), None)

    @property
    def right_ids(self) -> list[str]:
        return [r.id for r in self.rights]

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json")


# Which `history` date a letter fills once sent: what drives the follow-ups.
HISTORY_FIELD_OF_LETTER = {
    "explanation_request": "explanation_requested_on",
    "document_access": "documents_requested_on",
    "appeal": "appeal_filed_on",
}


def _overdue(requested_on: Optional[dt.date], case: Case) -> bool:
    """The answer time (one month, CRPA R311-13 / RGPD 12(3)) has passed with no answer."""
    if requested_on is None:
        return False
    return end_of_period(requested_on, period("crpa-R311-13", case.decision_date), holiday_region(case.claimant.postal_code)) < case.reference_date


def choose_letters(case: Case, found: set[str], route: Route) -> list[str]:
    """Which letters to propose, most urgent first. Each is tied to a right found."""
    history = case.history
    letters: list[str] = []
    # Once Czabaj's reasonable time has passed the court will in principle not examine the
    # appeal: its letter is not offered as if it could succeed (README « Legal choices »).
    if "appeal" in found and history.appeal_filed_on is None and not reasonable_time_passed(case, route):
        letters.append("appeal")
    if {"reasons", "algorithm_explanation"} & found and history.explanation_requested_on is None:
        letters.append("explanation_request")
    if {"document_access", "gdpr_access"} & found and history.documents_requested_on is None:
        letters.append("document_access")
    explanation_late = _overdue(history.explanation_requested_on, case)
    documents_late = _overdue(history.documents_requested_on, case)
    if explanation_late or documents_late:
        letters += ["reminder", "cada_referral"]
    if documents_late and "gdpr_access" in found:
        letters.append("cnil_complaint")
    if "debt_remission" in found:
        letters.append("debt_remission_request")
    already_asked = any((history.explanation_requested_on, history.documents_requested_on, history.appeal_filed_on))
    # Where the compulsory step is itself the mediation, the appeal letter is the referral.
    # A decision that may be a sanction (an ARE stop after a radiation) may need the
    # compulsory mediation: offer its letter.
    if "mediator" in found and route.id != "rapo_france_travail" and (
            already_asked or route.mediation_before_court or route.may_be_sanction):
        letters.append("mediator_referral")
    if "defenseur_des_droits" in found and already_asked:
        letters.append("defenseur_referral")
    return letters


def _right_out(f: Finding, lang: str = "fr", on: Optional[dt.date] = None) -> RightOut:
    return RightOut(id=f.id, title=f.title.text(lang, on), summary=f.summary.text(lang, on),
                    why=[fact.text(lang, on) for fact in f.why], legal_basis=list(f.legal_basis))


def _deadline_out(d: Deadline, lang: str = "fr", on: Optional[dt.date] = None) -> DeadlineOut:
    return DeadlineOut(id=d.id, date=d.date, label=d.label.text(lang, on), key=d.label.key,
                       legal_basis=list(d.legal_basis))


def analyse(case: Case, lang: str = "fr") -> Analysis:
    """The whole analysis of one validated case; `lang` is the language of the sentences
    shown to the person: rights, facts, route notes, deadline labels (the CLI and the
    letters use French). Durations are those in force on the decision's date."""
    route, on = appeal_route(case), case.decision_date
    findings = find_rights(case, route)
    deadline = appeal_deadline(case, route)
    appeal = AppealOut(
        route=route.id,
        body=route.body,
        deadline=deadline,
        days_left=(deadline - case.reference_date).days if deadline else None,
        deadline_opposable=deadline_opposable(case, route),
        then=route.then,
        court=route.court_note.text(lang, on),
        interrupts_court_deadline=route.interrupts_court_deadline,
        compulsory=route.compulsory,
        mediation_before_court=route.mediation_before_court,
        notes=[n.text(lang, on) for n in route.notes],
        note_details=[NoteOut(key=n.key, text=n.text(lang, on), legal_basis=list(n.legal_basis)) for n in route.notes],
        verified=route.verified,
        legal_basis=list(dict.fromkeys((*route.legal_basis, route.deadline_ref))),
        reasonable_time_ends=reasonable_time_ends(case, route),
    )
    return Analysis(
        rights=[_right_out(f, lang, on) for f in findings],
        appeal=appeal,
        deadlines=[_deadline_out(d, lang, on) for d in case_deadlines(case, route)],
        letters=choose_letters(case, {f.id for f in findings}, route),
        route=route,
        limitation=limitation_of(case) if any(f.id == "overpayment_limitation" for f in findings) else None,
    )
