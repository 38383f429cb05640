"""The mandate (mandat de représentation) a person signs when a mediator or an association
acts in their name — file the appeal, ask for the file, send the follow-ups — and the
record of what they agreed to: the powers given, what the representative never does
(receive the benefits), how to withdraw it. Wording and citations live in `mandate.yaml`
(Code civil art. 1984, 1985, 2004; CASF R262-88 and CSS R847-2 for an association's
appeal; RGPD art. 80 for a CNIL complaint).

`mandate_letter(request)` builds it as a `Letter`; `mandate_docx` and `mandate_pdf` render
it with the letters' own templates. `parse_mandate(data)` validates a request read from a
file or a form: {"representative": {"organisation", "address", "person", "role"},
"case": {…case file…}, "scope": ["appeal", "documents", "follow_up", "cnil_complaint",
"court"], "given_on": "YYYY-MM-DD", "valid_until": null}.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.law import bodies, gate
from assistant.law.analysis import analyse
from assistant.law.appeals import Route, organism_label
from assistant.law.interview import fold_words
from assistant.core.formatting import long_date, place_and_date
from assistant.law.model import _BY_TYPE, Case, InvalidCase, parse_case
from assistant.letters.build import _env, _is_article, _lines, _references, _sender, cite, cite_paren, clean
from assistant.letters.models import Letter, Paragraph, SendingGuide
from assistant.letters.render import render_docx

CATALOGUE = Path(__file__).resolve().parent / "mandate.yaml"
LETTER_ID = "mandate"


class Scope(str, Enum):
    """What the person allows the representative to do in their name."""

    appeal = "appeal"                  # file and follow the prior appeal
    documents = "documents"            # ask for and receive the file and personal data
    follow_up = "follow_up"            # reminders, CADA, mediator, Défenseur des droits; receive answers
    cnil_complaint = "cnil_complaint"  # a complaint to the CNIL (RGPD art. 80 bodies only)
    court = "court"                    # help before the court: accompany, never represent


class Representative(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    organisation: str = Field(min_length=1, max_length=300)
    address: str = Field(min_length=1, max_length=500)
    person: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=200)    # qualité: médiatrice numérique, juriste…


class MandateTerms(BaseModel):
    """The mandate without its case: who acts, with which powers, from when to when."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    representative: Representative
    scope: list[Scope] = Field(min_length=1)
    given_on: dt.date
    valid_until: Optional[dt.date] = None

    @field_validator("scope")
    @classmethod
    def _once_each(cls, value: list[Scope]) -> list[Scope]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _dates(self) -> "MandateTerms":
        if self.valid_until is not None and self.valid_until < self.given_on:
            raise ValueError("valid_until_before")
        return self


class MandateRequest(MandateTerms):
    """Who acts, for whom, about which decision (the case), with which powers."""

    case: Case


LABELS = {
    "representative": "Mandataire",
    "representative.organisation": "Organisme ou association mandataire",
    "representative.address": "Adresse du mandataire",
    "representative.person": "Personne qui agit pour le mandataire",
    "representative.role": "Qualité de cette personne",
    "case": "Dossier",
    "scope": "Démarches confiées",
    "given_on": "Date du mandat",
    "valid_until": "Fin du mandat",
}
MESSAGES = {
    **_BY_TYPE,
    "too_short": "choisissez au moins une démarche.",
    "list_type": "il faut une liste de démarches.",
    "valid_until_before": "elle ne peut pas précéder la date du mandat (given_on).",
}
MULTILINE = frozenset({"representative.address"})


def _message(error: dict[str, Any]) -> str:
    loc = [str(p) for p in error["loc"]]
    path = ".".join(loc)
    inner = (error.get("ctx") or {}).get("error")
    if error["type"] == "value_error" and isinstance(inner, ValueError) and str(inner) in MESSAGES:
        return f"{LABELS['valid_until']} (valid_until) : {MESSAGES[str(inner)]}"
    if error["type"] == "extra_forbidden":
        return f"Champ inconnu « {path} » : {MESSAGES['extra_forbidden']}"
    label = LABELS.get(path) or LABELS.get(".".join(p for p in loc if not p.isdigit()), path)
    ctx = error.get("ctx") or {}
    template = MESSAGES.get(error["type"], "valeur invalide.")
    text = template.format(expected=str(ctx.get("expected", "")).replace("' or '", "', '"),
                           max_length=ctx.get("max_length", ""))
    if error["type"] == "enum":
        text = f"« {error.get('input')} » : {text}"
    return f"{label} ({path}) : {text}"


def parse_mandate(data: object, source: str | None = None) -> MandateRequest:
    """Validate a mandate request (after the input gate's cleaning) or raise InvalidCase
    with French messages naming each field (`scope.1`, `representative.person`, `case`…)."""
    if not isinstance(data, dict):
        raise InvalidCase(["le fichier doit contenir un objet (des champs « clé : valeur »)."], source)
    terms_data = {k: v for k, v in data.items() if k != "case"}
    messages: list[str] = []
    case: Optional[Case] = None
    if data.get("case") is None:
        messages.append(f"{LABELS['case']} (case) : {MESSAGES['missing']}")
    else:
        try:
            case = parse_case(data["case"])
        except InvalidCase as error:
            messages += [f"{LABELS['case']} (case) — {m}" for m in error.messages]
    try:
        terms = MandateTerms.model_validate(gate.clean_tree(terms_data, MULTILINE))
    except gate.InputRefused as error:
        raise InvalidCase(error.messages, source) from None
    except ValidationError as error:
        messages += [_message(e) for e in error.errors(include_url=False)]
    if messages:
        raise InvalidCase(messages, source)
    return MandateRequest.model_validate({**terms.model_dump(), "case": case})


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, Any]:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def _resolve(tokens: list[str], route: Route) -> list[str]:
    """`legal_refs` ids from the paragraph's cites: `@route` is the text that opens the
    prior appeal (the route's first article), `@court` the court's time limit."""
    out: list[str] = []
    for token in tokens:
        if token == "@route":
            out += [i for i in route.legal_basis if _is_article(i)][:1]
        elif token == "@court":
            out.append(route.court_ref)
        else:
            out.append(token)
    return list(dict.fromkeys(out))


