"""Case + analysis in, letters out: pick the catalogue's paragraphs and fill them in.

Pure and deterministic. The wording lives in `catalogue.yaml`; this module only decides
which paragraphs apply (from the rights the analysis found and the facts of the case),
turns `legal_refs` ids into French citations, and formats dates and amounts with babel.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional, Protocol

import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from assistant.law import bodies
from assistant.law.analysis import Analysis
from assistant.law.appeals import family, is_sanction, organism_label, penalty_text, procedure, social_security
from assistant.law.deadlines import add_months, appeal_before_court, end_of_period
from assistant.core.formatting import amount as format_amount
from assistant.core.formatting import long_date, place_and_date
from assistant.law.legal_refs import period, ref
from assistant.law.model import Case, Situation
from assistant.law.places import holiday_region
from assistant.law.rights import RIGHTS_BY_ID, SUSPENSIVE_CHALLENGE, WITHHOLDING_BASIS, recovery_family, withholding_family
from assistant.law.texts import duration, first_time, of_time, within_time
from assistant.letters.models import (
    Letter,
    LetterNotApplicable,
    Paragraph,
    SendingGuide,
    UnknownLetter,
)

CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.yaml"

# Characters XML 1.0 cannot carry (a DOCX holding one does not open): dropped from user text.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: Optional[str]) -> Optional[str]:
    """User text as it will print: newlines normalised, unprintable control characters removed."""
    if text is None:
        return None
    return _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# --- Citations ---------------------------------------------------------------------------

_ARTICLE = re.compile(r"^articles? (?P<num>.+?) (?P<rest>(?:du|de la|de l'|des) .+)$", re.IGNORECASE | re.DOTALL)
_PREP = {"": ("l'article", "les articles"), "de": ("de l'article", "des articles"), "à": ("à l'article", "aux articles")}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def cite(ids: list[str], prep: str = "") -> str:
    """« des articles L. 211-2 et L. 211-5 du code … » from `legal_refs` citations.

    Articles of the same text are grouped; `prep` is "", "de" or "à" (French contraction).
    """
    groups: dict[str, list[str]] = {}
    loose: list[str] = []
    for ref_id in ids:
        citation = ref(ref_id).citation.strip()
        match = _ARTICLE.match(citation)
        if match:
            groups.setdefault(match["rest"], []).append(match["num"])
        else:
            loose.append(((prep + " ") if prep else "") + citation)
    parts = [f"{_PREP[prep][len(nums) > 1]} {_join(nums)} {rest}" for rest, nums in groups.items()]
    return _join(parts + loose)


def cite_paren(ids: list[str]) -> str:
    """« articles L. 142-4 et R. 142-1-A du code … » (no article), for a parenthesis."""
    return re.sub(r"(^|, | et )(?:l'|les )(?=articles? )", r"\1", cite(list(ids)))


# --- Catalogue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParagraphSpec:
    key: str
    rights: tuple[str, ...]
    when: Optional[str]
    cites: tuple[str, ...]
    text: Any  # compiled jinja template
    when_expr: Any


@dataclass(frozen=True)
class LetterSpec:
    id: str
    title: str
    explanation: Any             # a template: it may render a period (« d'un mois »)
    requires_any: tuple[str, ...]
    when_expr: Any
    recipient: str
    registered: bool
    subject: Any
    answer_ref: Optional[str]
    procedure_refs: tuple[str, ...]
    enclosures: tuple[tuple[Any, Any], ...]
    guide: dict[str, Any]
    paragraphs: tuple[ParagraphSpec, ...]


@dataclass(frozen=True)
class Catalogue:
    letters: dict[str, LetterSpec]
    data: dict[str, Any]


def _env() -> SandboxedEnvironment:
    # Plain text out: escaping for XML happens when the DOCX is rendered (autoescape there).
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def _collapse(source: str) -> str:
    """Whitespace of the YAML source is layout, not content (user values are not touched)."""
    return " ".join(source.split())


@lru_cache(maxsize=2)
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    env = _env()

    def tpl(source: str) -> Any:
        return env.from_string(_collapse(source))

    def expr(source: Optional[str]) -> Any:
        return env.compile_expression(source, undefined_to_none=False) if source else None

    letters: dict[str, LetterSpec] = {}
    for letter_id, spec in raw["letters"].items():
        paragraphs = tuple(
            ParagraphSpec(
                key=p["key"], rights=tuple(p.get("rights") or ()), when=p.get("when"),
                cites=tuple(p["cites"]), text=tpl(p["text"]), when_expr=expr(p.get("when")),
            )
            for p in spec["paragraphs"]
        )
        letters[letter_id] = LetterSpec(
            id=letter_id, title=spec["title"], explanation=tpl(spec["explanation"]),
            requires_any=tuple(spec["requires_any"]), when_expr=expr(spec.get("when")),
            recipient=spec["recipient"], registered=bool(spec["registered"]), subject=tpl(spec["subject"]),
            answer_ref=spec.get("answer_ref"), procedure_refs=tuple(spec.get("procedure_refs") or ()),
            enclosures=tuple((tpl(e["text"]), expr(e.get("when"))) for e in spec.get("enclosures") or ()),
            guide={k: tpl(v) for k, v in spec["guide"].items()}, paragraphs=paragraphs,
        )
    return Catalogue(letters=letters, data=raw)


@lru_cache(maxsize=1)
def _templates() -> dict[str, Any]:
    """Guide wording shared by the letters: where to find an address, what stays open."""
    data, env = load_catalogue().data, _env()
    return {
        "address_help": {k: env.from_string(_collapse(v)) for k, v in data["address_help"].items()},
        "still_open": env.from_string(_collapse(data["still_open"])),
        "appeal_sent": env.from_string(_collapse(data["appeal_sent"])),
    }


LETTER_IDS: tuple[str, ...] = (
    "explanation_request", "document_access", "appeal", "reminder", "cada_referral",
    "cnil_complaint", "mediator_referral", "defenseur_referral", "debt_remission_request",
)


# --- Citation tokens (@…) resolved from the analysis -----------------------------------------


def _is_article(ref_id: str) -> bool:
    return bool(_ARTICLE.match(ref(ref_id).citation.strip()))


def resolve_cites(tokens: tuple[str, ...] | list[str], case: Case, analysis: Analysis) -> list[str]:
    """Catalogue cites to `legal_refs` ids; tokens take the ids the analysis itself used."""
    out: list[str] = []
    for token in tokens:
        if not token.startswith("@"):
            out.append(token)
        elif token == "@appeal.route":
            # The text that opens the prior appeal: the first article of the route's basis
            # (assistant.law.appeals keeps it first; CRPA L411-2 for a recours gracieux).
            out += [i for i in analysis.appeal.legal_basis if _is_article(i)][:1]
        elif token == "@appeal.answer":
            out.append(analysis.route.answer_ref)
        elif token == "@appeal.deadline":
            out.append(analysis.route.deadline_ref)
        elif token == "@appeal.court":
            out.append(analysis.route.court_ref)
        elif token == "@appeal.notice":
            out.append(analysis.route.notice_basis)
        elif token == "@appeal.statement":
            # The text asking for a reasoned appeal (R262-88 for RSA, R142-10-1 for a requête).
            statement = load_catalogue().data["statement_refs"].get(analysis.appeal.route)
            out += [statement] if statement else resolve_cites(["@appeal.route"], case, analysis)
        elif token.startswith("@note."):
            key = token.removeprefix("@note.")
            out += [i for n in analysis.appeal.note_details if n.key == key for i in n.legal_basis]
        elif token.startswith("@deadline."):
            deadline_id = token.removeprefix("@deadline.")
            out += [i for d in analysis.deadlines if d.id == deadline_id for i in d.legal_basis[:1]]
        elif token == "@right.withholding_limit":
            # Each benefit's own withholding texts: the family-benefit scale only where it applies.
            found = analysis.right("withholding_limit")
            own = set(WITHHOLDING_BASIS.get(withholding_family(case), ()))
            out += [i for i in (found.legal_basis if found else []) if i in own and _is_article(i)]
        elif token == "@recovery.suspensive":
            # The text by which contesting the claim suspends its recovery (RSA, prime
            # d'activité, France Travail), where the analysis found a withholding.
            suspensive = SUSPENSIVE_CHALLENGE.get(withholding_family(case))
            found = analysis.right("withholding_limit")
            out += [suspensive] if suspensive and found and suspensive in found.legal_basis else []
        elif token == "@penalty.text":
            # The article a social-security body's penalty rests on (L114-17 or L114-17-1).
            out += [penalty_text(case)] if case.situation is Situation.penalty and social_security(case) else []
        elif token == "@appeal.not_opposable":
            found = analysis.right("deadline_not_opposable")
            basis = list(found.legal_basis) if found else []
            wanted = analysis.route.notice_basis
            out += [i for i in basis if i == wanted]
        elif token.startswith("@right."):
            found = analysis.right(token.removeprefix("@right."))
            out += [i for i in (found.legal_basis if found else []) if _is_article(i)]
        elif token.startswith("@sector."):
            right_id = token.removeprefix("@sector.")
            found = analysis.right(right_id)
            generic = set(RIGHTS_BY_ID[right_id].legal_basis)
            out += [i for i in (found.legal_basis if found else []) if i not in generic]
        else:
            raise ValueError(f"unknown citation token {token}")
    return list(dict.fromkeys(out))


# --- Context: the case in words ------------------------------------------------------------

def _elide(word: str) -> str:
    return ("d'" if word[:1].lower() in "aeiouyhéèêàâîô" else "de ") + word


@dataclass(frozen=True)
class _Facts:
    ctx: dict[str, Any]
    letters: tuple[str, ...]


class LazyText:
    """A shared guide sentence rendered only where a template writes it, so that its cites
    are recorded for the guides that say it and no other."""

    def __init__(self, render: Any) -> None:
        self._render = render

    def __str__(self) -> str:
        return self._render()


def _dated(day: Optional[dt.date]) -> Optional[str]:
    return long_date(day) if day else None


def _deadline(analysis: Analysis, deadline_id: str) -> Optional[dt.date]:
    return next((d.date for d in analysis.deadlines if d.id == deadline_id), None)


class AnswerLike(Protocol):
    """An answer received to a letter (assistant.casefiles.followup.Answer): the letter answered, the
    day, and what kind of answer it was (an enum whose value is the kind's id)."""

    to_letter: str
    on: dt.date
    kind: Any


# Answers that refuse all or part of a request: an explicit refusal (assistant.casefiles.followup.REFUSING).
REFUSED_KINDS = ("partial", "refusal_with_reasons", "refusal_without_reasons")
# Answers on the merits: the request is no longer « unanswered ».
DECIDED_KINDS = (*REFUSED_KINDS, "complete", "withdrawn")


def _kind(answer: AnswerLike) -> str:
    return str(getattr(answer.kind, "value", answer.kind))


def _answers(answers: Iterable[AnswerLike]) -> tuple[dict[str, Optional[str]], dict[str, Optional[dt.date]]]:
    """The latest answer to each letter (same day: by kind, as assistant.casefiles.followup does): its
    kind and its day; None for a letter without an answer."""
    kinds: dict[str, Optional[str]] = {letter: None for letter in LETTER_IDS}
    days: dict[str, Optional[dt.date]] = {letter: None for letter in LETTER_IDS}
    for answer in sorted(answers, key=lambda a: (a.on, _kind(a))):
        kinds[answer.to_letter], days[answer.to_letter] = _kind(answer), answer.on
    return kinds, days


def _context(case: Case, analysis: Analysis, today: dt.date, letter_ids: tuple[str, ...],
             answers: Iterable[AnswerLike] = ()) -> dict[str, Any]:
    data = load_catalogue().data
    c, d, h = case.claimant, case.decision, case.history
    on = case.decision_date  # chooses the legal values in force (durations)
    organism = clean(organism_label(case)) or ""
    benefit = bodies.benefit_words(case.benefit.value)
    amount_known = case.context.amount_eur is not None
    words = {
        "benefit": benefit["mine"],
        "benefit_request": "ma demande " + _elide(benefit["short"]),
        "amount": f" de {format_amount(case.context.amount_eur)}" if amount_known else "",
    }
    situation = data["situations"][case.situation.value]
    written = d.is_written
    if written and d.date:
        decision_ref = f"la décision du {long_date(d.date)}"
    elif written and d.received_on:
        decision_ref = f"la décision que j'ai reçue le {long_date(d.received_on)}"
    elif written:
        decision_ref = f"la décision relative à {benefit['mine']}"
    else:
        since = f" à compter du {long_date(case.context.started_on)}" if case.context.started_on else ""
        decision_ref = f"la décision de {situation['inf'].format(**words)}{since}, qui ne m'a pas été notifiée"

    # What the body answered, if the caller says so (follow-up letters); none by default.
    answer_kind, answer_day = _answers(answers)
    explanation_refused = answer_kind["explanation_request"] in REFUSED_KINDS
    documents_refused = answer_kind["document_access"] in REFUSED_KINDS
    region = holiday_region(c.postal_code)
    # Late requests: the answer deadline the analysis computed has passed, and the body has
    # not answered on the merits (an answer asking for a document or for time decides nothing).
    explanation_answer = _deadline(analysis, "explanation_answer")
    documents_answer = _deadline(analysis, "documents_answer")
    explanation_late = (bool(explanation_answer and explanation_answer < today)
                        and answer_kind["explanation_request"] not in DECIDED_KINDS)
    documents_late = (bool(documents_answer and documents_answer < today)
                      and answer_kind["document_access"] not in DECIDED_KINDS)
    refusals = [x for x, late in ((explanation_answer, explanation_late), (documents_answer, documents_late)) if late]
    cada_by = [x for x in (_deadline(analysis, "cada_after_explanation") if explanation_late else None,
                           _deadline(analysis, "cada_after_documents") if documents_late else None) if x]
    # An explicit refusal: the CADA within its time from the answer, never later than the
    # limit that already ran from the refusal born of silence.
    for letter, what, refused in (("explanation_request", "explanation", explanation_refused),
                                  ("document_access", "documents", documents_refused)):
        answered_on = answer_day[letter]
        if refused and answered_on:
            from_answer = end_of_period(answered_on, period("crpa-R343-1", on), region)
            cada_by.append(min(x for x in (from_answer, _deadline(analysis, f"cada_after_{what}")) if x))
    history = {
        "explanation_requested_on": _dated(h.explanation_requested_on),
        "documents_requested_on": _dated(h.documents_requested_on),
        "appeal_filed_on": _dated(h.appeal_filed_on),
    }
    steps = [text for day, text in (
        (h.explanation_requested_on, "une demande d'explication de la décision, le {}"),
        (h.documents_requested_on, "une demande de communication de mon dossier, le {}"),
        (h.appeal_filed_on, "un recours contre la décision, le {}"),
    ) if day for text in [text.format(long_date(day))]]
    firsts = [x for x in (h.explanation_requested_on if explanation_late or explanation_refused else None,
                          h.documents_requested_on if documents_late or documents_refused else None) if x]
    route = analysis.route
    mediator = analysis.right("mediator")
    document = analysis.right("document_access")
    deadlines = {x.id: x for x in analysis.deadlines}

    def dated(deadline_id: str) -> Optional[dict[str, Any]]:
        """A deadline of the analysis as the letters show it: its date in words, whether it
        has passed (then never a target), and the text that sets it."""
        found = deadlines.get(deadline_id)
        if found is None:
            return None
        return {"date": long_date(found.date), "late": found.date < today, "cites": list(found.legal_basis[:1])}

    cada = _dated(min(cada_by)) if cada_by else None
    # The text setting the appeal's safe date (the compulsory mediation's, for an ARE stop
    # that may be a sanction): the guide's « délai de … » is that text's. An ARE recours has
    # none of its own (appeal_before_court): the guide gives its date with the answer time,
    # and « délai de … » is the court's.
    before_court = appeal_before_court(route)
    appeal_ref = (route.deadline_ref if before_court
                  else next((x.legal_basis[0] for x in analysis.deadlines if x.id == "appeal"), route.deadline_ref))
    return {
        "case": case, "claimant": c, "decision": d, "appeal": analysis.appeal,
        "found": set(analysis.right_ids), "letters": letter_ids, "written": written,
        "me": clean(c.full_name), "organism": organism, "organism_the": bodies.the(organism),
        "organism_of": bodies.of(organism), "organism_to": bodies.to(organism), "file_number": clean(c.file_number),
        "benefit": benefit["mine"], "benefit_short": benefit["short"], "benefit_request": words["benefit_request"],
        "situation_noun": situation["noun"], "decision_ref": decision_ref,
        "decision_past": situation["past"].format(**words),
        "decision_date": _dated(d.date), "amount_known": amount_known,
        "amount": format_amount(case.context.amount_eur), "withholding": format_amount(case.context.withholding_eur),
        "own_words": clean(case.context.own_words), "today_text": long_date(today),
        "history": history, "history_steps": steps, "any_history": bool(steps),
        "explanation_late": explanation_late, "documents_late": documents_late,
        "answer_kind": answer_kind, "answer_date": {k: _dated(v) for k, v in answer_day.items()},
        "explanation_refused": explanation_refused, "documents_refused": documents_refused,
        "explanation_partial": answer_kind["explanation_request"] == "partial",
        "documents_partial": answer_kind["document_access"] == "partial",
        "refusal_date": _dated(min(refusals)) if refusals else None,
        "cada_by": cada, "cada_late": bool(cada_by and min(cada_by) < today),
        "first_request_date": _dated(min(firsts)) if firsts else None,
        "appeal_deadline": _dated(analysis.appeal.deadline),
        "appeal_late": bool(analysis.appeal.deadline and analysis.appeal.deadline < today),
        "appeal_answer_time": duration(period(route.answer_ref, on)),
        "appeal_time": duration(period(appeal_ref, on)),
        "appeal_deadline_ref": appeal_ref, "appeal_before_court": before_court,
        "route": route, "note_keys": [n.key for n in analysis.appeal.note_details],
        "deadline": dated, "correction": dated("overpayment_correction"),
        "reasonable": dated("reasonable_time"), "court_limit": dated("court_limit"),
        "implicit": dated("implicit_decision"),
        "sanction": is_sanction(case), "penalty": case.situation is Situation.penalty,
        "third_party": bool(case.context.after_control and document
                            and data["third_party_ref"] in document.legal_basis),
        "contrainte": social_security(case) and case.situation is Situation.overpayment,
        # France Travail recovers through its own contrainte (ct-L5426-8-2, opposition ct-R5426-22).
        "ft_contrainte": (procedure(case) == "france_travail"
                          and case.situation in (Situation.overpayment, Situation.penalty)),
        # Remission decided by another body than the creditor (ARE: the instance paritaire).
        "remission_elsewhere": bool(bodies.benefit(case.benefit.value).remission_body),
        "suspensive_claim": withholding_family(case) in SUSPENSIVE_CHALLENGE,
        "penalty_barred_before": _penalty_barred_before(case),
        "housing": family(case) == "housing",
        "recovery_family": recovery_family(case),
        "limitation": _limitation(analysis, on),
        "organism_address": ", ".join(_lines(case.organism.address)),
        "remission_refs": resolve_cites(["@right.debt_remission"], case, analysis),
        "mediator_refs": resolve_cites(["@right.mediator"], case, analysis),
        "time_of": lambda ref_id: duration(period(ref_id, on)),
        "of_time": lambda ref_id: of_time(ref_id, on),
        "within_time": lambda ref_id: within_time(ref_id, on),
        "first_time": lambda ref_ids: first_time(ref_ids, "fr", on),
        "remission_answer_time": duration(period("crpa-L231-4", on)),
        "appeal_exists": bool(h.appeal_filed_on) or "appeal" in letter_ids,
        "mediator_facts": list(mediator.why) if mediator else [],
        "region": region,
        "cite": cite, "cite_paren": cite_paren,
    }


def _limitation(analysis: Analysis, on: dt.date) -> Optional[dict[str, Any]]:
    """The overpayment's limitation as the analysis computed it, in words: the period and
    its texts, the notification's day and the day before which payments are time-barred
    (None: the case holds no date), and the longer period if fraud were proved."""
    found = analysis.limitation
    if found is None:
        return None
    fraud = period(found.fraud_ref, on, fraud=True)
    return {
        "time": duration(period(found.period_ref, on)), "refs": list(found.period_refs),
        "notified": found.notified_on and long_date(found.notified_on),
        "barred_before": found.barred_before and long_date(found.barred_before),
        "fraud_time": duration(fraud), "fraud_ref": found.fraud_ref, "fraud_from_payment": fraud.runs_from == "payment",
        "fraud_barred_before": found.fraud_barred_before and long_date(found.fraud_barred_before),
    }


def _penalty_barred_before(case: Case) -> Optional[str]:
    """A France Travail penalty: the day before which facts are too old to be penalised on the
    decision's date (ct-L5426-7's period, counted back from the decision); None otherwise."""
    d = case.decision
    if case.situation is not Situation.penalty or procedure(case) != "france_travail" or not d.date:
        return None
    bar = period("ct-L5426-7", d.date)
    return long_date(add_months(d.date, -(bar.months + 12 * bar.years)) - dt.timedelta(days=bar.days))


# --- Blocks: sender, recipient, references ---------------------------------------------------


def _lines(text: Optional[str]) -> list[str]:
    return clean(text).split("\n") if text else []


def _sender(case: Case) -> list[str]:
    c = case.claimant
    lines = [clean(c.full_name), *_lines(c.address), clean(f"{c.postal_code} {c.city}")]
    lines += [x for x in (c.email, clean(c.phone)) if x]
    return lines


@dataclass(frozen=True)
class Addressee:
    """A letter's recipient block: the name lines, then the address typed for this recipient
    or blank lines to fill in by hand; `path` is where that address is typed (a case-file
    path; None for a fixed address of the catalogue), `help` the `address_help` key saying
    where to find it, and `known` whether it was typed."""

    lines: list[str]
    path: Optional[str]
    help: Optional[str]
    known: bool


def _typed_address(case: Case, path: str) -> list[str]:
    group, name = path.split(".")
    return _lines(getattr(getattr(case, group), name))


def _at(names: list[str], case: Case, help_key: str) -> Addressee:
    """`names` with the address typed for this kind of recipient, and never another's
    (catalogue `address_fields`)."""
    data = load_catalogue().data
    path = data["address_fields"][help_key]
    typed = _typed_address(case, path)
    if typed:
        return Addressee([*names, *typed], path, help_key, True)
    return Addressee([*names, *[""] * data["address_blank_lines"]], path, help_key, False)


def _addressee(spec: LetterSpec, case: Case, analysis: Analysis, ctx: dict[str, Any]) -> Addressee:
    """Who the letter goes to, and at which address (see `Addressee`)."""
    data = load_catalogue().data
    rule, route = spec.recipient, analysis.appeal.route
    if spec.id == "explanation_request" and ctx["answer_kind"]["appeal"] == "refusal_without_reasons":
        rule = "appeal_body"   # the reasons of a rejected appeal are asked of whoever rejected it
    if rule in ("cada", "cnil", "defenseur"):
        return Addressee(list(data["addresses"][rule]), None, None, True)
    if rule == "organism":
        return _at([ctx["organism"]], case, "organism")
    if rule == "mediator":
        mediator_spec = bodies.body(case.organism.kind.value).mediator
        if mediator_spec and mediator_spec.letter_to:
            return _at([mediator_spec.letter_to["name"]], case, mediator_spec.letter_to["address_help"])
        return _at([f"Médiateur {ctx['organism_of']}"], case, "organism")
    remission = bodies.benefit(case.benefit.value).remission_body
    if rule == "remission_body" and remission and remission.get("address_help") == "organism":
        # e.g. a pension overpayment: the caisse's own commission de recours amiable (CSS L355-3).
        return _at([f"{remission['to']} {ctx['organism_of']}"], case, "organism")
    if rule == "remission_body" and remission:
        # e.g. an ARE overpayment: the regional joint body (C. trav. L5312-10).
        return _at([remission["to"]], case, remission["address_help"])
    if rule == "remission_body" and route != "rapo_departement":
        return _at([f"Directeur {ctx['organism_of']}"], case, "organism")
    # The appeal authority (and, for RSA, the département's président for remissions too).
    body = [clean(analysis.appeal.body) or "", *data["recipient_extra"].get(route, [])]
    if route == "rapo_departement" and procedure(case) != "departement":
        return _at(body, case, "departement")  # not on the CAF's letter
    if route in data["address_help"]:  # the court, the mediator, the medical board: not the body's address
        return _at(body, case, route)
    return _at(body, case, "organism")


def _recipient(spec: LetterSpec, case: Case, analysis: Analysis, ctx: dict[str, Any]) -> tuple[list[str], Optional[str]]:
    """The address block, and which `address_help` of the catalogue tells where to find the
    address when we do not know it (then blank lines are left to fill in by hand)."""
    found = _addressee(spec, case, analysis, ctx)
    return found.lines, None if found.known else found.help


@dataclass(frozen=True)
class AddressRequest:
    """One address to ask the person for: where it is typed (a case-file path), the names it
    is printed under, the letters that print it, and where to find it (an `address_help` key;
    `where`: that sentence in the person's language, filled in by `guides.address_requests`)."""

    path: str
    names: tuple[str, ...]
    letters: tuple[str, ...]
    help: str
    where: str = ""


def address_requests(case: Case, analysis: Analysis, letters: list[Letter],
                     answers: Iterable[AnswerLike] = ()) -> list[AddressRequest]:
    """The addresses these letters need, one per recipient's field, in the letters' order;
    fixed addresses (CADA, CNIL, Défenseur des droits) are not asked."""
    catalogue = load_catalogue()
    ids = tuple(letter.id for letter in letters)
    ctx = _context(case, analysis, case.reference_date, ids, answers)
    found: dict[str, AddressRequest] = {}
    for letter_id in ids:
        spec = catalogue.letters[letter_id]
        addressee = _addressee(spec, case, analysis, ctx)
        if addressee.path is None or addressee.help is None:
            continue  # a fixed address of the catalogue
        name = addressee.lines[0]
        known = found.get(addressee.path)
        if known is None:
            found[addressee.path] = AddressRequest(addressee.path, (name,), (letter_id,), addressee.help)
        else:
            names = known.names if name in known.names else (*known.names, name)
            found[addressee.path] = AddressRequest(known.path, names, (*known.letters, letter_id), known.help)
    own = found.get("organism.address")
    if own is not None:  # the deciding body's own address: named after it first
        found[own.path] = replace(own, names=tuple(dict.fromkeys((ctx["organism"], *own.names))))
    return list(found.values())


def _references(case: Case, ctx: dict[str, Any]) -> list[str]:
    out = []
    if ctx["file_number"]:
        out.append(f"{bodies.organism(case.organism.kind.value)['file_number']} : {ctx['file_number']}")
    d = case.decision
    if d.is_written and d.date and d.received_on:
        out.append(f"Décision du {long_date(d.date)}, reçue le {long_date(d.received_on)}")
    elif d.is_written and (d.date or d.received_on):
        out.append(f"Décision du {long_date(d.date)}" if d.date else f"Décision reçue le {long_date(d.received_on)}")
    elif not d.is_written and case.context.started_on:
        out.append(f"Paiements interrompus depuis le {long_date(case.context.started_on)} (aucune décision écrite reçue)")
    return out


# --- Building ---------------------------------------------------------------------------------


def _applicable(spec: LetterSpec, ctx: dict[str, Any]) -> bool:
    if not set(spec.requires_any) & ctx["found"]:
        return False
    return spec.when_expr is None or bool(spec.when_expr(**ctx))


def _route_notes(analysis: Analysis, data: dict[str, Any], today: dt.date) -> tuple[list[str], list[str], list[str]]:
    """The engine's warnings about the route, each with its texts; the dates still ahead
    that the appeal letter does not already state; and every id cited there."""
    notes, dates, cited = [], [], []
    for n in analysis.appeal.note_details:
        notes.append(f"{n.text.rstrip('.')} ({cite_paren(n.legal_basis)})." if n.legal_basis else n.text)
        cited += n.legal_basis
    for d in analysis.deadlines:
        if d.id in data["guide_deadlines"] and d.date >= today:
            dates.append(f"{long_date(d.date)} : {d.label} ({cite_paren(d.legal_basis[:1])}).")
            cited += d.legal_basis[:1]
    return notes, dates, cited


def _build_one(spec: LetterSpec, case: Case, analysis: Analysis, base: dict[str, Any], today: dt.date,
               with_notes: bool = False) -> Letter:
    data = load_catalogue().data
    ctx = dict(base)
    recipient, address_help = _recipient(spec, case, analysis, ctx)
    ctx["recipient_name"] = recipient[0]
    answer_ref = resolve_cites([spec.answer_ref], case, analysis)[0] if spec.answer_ref else None
    ctx["answer_by"] = (_dated(end_of_period(today, period(answer_ref, case.decision_date), ctx["region"]))
                        if answer_ref else None)
    paragraphs: list[Paragraph] = []
    for p in spec.paragraphs:
        if not set(p.rights) <= ctx["found"]:
            continue
        if p.when_expr is not None and not p.when_expr(**ctx):
            continue
        cites = resolve_cites(p.cites, case, analysis)
        if not cites:
            continue  # the analysis gave no text for this argument: we do not make one up
        text = p.text.render(**ctx, cites=cites, basis=cite(cites, "de"))
        paragraphs.append(Paragraph(key=p.key, text=text, cites=cites,
                                    because=[*p.rights, *([p.when] if p.when else [])]))
    enclosures = [e.render(**ctx) for e, when in spec.enclosures if when is None or when(**ctx)]

    # The guide states rules and time limits: each with its article, recorded for the tests.
    cited: list[str] = []

    def guide_cite(ids: list[str], prep: str = "") -> str:
        cited.extend(ids)
        return cite(list(ids), prep)

    def guide_paren(ids: list[str]) -> str:
        cited.extend(ids)
        return cite_paren(ids)

    gctx = {**ctx, "cite": guide_cite, "cite_paren": guide_paren}
    gctx["still_open"] = _templates()["still_open"].render(**gctx)
    gctx["appeal_sent"] = LazyText(lambda: _templates()["appeal_sent"].render(**gctx))
    to_complete = []
    if address_help:
        to_complete.append("l'adresse du destinataire, sous son nom : " + _templates()["address_help"][address_help].render(**gctx))
    if any("………" in p.text for p in paragraphs):
        to_complete.append("les informations laissées en pointillés")
    if any(data["to_complete_mark"] in p.text for p in paragraphs):
        to_complete.append(f"ce que vous contestez et pourquoi, à la place de « {data['to_complete_mark']} »")
    if any(data["missing_mark"] in p.text for p in paragraphs):
        to_complete.append(f"ce qui manque dans la réponse reçue, à la place de « {data['missing_mark']} »")
    for p in paragraphs:
        check = data["check_before_sending"].get(f"{spec.id}.{p.key}")
        if check:
            to_complete.append(check)
    to_complete.append("votre signature, à la main, sous votre nom")
    notes, dates = [], []
    if with_notes:
        notes, dates, route_cites = _route_notes(analysis, data, today)
        cited += route_cites
    def guide_text(name: str) -> str:
        # Jinja branches leave stray spaces: the guide is one line per item.
        return " ".join(spec.guide[name].render(**gctx).split())

    guide = SendingGuide(
        to_whom=" — ".join(x for x in recipient if x),
        how=guide_text("how"), enclose=enclosures, keep=guide_text("keep"),
        answer=guide_text("answer"), to_complete=to_complete, notes=notes, dates=dates,
        cites=list(dict.fromkeys(cited)),
    )
    return Letter(
        id=spec.id, title=spec.title, explanation=spec.explanation.render(**ctx),
        subject=spec.subject.render(**ctx),
        sender=_sender(case), recipient=recipient, place_date=place_and_date(clean(case.claimant.city), today),
        references=_references(case, ctx), registered=spec.registered, salutation=data["salutation"],
        paragraphs=paragraphs, closing=data["closing"], enclosures=enclosures, signature=ctx["me"], guide=guide,
    )


def allowed_cites(letter_id: str, case: Case, analysis: Analysis) -> set[str]:
    """Every id a letter (or its guide) may cite: the texts of the rights found, of the
    appeal route, its notes and deadlines, and the letter's own procedure texts."""
    spec = load_catalogue().letters[letter_id]
    allowed = {i for r in analysis.rights for i in r.legal_basis}
    allowed |= set(analysis.appeal.legal_basis)
    allowed |= {i for n in analysis.appeal.note_details for i in n.legal_basis}
    allowed |= {i for d in analysis.deadlines for i in d.legal_basis}
    allowed |= set(resolve_cites(spec.procedure_refs, case, analysis))
    return allowed


def build_letters(case: Case, analysis: Analysis, only: list[str] | None = None,
                  today: dt.date | None = None, answers: Iterable[AnswerLike] = ()) -> list[Letter]:
    """The letters for a case: those the analysis proposes, or exactly `only` (in that order).

    `answers` (assistant.casefiles.followup.Answer) are what the body already answered: follow-up
    letters then say so (« Votre réponse du … ») instead of « restée sans réponse ».
    Raises UnknownLetter for an id outside the catalogue and LetterNotApplicable for a letter
    whose right the analysis did not find; both carry a French message.
    """
    catalogue = load_catalogue()
    today = today or case.reference_date
    if only is None:
        wanted = [i for i in analysis.letters if i in catalogue.letters]
    else:
        wanted = list(dict.fromkeys(only))
        unknown = [i for i in wanted if i not in catalogue.letters]
        if unknown:
            raise UnknownLetter(
                f"courrier inconnu : {', '.join(unknown)}. Courriers possibles : {', '.join(catalogue.letters)}.")
    ctx = _context(case, analysis, today, tuple(wanted), answers)
    # The route's warnings go with the appeal letter, or with the first letter without one.
    applicable = [i for i in wanted if _applicable(catalogue.letters[i], ctx)]
    notes_with = "appeal" if "appeal" in applicable else (applicable[0] if applicable else None)
    letters = []
    for letter_id in wanted:
        spec = catalogue.letters[letter_id]
        if not _applicable(spec, ctx):
            if only is None:
                continue  # proposed by the analysis but not writable: tests keep this from happening
            raise LetterNotApplicable(
                f"le courrier « {spec.title} » ({letter_id}) ne correspond pas à ce dossier : "
                "l'analyse n'a pas trouvé le droit ou la situation sur lesquels il repose.")
        letters.append(_build_one(spec, case, analysis, ctx, today, with_notes=letter_id == notes_with))
    return letters
