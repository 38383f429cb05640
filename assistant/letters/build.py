"""Case + analysis in, letters out: pick the catalogue's paragraphs and fill them in.

Pure and deterministic. The wording lives in `catalogue.yaml`; this module only decides
which paragraphs apply (from the rights the analysis found and the facts of the case),
turns `legal_refs` ids into French citations, and formats dates and amounts with babel.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .. import bodies
from ..analysis import Analysis
from ..appeals import appeal_route, organism_label
from ..deadlines import end_of_period
from ..formatting import amount as format_amount
from ..formatting import long_date, place_and_date
from ..legal_refs import Period, period, ref
from ..model import Benefit, Case, OrganismKind
from ..places import holiday_region
from ..rights import RIGHTS_BY_ID
from .models import (
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
    explanation: str
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
            id=letter_id, title=spec["title"], explanation=_collapse(spec["explanation"]),
            requires_any=tuple(spec["requires_any"]), when_expr=expr(spec.get("when")),
            recipient=spec["recipient"], registered=bool(spec["registered"]), subject=tpl(spec["subject"]),
            answer_ref=spec.get("answer_ref"), procedure_refs=tuple(spec.get("procedure_refs") or ()),
            enclosures=tuple((tpl(e["text"]), expr(e.get("when"))) for e in spec.get("enclosures") or ()),
            guide={k: tpl(v) for k, v in spec["guide"].items()}, paragraphs=paragraphs,
        )
    return Catalogue(letters=letters, data=raw)


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
            # (assistant.appeals keeps it first; CRPA L411-2 for a recours gracieux).
            out += [i for i in analysis.appeal.legal_basis if _is_article(i)][:1]
        elif token == "@appeal.answer":
            out.append(appeal_route(case).answer_ref)
        elif token == "@appeal.not_opposable":
            found = analysis.right("deadline_not_opposable")
            basis = list(found.legal_basis) if found else []
            wanted = appeal_route(case).notice_basis
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

_NUMBERS = {1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 15: "quinze"}


def duration(length: Period) -> str:
    """« deux mois », « un an » from a legal_refs period."""
    parts = []
    for value, one, many in ((length.years, "an", "ans"), (length.months, "mois", "mois"), (length.days, "jour", "jours")):
        if value:
            parts.append(f"{_NUMBERS.get(value, str(value))} {one if value == 1 else many}")
    return " et ".join(parts)


def _elide(word: str) -> str:
    return ("d'" if word[:1].lower() in "aeiouyhéèêàâîô" else "de ") + word


@dataclass(frozen=True)
class _Facts:
    ctx: dict[str, Any]
    letters: tuple[str, ...]


def _dated(day: Optional[dt.date]) -> Optional[str]:
    return long_date(day) if day else None


def _deadline(analysis: Analysis, deadline_id: str) -> Optional[dt.date]:
    return next((d.date for d in analysis.deadlines if d.id == deadline_id), None)


def _context(case: Case, analysis: Analysis, today: dt.date, letter_ids: tuple[str, ...]) -> dict[str, Any]:
    data = load_catalogue().data
    c, d, h = case.claimant, case.decision, case.history
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

    # Late requests: the answer deadline the analysis computed has passed.
    explanation_answer = _deadline(analysis, "explanation_answer")
    documents_answer = _deadline(analysis, "documents_answer")
    explanation_late = bool(explanation_answer and explanation_answer < today)
    documents_late = bool(documents_answer and documents_answer < today)
    refusals = [x for x, late in ((explanation_answer, explanation_late), (documents_answer, documents_late)) if late]
    cada_by = [x for x in (_deadline(analysis, "cada_after_explanation") if explanation_late else None,
                           _deadline(analysis, "cada_after_documents") if documents_late else None) if x]
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
    firsts = [x for x in (h.explanation_requested_on if explanation_late else None,
                          h.documents_requested_on if documents_late else None) if x]
    route = appeal_route(case)
    mediator = analysis.right("mediator")
    return {
        "case": case, "claimant": c, "decision": d, "appeal": analysis.appeal,
        "found": set(analysis.right_ids), "letters": letter_ids, "written": written,
        "me": clean(c.full_name), "organism": organism, "organism_the": bodies.the(organism),
        "organism_of": bodies.of(organism), "file_number": clean(c.file_number),
        "benefit": benefit["mine"], "benefit_short": benefit["short"], "benefit_request": words["benefit_request"],
        "situation_noun": situation["noun"], "decision_ref": decision_ref,
        "decision_past": situation["past"].format(**words),
        "decision_date": _dated(d.date), "amount_known": amount_known,
        "amount": format_amount(case.context.amount_eur), "withholding": format_amount(case.context.withholding_eur),
        "own_words": clean(case.context.own_words), "today_text": long_date(today),
        "history": history, "history_steps": steps, "any_history": bool(steps),
        "explanation_late": explanation_late, "documents_late": documents_late,
        "refusal_date": _dated(min(refusals)) if refusals else None,
        "cada_by": _dated(min(cada_by)) if cada_by else None,
        "first_request_date": _dated(min(firsts)) if firsts else None,
        "appeal_deadline": _dated(analysis.appeal.deadline),
        "appeal_late": bool(analysis.appeal.deadline and analysis.appeal.deadline < today),
        "appeal_answer_time": duration(period(route.answer_ref)),
        "remission_answer_time": duration(period("crpa-L231-4")),
        "appeal_exists": bool(h.appeal_filed_on) or "appeal" in letter_ids,
        "mediator_facts": list(mediator.why) if mediator else [],
        "region": holiday_region(c.postal_code),
        "cite": cite,
    }


# --- Blocks: sender, recipient, references ---------------------------------------------------


def _lines(text: Optional[str]) -> list[str]:
    return clean(text).split("\n") if text else []


def _sender(case: Case) -> list[str]:
    c = case.claimant
    lines = [clean(c.full_name), *_lines(c.address), clean(f"{c.postal_code} {c.city}")]
    lines += [x for x in (c.email, clean(c.phone)) if x]
    return lines


def _recipient(spec: LetterSpec, case: Case, analysis: Analysis, ctx: dict[str, Any]) -> list[str]:
    data = load_catalogue().data
    missing = data["address_missing"]
    own_address = _lines(case.organism.address) or [missing]
    rule = spec.recipient
    if rule in ("cada", "cnil", "defenseur"):
        return list(data["addresses"][rule])
    if rule == "organism":
        return [ctx["organism"], *own_address]
    if rule == "mediator":
        if case.organism.kind is OrganismKind.france_travail:
            return ["Médiateur régional de France Travail", missing]
        return [f"Médiateur {ctx['organism_of']}", *own_address]
    if rule == "remission_body" and case.benefit is Benefit.are:
        # Remission of an ARE overpayment: the regional joint body (C. trav. L5312-10).
        return ["Instance paritaire régionale de France Travail", missing]
    if rule == "remission_body" and analysis.appeal.route != "rapo_departement":
        return [f"Directeur {ctx['organism_of']}", *own_address]
    # The appeal authority (and, for RSA, the département's président for remissions too).
    body = clean(analysis.appeal.body) or ""
    departement_body = analysis.appeal.route == "rapo_departement" and case.organism.kind is not OrganismKind.departement
    if departement_body or analysis.appeal.route == "rapo_france_travail":
        return [body, missing]
    return [body, *own_address]


def _references(case: Case, ctx: dict[str, Any]) -> list[str]:
    data = load_catalogue().data
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


def _build_one(spec: LetterSpec, case: Case, analysis: Analysis, base: dict[str, Any], today: dt.date) -> Letter:
    data = load_catalogue().data
    ctx = dict(base)
    recipient = _recipient(spec, case, analysis, ctx)
    ctx["recipient_name"] = recipient[0]
    answer_ref = resolve_cites([spec.answer_ref], case, analysis)[0] if spec.answer_ref else None
    ctx["answer_by"] = (_dated(end_of_period(today, period(answer_ref), ctx["region"]))
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
    to_complete = []
    if data["address_missing"] in recipient:
        to_complete.append("l'adresse du destinataire")
    if any("………" in p.text for p in paragraphs):
        to_complete.append("les montants laissés en pointillés")
    to_complete.append("votre signature, à la main, sous votre nom")
    guide = SendingGuide(
        to_whom=" — ".join(x for x in recipient if x != data["address_missing"]),
        how=spec.guide["how"].render(**ctx), enclose=enclosures, keep=spec.guide["keep"].render(**ctx),
        answer=spec.guide["answer"].render(**ctx), to_complete=to_complete,
    )
    return Letter(
        id=spec.id, title=spec.title, explanation=spec.explanation, subject=spec.subject.render(**ctx),
        sender=_sender(case), recipient=recipient, place_date=place_and_date(clean(case.claimant.city), today),
        references=_references(case, ctx), registered=spec.registered, salutation=data["salutation"],
        paragraphs=paragraphs, closing=data["closing"], enclosures=enclosures, signature=ctx["me"], guide=guide,
    )


def allowed_cites(letter_id: str, case: Case, analysis: Analysis) -> set[str]:
    """Every id a letter may cite: the texts of the rights found, of the appeal route and
    deadlines, and the letter's own procedure texts. Tests hold the letters to it."""
    spec = load_catalogue().letters[letter_id]
    allowed = {i for r in analysis.rights for i in r.legal_basis}
    allowed |= set(analysis.appeal.legal_basis)
    allowed |= {i for d in analysis.deadlines for i in d.legal_basis}
    allowed |= set(resolve_cites(spec.procedure_refs, case, analysis))
    return allowed


def build_letters(case: Case, analysis: Analysis, only: list[str] | None = None,
                  today: dt.date | None = None) -> list[Letter]:
    """The letters for a case: those the analysis proposes, or exactly `only` (in that order).

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
    ctx = _context(case, analysis, today, tuple(wanted))
    letters = []
    for letter_id in wanted:
        spec = catalogue.letters[letter_id]
        if not _applicable(spec, ctx):
            if only is None:
                continue  # proposed by the analysis but not writable: tests keep this from happening
            raise LetterNotApplicable(
                f"le courrier « {spec.title} » ({letter_id}) ne correspond pas à ce dossier : "
                "l'analyse n'a pas trouvé le droit ou la situation sur lesquels il repose.")
        letters.append(_build_one(spec, case, analysis, ctx, today))
    return letters