def _matter(case: Case, data: dict[str, Any], words: dict[str, str]) -> str:
    """The decision the mandate is about, as the person would say it."""
    env, d = _env(), case.decision
    if d.is_written and d.date:
        key, day = "dated", d.date
    elif d.is_written and d.received_on:
        key, day = "received", d.received_on
    else:
        key, day = ("written" if d.is_written else "unwritten"), None
    return env.from_string(data["matter"][key]).render(**words, date=long_date(day) if day else "")


def _rep_address(rep: Representative) -> list[str]:
    """The representative's address lines without a line that repeats its name: people type
    the address as on an envelope, name first, and the mandate names the organisation already."""
    name = fold_words(rep.organisation)     # case, accents, punctuation and spacing aside
    return [line for line in _lines(rep.address) if fold_words(line) != name]


def _context(request: MandateRequest, route: Route) -> dict[str, Any]:
    data, case, rep = _catalogue(), request.case, request.representative
    c = case.claimant
    organism = clean(organism_label(case)) or ""
    benefit = bodies.benefit_words(case.benefit.value)
    words = {"organism_of": bodies.of(organism), "benefit": benefit["mine"]}
    return {
        "me": clean(c.full_name),
        "my_address": ", ".join([*_lines(c.address), clean(f"{c.postal_code} {c.city}")]),
        "rep": {"organisation": clean(rep.organisation), "address_line": ", ".join(_rep_address(rep)),
                "person": clean(rep.person), "role": clean(rep.role)},
        "organism": organism, "organism_the": bodies.the(organism), "organism_of": words["organism_of"],
        "benefit": benefit["mine"], "benefit_short": benefit["short"], "benefit_id": case.benefit.value,
        "matter": _matter(case, data, words),
        "route": {"id": route.id, "body": clean(route.body), "noun": data["appeal_nouns"][route.id]},
        "court": route.court_note.text("fr"),
        "given_on": long_date(request.given_on),
        "valid_until": long_date(request.valid_until) if request.valid_until else None,
        "cite": cite, "cite_paren": cite_paren,
    }


def mandate_letter(request: MandateRequest) -> Letter:
    """The mandate as a Letter (the person writes, the representative receives and signs
    too); same request in → same mandate out."""
    data, env, case = _catalogue(), _env(), request.case
    spec = data["letters"][LETTER_ID]
    route = analyse(case).route   # the route the analysis chose, never chosen again here
    ctx = _context(request, route)
    scopes = {s.value for s in request.scope}
    paragraphs = []
    for p in spec["paragraphs"]:
        if p.get("scope") and p["scope"] not in scopes:
            continue
        if p.get("when") and not env.compile_expression(p["when"])(**ctx):
            continue
        cites = _resolve(list(p["cites"]), route)
        text = env.from_string(" ".join(p["text"].split())).render(**ctx, cites=cites, basis=cite(cites, "de"))
        paragraphs.append(Paragraph(key=p["key"], text=text, cites=cites, because=[p.get("scope") or "mandate"]))

    def fill(source: str) -> str:
        return env.from_string(" ".join(source.split())).render(**ctx)

    rep = request.representative
    guide = spec["guide"]
    return Letter(
        id=LETTER_ID, title=spec["title"], explanation=" ".join(spec["explanation"].split()),
        subject=fill(spec["subject"]), sender=_sender(case),
        recipient=[ctx["rep"]["organisation"], f"{ctx['rep']['person']}, {ctx['rep']['role']}", *_rep_address(rep)],
        place_date=place_and_date(clean(case.claimant.city) or "", request.given_on),
        references=_references(case, {"file_number": clean(case.claimant.file_number)}),
        registered=False, salutation=spec["salutation"], paragraphs=paragraphs,
        closing=" ".join(spec["closing"].split()), enclosures=[],
        signature="\n".join(fill(line) for line in spec["signature"]),
        guide=SendingGuide(to_whom=fill(guide["to_whom"]), how=fill(guide["how"]), enclose=[],
                           keep=fill(guide["keep"]), answer=fill(guide["answer"]),
                           to_complete=[fill(x) for x in guide["to_complete"]]),
    )


def mandate_docx(request: MandateRequest) -> bytes:
    """The mandate as a DOCX (the letters' template, user text escaped by docxtpl)."""
    return render_docx(mandate_letter(request))


def mandate_pdf(request: MandateRequest) -> bytes:
    """The mandate as a PDF (Typst, same text as the DOCX)."""
    from assistant.letters.typeset import letter_pdf

    return letter_pdf(mandate_letter(request))
