"""What the law gives: one small rule per right of CONTRACT §3.

Each rule is a pure function of the case returning the facts that make the right apply
(an empty list: it does not apply). Its docstring names the articles and the condition
in one line, so that a lawyer can read this module top to bottom like a checklist.
Facts are keyed sentences about *this* case (`data/sentences.yaml`, `fact.<right>.…`,
French and English, with the texts they cite): they are shown to the person ("why this
applies to you") and traced in the letters. Each right's title and summary are the
sentences `right.<id>.title` and `right.<id>.summary`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from assistant.law import bodies
from assistant.law.appeals import Route, is_penalty, is_sanction, penalty_text, social_security
from assistant.law.deadlines import reasonable_time_passed
from assistant.law.deadlines import add_months, implicit_decision_on, period_end
from assistant.law.legal_refs import Period, period, ref
from assistant.law.model import Benefit, Case, Situation
from assistant.law.texts import Category, Note, note

Facts = list[Note]


@dataclass(frozen=True)
class Right:
    id: str
    legal_basis: tuple[str, ...]
    rule: Callable[[Case, Route], Facts]
    summary_params: tuple[tuple[str, str], ...] = ()   # e.g. a period in the summary

    @property
    def title_note(self) -> Note:
        return note(f"right.{self.id}.title")

    @property
    def summary_note(self) -> Note:
        return Note(f"right.{self.id}.summary", self.summary_params)

    @property
    def title(self) -> str:
        """The title in French (the letters' and the CLI's language)."""
        return self.title_note.text()

    @property
    def summary(self) -> str:
        return self.summary_note.text()


@dataclass(frozen=True)
class Finding:
    """A right that applies, with why (the facts) and on which texts it rests."""

    id: str
    title: Note
    summary: Note
    why: tuple[Note, ...]
    legal_basis: tuple[str, ...]


# What the body did, as said in the first fact of several rules.
SITUATION_WORDS = {
    Situation.suspension: note("situation.suspension"),
    Situation.reduction: note("situation.reduction"),
    Situation.overpayment: note("situation.overpayment"),
    Situation.refusal: note("situation.refusal"),
    Situation.termination: note("situation.termination"),
    Situation.sanction: note("situation.sanction"),
    Situation.penalty: note("situation.penalty"),
}


def reasoned_category(case: Case) -> Category:
    """Why the decision had to state its reasons: its category of CRPA L211-2 (data)."""
    return Category("crpa-L211-2", case.situation.value)


def _decision_fact(case: Case) -> Note:
    written = "fact.decision.written" if case.decision.is_written else "fact.decision.unwritten"
    return note(written, action=SITUATION_WORDS[case.situation])


def _penalty_decree(case: Case) -> str:
    """The decree setting the procedure of this penalty (its period to answer)."""
    return PENALTY_PROCEDURE[penalty_text(case)][1]


# --- Rules ------------------------------------------------------------------------------


def appeal(case: Case, route: Route) -> Facts:
    """casf-L262-47, css-R142-1, cja-R421-1…: every unfavourable decision can be contested,
    first before the body (prior appeal), then before a court."""
    facts = [_decision_fact(case)]
    if route.id == "none":
        facts.append(note("fact.appeal.direct_to_court", court=route.court_note))
    elif not route.interrupts_court_deadline:
        facts.append(note("fact.appeal.no_stop", body=route.body))
    elif route.id == "rapo_france_travail":
        facts.append(note("fact.appeal.mediation_first", body=route.body))
    elif route.compulsory:
        facts.append(note("fact.appeal.prior_compulsory", body=route.body))
    else:
        facts.append(note("fact.appeal.prior_optional", body=route.body))
    if route.mediation_before_court and route.id != "rapo_france_travail":
        facts.append(note("fact.appeal.mediation_before_court"))
    if reasonable_time_passed(case, route):
        # Czabaj: the one year is over; say so plainly, and what still works.
        facts.append(note("fact.appeal.reasonable_time_passed", time="time:ce-2016-387763"))
        if debt_remission(case, route):
            rsa = case.benefit is Benefit.rsa
            facts.append(note("fact.appeal.still_open_remission_rsa", title_time="time:ce-2024-473732") if rsa
                         else note("fact.appeal.still_open_remission"))
        else:
            facts.append(note("fact.appeal.still_open_new_request"))
    return facts


def deadline_not_opposable(case: Case, route: Route) -> Facts:
    """cja-R421-5, css-R142-1-A: the time limit runs only if the decision stated the route
    and the delay. No written decision at all: nothing has started to run. Before the
    administrative court, still the reasonable time of ce-2016-387763; once it has passed,
    this right is not listed (the appeal right says what still works)."""
    if reasonable_time_passed(case, route):
        return []
    if not case.decision.is_written and case.situation is Situation.refusal:
        # A refusal born of silence: the time limit runs from the implicit decision when the
        # acknowledgement of the request stated it (crpa-L112-6, css-R142-1-A III).
        stated = case.decision.acknowledgement_states_time_limits
        if implicit_decision_on(case, route) is not None and stated is True:
            return []
        if stated is False:
            return [note("fact.deadline_not_opposable.acknowledgement_without_limits")]
        return [note("fact.deadline_not_opposable.implicit_refusal")]
    if not case.decision.is_written:
        return [note("fact.deadline_not_opposable.no_decision")]
    if case.decision.appeal_info_given is False:
        facts = [note("fact.deadline_not_opposable.no_mention")]
        if route.then == "tribunal_administratif":
            facts.append(note("fact.deadline_not_opposable.reasonable_time", time="time:ce-2016-387763"))
        return facts
    return []


def reasons(case: Case, route: Route) -> Facts:
    """crpa-L211-2, crpa-L211-5 (crpa-L232-4 for a decision born of silence): an unfavourable
    individual decision states its reasons in fact and in law, in writing."""
    if not case.decision.is_written:
        return [_decision_fact(case), note("fact.reasons.no_decision")]
    if case.decision.reasons_given is True:
        return []
    said = "fact.reasons.not_given" if case.decision.reasons_given is False else "fact.reasons.maybe_not_given"
    return [note(said), note("fact.reasons.category", category=reasoned_category(case))]


def algorithm_explanation(case: Case, route: Route) -> Facts:
    """crpa-L311-3-1, crpa-R311-3-1-2: for a decision taken on the basis of an algorithmic
    processing, the rules and how they were applied to you, on request. The bodies
    compute entitlements with their information systems: we always ask."""
    if case.decision.algorithm_mentioned:
        return [note("fact.algorithm_explanation.mentioned")]
    facts = [note("fact.algorithm_explanation.possible")]
    if case.decision.is_written and case.decision.algorithm_mentioned is False:
        facts.append(note("fact.algorithm_explanation.not_mentioned"))
    return facts


def document_access(case: Case, route: Route) -> Facts:
    """crpa-L300-2, crpa-L311-1, crpa-L311-6: you may obtain the documents of your own file
    (control report, calculation details), the bodies being public services. After a
    control by a social-security body that used third parties' data, css-L114-21 requires
    telling the person their content and origin (cass-2022-21-11484: a substantial formality)."""
    facts = [note("fact.document_access.file")]
    if case.context.after_control:
        facts.insert(0, note("fact.document_access.control_report"))
        if social_security(case):
            facts.insert(1, note("fact.document_access.third_party_data"))
    return facts


def gdpr_access(case: Case, route: Route) -> Facts:
    """rgpd-15 (incl. 15(1)(h)), rgpd-12: access to your personal data and to the logic of
    any automated decision, within the period of rgpd-12."""
    return [note("fact.gdpr_access.copy")]


def gdpr_automated_decision(case: Case, route: Route) -> Facts:
    """rgpd-22, loi-78-17-47: no decision based solely on automated processing without
    safeguards (human review, to be heard, to contest). Applies when the decision says it
    was algorithmic, or when payments were cut with no sign of any human involvement."""
    if case.decision.algorithm_mentioned:
        return [note("fact.gdpr_automated_decision.mentioned")]
    automatic = (
        case.situation in {Situation.suspension, Situation.reduction, Situation.termination}
        and bodies.body(case.organism.kind.value).automated_payments
        and not case.context.after_control
        and not case.context.heard_before
        and not (case.decision.is_written and case.decision.reasons_given)
    )
    if automatic:
        return [note("fact.gdpr_automated_decision.automatic"), note("fact.gdpr_automated_decision.review")]
    return []


def hearing_procedure(case: Case) -> tuple[str, str, tuple[str, ...]] | None:
    """The special procedure before a sanction, when a text sets one: (fact key, the entry
    whose period is the time to answer, the texts). Where such a procedure exists, the
    general one of CRPA L121-1 does not apply (L121-2, 3°).
    - penalty of a CAF/MSA/CARSAT: css-L114-17-2, css-R114-11 (health: css-L114-17-1, css-R147-2);
    - RSA amende of the département: casf-L262-52 → css-L114-17-2 procedure, « précisée » by
      css-R114-11 (one month for observations), then the équipe pluridisciplinaire's opinion
      (ce-2025-491222 says so in terms);
    - France Travail penalty: ct-L5426-8, ct-R5426-15;
    - France Travail sanctions (L5412-1): ct-R5412-7; RSA sanctions: casf-L262-37."""
    body = bodies.body(case.organism.kind.value)
    if is_penalty(case) and body.penalty_procedure == "social_security":
        decree = PENALTY_PROCEDURE[penalty_text(case)]
        return "fact.prior_hearing.penalty", decree[1], ("css-L114-17-2", *decree)
    for applies, spec in ((is_penalty(case), body.penalty_procedure), (is_sanction(case), body.sanction_procedure)):
        if applies and isinstance(spec, dict):
            return spec["fact"], spec["period"], tuple(spec["basis"])
    if case.benefit is Benefit.rsa and (is_sanction(case) or body.appeal_procedure == "departement"):
        return "fact.prior_hearing.rsa", "", ("casf-L262-37",)
    return None


def prior_hearing(case: Case, route: Route) -> Facts:
    """crpa-L121-1, crpa-L121-2, crpa-L122-1 and the special procedures of
    `hearing_procedure`: to be told and heard before an unfavourable decision.
    Social-security bodies and France Travail are exempt (L121-2, 4°) except for
    sanctions; the département is not exempt, except when it rules on a request."""
    if case.context.heard_before is True:
        return []
    procedure = hearing_procedure(case)
    if is_penalty(case) and procedure:
        key, period_ref, _ = procedure
        return [note(key, time=f"time:{period_ref}") if period_ref else note(key)]
    if is_sanction(case):
        facts = [note("fact.prior_hearing.sanction")]
        if procedure:
            key, period_ref, _ = procedure
            facts.append(note(key, time=f"time:{period_ref}") if period_ref else note(key))
        return facts
    duty = bodies.body(case.organism.kind.value).general_hearing_duty
    if duty and case.situation is not Situation.refusal:
        return [note(duty)]
    return []


def obligation_sanction(case: Case) -> bool:
    """A sanction for not meeting one's obligations, which the law allows only « sans motif
    légitime » (casf-L262-37 for RSA, ct-L5412-1 for France Travail): the defence is the
    legitimate reason, and a right-to-error argument would concede a breach."""
    if is_penalty(case) or not is_sanction(case):
        return False
    return case.benefit is Benefit.rsa or case.organism.kind.value == "france_travail"


def right_to_error(case: Case, route: Route) -> Facts:
    """crpa-L123-1, crpa-L123-2: a first good-faith error, regularised by the person, cannot
    be sanctioned (penalty or loss of a benefit as a sanction); bad faith must be proved by
    the administration. Only against a sanction, not where fraud is alleged, and not against
    a sanction for unmet obligations (`obligation_sanction`: there it reads as an admission)."""
    if case.context.fraud_alleged or not is_sanction(case) or obligation_sanction(case):
        return []
    return [note("fact.right_to_error.no_fraud"), note("fact.right_to_error.condition")]


def fraud_safeguards(case: Case, route: Route) -> Facts:
    """crpa-L123-2, css-L114-17, css-R114-11: fraud is never presumed; the body must prove
    bad faith, and a penalty follows its own procedure (facts notified, observations,
    commission des pénalités)."""
    if not case.context.fraud_alleged:
        return []
    facts = [note("fact.fraud_safeguards.burden"), note("fact.fraud_safeguards.error_is_not_fraud")]
    if social_security(case):
        facts.append(note("fact.fraud_safeguards.penalty_procedure", time=f"time:{_penalty_decree(case)}"))
    return facts


@dataclass(frozen=True)
class Limitation:
    """LIMITATION_BASIS on one case. The period runs from each payment, so on the day the
    overpayment was notified every payment made before `barred_before` was time-barred.
    `notified_on`: the notification's receipt, else the decision's own date (the earliest it
    can have arrived: fewer sums barred, never more); None when the case holds neither."""

    family: str
    period_refs: tuple[str, ...]     # the family's texts (LIMITATION_BASIS)
    period_ref: str                  # the one whose `deadline` is the period
    fraud_ref: str                   # the one setting the longer period if fraud is proved
    notified_on: Optional[dt.date]
    barred_before: Optional[dt.date]
    fraud_barred_before: Optional[dt.date]   # only where the fraud period also runs from each payment

    @property
    def missing(self) -> Optional[str]:
        """The case-file field that would give the date (CONTRACT §1), when it is missing."""
        return "decision.date" if self.notified_on is None else None


def first_payment_not_barred(notified_on: dt.date, length: Period) -> dt.date:
    """The earliest payment day still recoverable on `notified_on`: a payment made on day P is
    time-barred once the period's last day, P + length, has passed (C. civ. 2228-2229: counted
    in days, acquired when the last day is over)."""
    day = add_months(notified_on, -(12 * length.years + length.months)) - dt.timedelta(days=length.days)
    while period_end(day, length) < notified_on:
        day += dt.timedelta(days=1)
    while period_end(day - dt.timedelta(days=1), length) >= notified_on:
        day -= dt.timedelta(days=1)
    return day


def limitation_of(case: Case) -> Optional[Limitation]:
    """LIMITATION_BASIS, LIMITATION_FRAUD: the dates an overpayment's limitation gives on this
    case (periods as in force on the decision's date); None when no verified text sets one."""
    family = recovery_family(case)
    if case.situation is not Situation.overpayment or family not in LIMITATION_BASIS:
        return None
    basis, on = LIMITATION_BASIS[family], case.decision_date
    period_ref = next(ref_id for ref_id in basis if ref(ref_id).deadline)
    fraud_ref = LIMITATION_FRAUD[family]
    d = case.decision
    notified_on = (d.received_on or d.date) if d.is_written else None
    barred = fraud_barred = None
    if notified_on is not None:
        barred = first_payment_not_barred(notified_on, period(period_ref, on))
        fraud_length = period(fraud_ref, on, fraud=True)
        if fraud_length.runs_from == "payment":
            fraud_barred = first_payment_not_barred(notified_on, fraud_length)
    return Limitation(family, basis, period_ref, fraud_ref, notified_on, barred, fraud_barred)


def overpayment_limitation(case: Case, route: Route) -> Facts:
    """LIMITATION_BASIS (css-L553-1, css-L845-4, casf-L262-45, css-L821-5, css-L355-3,
    css-L815-11, css-L332-1, ct-L5422-5…): the body can recover an overpayment only within a
    limitation period counted from each payment (its length per family: `limitation.<family>`
    in data/sentences.yaml), so the sums paid before a date are barred (`limitation_of`);
    longer in case of fraud or false declaration, which the body must prove (LIMITATION_FRAUD).
    ASPA: the arrears paid are kept, save fraud or undeclared resources (css-L815-11)."""
    limitation = limitation_of(case)
    if limitation is None:
        return []
    family, on = limitation.family, case.decision_date
    time = note(f"limitation.{family}")
    if limitation.barred_before:
        facts = [note("fact.overpayment_limitation.barred", time=time, date=limitation.barred_before,
                      notified=limitation.notified_on)]
    else:
        facts = [note("fact.overpayment_limitation.window", time=time),
                 note("fact.overpayment_limitation.date_missing")]
    if family == "aspa":
        facts.append(note("fact.overpayment_limitation.aspa_acquired"))
    if case.context.fraud_alleged:
        fraud_time = note(f"limitation_fraud.{family}")
        if limitation.fraud_barred_before:
            facts.append(note("fact.overpayment_limitation.fraud_from_payment", time=fraud_time,
                              date=limitation.fraud_barred_before))
        elif period(limitation.fraud_ref, on, fraud=True).runs_from == "payment":
            facts.append(note("fact.overpayment_limitation.fraud_from_payment_undated", time=fraud_time))
        else:
            facts.append(note("fact.overpayment_limitation.fraud_from_knowledge", time=fraud_time))
    return facts


def debt_remission(case: Case, route: Route) -> Facts:
    """REMISSION_BASIS (css-L553-2, casf-L262-46, css-L845-3, css-L355-3, css-L256-4…):
    remission, reduction or instalments of an overpayment for good faith or precarity;
    excluded for fraud or false declaration."""
    if case.situation is not Situation.overpayment or case.context.fraud_alleged:
        return []
    if recovery_family(case) not in REMISSION_BASIS:
        return []
    ask = "fact.debt_remission.ask_amount" if case.context.amount_eur else "fact.debt_remission.ask"
    facts = [note("fact.debt_remission.no_fraud"), note(ask)]
    if recovery_family(case) == "pension":
        # css-L355-3: after the caisse's own error, nothing (low resources) or no withholding
        # and the commission de recours amiable decides a remission.
        facts.append(note("fact.debt_remission.pension_caisse_error"))
    return facts


def withholding_limit(case: Case, route: Route) -> Facts:
    """WITHHOLDING_BASIS (css-D553-1, casf-L262-46, ct-R5426-18, ct-L5428-1…): deductions
    from ongoing benefits are capped (France Travail: 20 % for the ASS only, R5426-18; the ARE
    as a wage, L5428-1); for RSA, prime d'activité and France Travail a challenge suspends
    them (SUSPENSIVE_CHALLENGE: casf-L262-46, css-L845-3, ct-L5426-8-1)."""
    family = withholding_family(case)
    if not case.context.withholding_eur or family not in WITHHOLDING_BASIS:
        return []
    own_cap = family in ("are", "france_travail", *SEIZABLE_FRACTION)
    capped = note(f"fact.withholding_limit.capped_{family}") if own_cap else note("fact.withholding_limit.capped")
    facts = [note("fact.withholding_limit.monthly"), capped]
    if withholding_family(case) in SUSPENSIVE_CHALLENGE:
        facts.append(note("fact.withholding_limit.suspended"))
    return facts


def mediator(case: Case, route: Route) -> Facts:
    """css-L217-7-1, ct-L5312-12-1, crpm-L723-34-1: the body's mediator, after a first
    approach to its services; from the notice that the complaint is admissible, it
    suspends the appeal time limits (CAF, CPAM, CARSAT; MSA). France Travail: compulsory
    before the administrative court for some decisions (ct-R5312-47, cja-R213-10)."""
    spec = bodies.body(case.organism.kind.value).mediator
    if spec is None:
        return []
    facts = [note(spec.fact)]
    if spec.compulsory and route.mediation_before_court:
        facts.append(note(spec.compulsory["fact"], time=f"time:{spec.compulsory['time']}"))
    elif route.id == "none":
        # A penalty goes straight to court: the mediator never replaces the requête.
        facts.append(note("fact.mediator.not_instead_of_court"))
    elif spec.suspends and case.benefit.value not in spec.suspends_not_for:
        facts.append(note(spec.suspends))
    return facts


def defenseur_des_droits(case: Case, route: Route) -> Facts:
    """lo-2011-333-4, lo-2011-333-6: anyone wronged by a public service may refer the matter,
    free of charge, after a first approach; it does not replace the appeal, and does not
    suspend its time limit, except where mediation is compulsory (cja-L213-14, cja-R213-10)."""
    facts = [note("fact.defenseur_des_droits.free")]
    if route.mediation_before_court:
        facts.append(note("fact.defenseur_des_droits.interrupts", time="time:cja-R213-10"))
    else:
        facts.append(note("fact.defenseur_des_droits.no_suspension"))
    return facts


# --- Catalogue (most useful first: the order of the analysis) ---------------------------
# Right(id, the texts it always rests on, its rule); title and summary: `right.<id>.…`.

RIGHTS: tuple[Right, ...] = (
    Right("appeal", ("crpa-L411-2",), appeal),
    Right("deadline_not_opposable", (), deadline_not_opposable),
    Right("reasons", ("crpa-L211-2", "crpa-L211-5"), reasons),
    Right("algorithm_explanation", ("crpa-L311-3-1", "crpa-R311-3-1-2"), algorithm_explanation),
    Right("document_access", ("crpa-L311-1", "crpa-L311-6", "crpa-L300-2"), document_access),
    Right("gdpr_access", ("rgpd-15", "rgpd-12"), gdpr_access, summary_params=(("time", "time:rgpd-12"),)),
    Right("gdpr_automated_decision", ("rgpd-22", "loi-78-17-47"), gdpr_automated_decision),
    Right("prior_hearing", ("crpa-L121-1", "crpa-L121-2", "crpa-L122-1"), prior_hearing),
    Right("fraud_safeguards", ("crpa-L123-2",), fraud_safeguards),
    Right("right_to_error", ("crpa-L123-1", "crpa-L123-2"), right_to_error),
    Right("overpayment_limitation", (), overpayment_limitation),
    Right("debt_remission", (), debt_remission),
    Right("withholding_limit", (), withholding_limit),  # each benefit's own text: WITHHOLDING_BASIS
    Right("mediator", ("css-L217-7-1",), mediator),
    Right("defenseur_des_droits", ("lo-2011-333-4", "lo-2011-333-6"), defenseur_des_droits),
)

RIGHTS_BY_ID = {right.id: right for right in RIGHTS}


def legal_basis(right: Right, case: Case, route: Route) -> tuple[str, ...]:
    """The texts a finding rests on: the right's own, plus the sector texts for this case."""
    extra: list[str] = []
    if right.id == "appeal":
        extra = [*route.legal_basis, route.deadline_ref]
        if reasonable_time_passed(case, route):
            extra += ["ce-2016-387763", "cja-R421-5"]
            if debt_remission(case, route):
                extra += list(REMISSION_BASIS[recovery_family(case)])
                if case.benefit is Benefit.rsa:
                    extra.append("ce-2024-473732")   # the titre exécutoire still opens the merits
    elif right.id == "deadline_not_opposable" and not case.decision.is_written and case.situation is Situation.refusal:
        extra = ["crpa-L112-3", "crpa-L112-6", route.notice_basis]
    elif right.id == "deadline_not_opposable":
        # The court's own rule; before the administrative court also the one-year
        # reasonable time (Czabaj), which the judicial courts do not apply.
        extra = [route.notice_basis]
        if route.then == "tribunal_administratif":
            extra.append("ce-2016-387763")
        if case.benefit is Benefit.rsa:
            extra.append("casf-R262-91")
    elif right.id == "document_access" and case.context.after_control and social_security(case):
        extra = ["css-L114-21", "cass-2022-21-11484"]
    elif right.id == "reasons" and not case.decision.is_written and case.situation is Situation.refusal:
        extra = ["crpa-L232-4"]  # a refusal born of silence
    elif right.id == "prior_hearing":
        procedure = hearing_procedure(case)
        if procedure and is_penalty(case):
            return (*procedure[2], "crpa-L121-2")   # the special procedure, not L121-1 (L121-2, 3°)
        extra = list(procedure[2]) if procedure else []
    elif right.id == "debt_remission":
        extra = list(REMISSION_BASIS[recovery_family(case)])
    elif right.id == "withholding_limit":
        extra = list(WITHHOLDING_BASIS[withholding_family(case)])
    elif right.id == "overpayment_limitation":
        family = recovery_family(case)
        extra = list(LIMITATION_BASIS[family])
        if case.context.fraud_alleged:
            extra.append(LIMITATION_FRAUD[family])
    elif right.id == "fraud_safeguards" and social_security(case):
        extra = list(PENALTY_PROCEDURE[penalty_text(case)])
    elif right.id == "mediator" and (spec := bodies.body(case.organism.kind.value).mediator) and spec.basis:
        compulsory = spec.compulsory["basis"] if spec.compulsory and route.mediation_before_court else ()
        return (*spec.basis, *compulsory)
    elif right.id == "defenseur_des_droits" and route.mediation_before_court:
        extra = ["cja-L213-14"]
    return tuple(dict.fromkeys((*right.legal_basis, *extra)))


# The penalty text of a social-security body and the decree setting its procedure.
PENALTY_PROCEDURE = {"css-L114-17": ("css-L114-17", "css-R114-11"), "css-L114-17-1": ("css-L114-17-1", "css-R147-2")}


# The texts that govern recovering an overpayment, by family of benefit (see
# `recovery_family`). A family missing from a table has no verified text for that
# aspect, so the right is not asserted for it.
REMISSION_BASIS: dict[str, tuple[str, ...]] = {
    "rsa": ("casf-L262-46",),
    "prime_activite": ("css-L845-3",),
    "housing": ("cch-L825-2",),
    "family": ("css-L553-2",),
    "aah": ("css-L821-5", "css-L256-4"),
    "pension": ("css-L355-3", "css-L256-4"),
    "health": ("css-L256-4",),
    "aspa": ("css-L256-4",),
    "are": ("ct-L5312-10",),
}
WITHHOLDING_BASIS: dict[str, tuple[str, ...]] = {
    "rsa": ("casf-L262-46", "css-D553-1"),
    "prime_activite": ("css-L845-3", "css-D553-1"),
    "housing": ("cch-L823-9", "css-D553-1"),
    "family": ("css-L553-2", "css-D553-1"),
    "aah": ("css-L821-5-1", "css-D553-1"),
    "pension": ("css-L355-2",),
    "aspa": ("css-R815-43", "css-L815-10"),
    "health": ("css-L133-4-1",),
    "france_travail": ("ct-L5426-8-1", "ct-R5426-18"),   # R5426-18's 20 % cap: the ASS only
    "are": ("ct-L5426-8-1", "ct-L5428-1"),               # no rate for the ARE: seizable as a wage
}
# The period is the first text's that sets one (`deadline`); it runs from each payment.
LIMITATION_BASIS: dict[str, tuple[str, ...]] = {
    "rsa": ("casf-L262-45",),
    "prime_activite": ("css-L845-4", "css-L553-1"),
    "housing": ("cch-L821-7", "css-L553-1"),
    "family": ("css-L553-1",),
    "aah": ("css-L821-5",),
    "pension": ("css-L355-3",),
    "aspa": ("css-L815-11",),
    "health": ("css-L332-1",),
    "are": ("ct-L5422-5",),
}
# The longer period if fraud or a false declaration is proved: the text's own
# `fraud_deadline` where it sets one (L553-1: five years; L5422-5: ten years from each
# payment), else the common law (C. civ. 2224: five years from when the body knew the facts;
# cass-2023-20-20559 for pensions).
LIMITATION_FRAUD: dict[str, str] = {
    "rsa": "cc-2224",
    "prime_activite": "css-L553-1",
    "housing": "css-L553-1",
    "family": "css-L553-1",
    "aah": "cc-2224",
    "pension": "cc-2224",
    "aspa": "cc-2224",
    "health": "cc-2224",
    "are": "ct-L5422-5",
}
# Where withholdings are capped at the part of the benefit that may be seized, as for a wage
# (css-L355-2 for pensions; css-R815-43 → css-L815-10 for the ASPA), not by D553-1's scale:
# their own sentence `fact.withholding_limit.capped_<family>`.
SEIZABLE_FRACTION = ("pension", "aspa")
# Where a challenge suspends the recovery itself (not only a right to ask for it), and the
# text that says so.
SUSPENSIVE_CHALLENGE: dict[str, str] = {
    "rsa": "casf-L262-46", "prime_activite": "css-L845-3", "france_travail": "ct-L5426-8-1", "are": "ct-L5426-8-1",
}


def recovery_family(case: Case) -> str:
    """Which recovery regime applies to an overpayment of this benefit."""
    own = bodies.benefit(case.benefit.value).recovery
    if own == "other":   # a benefit with no regime of its own follows the body's, if it has one
        return bodies.body(case.organism.kind.value).own_recovery or "other"
    return own


def withholding_family(case: Case) -> str:
    """The withholding regime: the recovery family (the ARE's differs from other France
    Travail allowances: R5426-18 caps only the ASS)."""
    return recovery_family(case)


def find_rights(case: Case, route: Route) -> list[Finding]:
    """Every right that applies, most useful first, each with its facts and texts."""
    found: list[Finding] = []
    for right in RIGHTS:
        facts = right.rule(case, route)
        if facts:
            summary = note("right.appeal.summary_direct") if right.id == "appeal" and route.id == "none" else right.summary_note
            found.append(Finding(right.id, right.title_note, summary, tuple(facts), legal_basis(right, case, route)))
    return found
