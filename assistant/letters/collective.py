"""Letters an association sends in its own name about a body's algorithmic processing:
the request for its rules, documentation and source code (CRPA L300-2, L311-1, L312-1-3),
then the CADA referral (L342-1, R343-1). Wording and citations live in `collective.yaml`.

`python -m assistant collective REQUEST.json --out DIR` writes both letters as DOCX. The
request file: {"association": {"name", "address", "representative", "email"},
"organism": {"kind", "name", "address"}, "processing": "…", "requested_on": null,
"today": null}.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.law import bodies, gate
from assistant.law.deadlines import end_of_period
from assistant.core.formatting import long_date, place_and_date
from assistant.law.legal_refs import period
from assistant.law.model import InvalidCase, OrganismKind
from assistant.law.texts import of_time, time_of
from assistant.letters.build import _env, cite, cite_paren
from assistant.letters.models import Letter, Paragraph, SendingGuide

CATALOGUE = Path(__file__).resolve().parent / "collective.yaml"
LETTER_IDS = ("algorithm_rules_request", "algorithm_rules_cada_referral")


class Association(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=300)
    address: str = Field(min_length=1, max_length=500)
    representative: str = Field(min_length=1, max_length=200)
    email: Optional[str] = Field(default=None, max_length=320)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: OrganismKind
    name: str = Field(min_length=1, max_length=300)
    address: Optional[str] = Field(default=None, max_length=500)


class CollectiveRequest(BaseModel):
    """What an association asks, about which body and which processing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    association: Association
    organism: Body
    processing: str = Field(min_length=1, max_length=300)
    requested_on: Optional[dt.date] = None     # the request, once sent (for the referral)
    today: Optional[dt.date] = None


def parse_request(data: object, source: str | None = None) -> CollectiveRequest:
    """Validate (after the input gate's cleaning) or raise InvalidCase with French messages."""
    if not isinstance(data, dict):
        raise InvalidCase(["le fichier doit contenir un objet (des champs « clé : valeur »)."], source)
    try:
        cleaned = gate.clean_tree(data, frozenset({"association.address", "organism.address"}))
        return CollectiveRequest.model_validate(cleaned)
    except gate.InputRefused as error:
        raise InvalidCase(error.messages, source) from None
    except ValidationError as error:
        messages = [f"{'.'.join(str(p) for p in e['loc'])} : {'champ obligatoire' if e['type'] == 'missing' else 'valeur invalide'}."
                    for e in error.errors(include_url=False)]
        raise InvalidCase(messages, source) from None


@lru_cache(maxsize=1)
def _catalogue() -> dict:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def build_collective(request: CollectiveRequest, only: tuple[str, ...] = LETTER_IDS) -> list[Letter]:
    """The association's letters, in order; same request in → same letters out."""
    env, data = _env(), _catalogue()
    today = request.today or dt.date.today()
    name = request.organism.name
    ctx = {
        "association": request.association, "processing": request.processing,
        "body": {"name": name, "the": bodies.the(name), "of": bodies.of(name)},
        "requested_on": long_date(request.requested_on) if request.requested_on else "………………",
        "today_text": long_date(today), "cite": cite, "cite_paren": cite_paren,
        # No decision here: the values in force on the day of the letter.
        "time_of": lambda ref_id: time_of(ref_id, on=today), "of_time": lambda ref_id: of_time(ref_id, today),
        "answer_by": long_date(end_of_period(today, period("crpa-R311-13", today))),
    }
    sender = [request.association.name, *request.association.address.split("\n")]
    sender += [x for x in (request.association.email,) if x]
    letters = []
    for letter_id in only:
        spec = data["letters"][letter_id]
        paragraphs = []
        for p in spec["paragraphs"]:
            text = env.from_string(" ".join(p["text"].split())).render(**ctx, cites=p["cites"], basis=cite(p["cites"], "de"))
            paragraphs.append(Paragraph(key=p["key"], text=text, cites=list(p["cites"]), because=["association"]))
        to_body = letter_id == "algorithm_rules_request"
        recipient = ([name, *(request.organism.address or "").split("\n")] if to_body else list(data["cada_address"]))
        guide_text = env.from_string(" ".join(spec["guide"].split())).render(**ctx)
        letters.append(Letter(
            id=letter_id, title=spec["title"],
            explanation=env.from_string(" ".join(spec["explanation"].split())).render(**ctx),
            subject=env.from_string(spec["subject"]).render(**ctx), sender=sender,
            recipient=[line for line in recipient if line] or [name, "", "", ""],
            place_date=place_and_date(request.association.address.split("\n")[-1].split(" ", 1)[-1], today),
            references=[], registered=bool(spec["registered"]), salutation="Madame, Monsieur,",
            paragraphs=paragraphs,
            closing="Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
            enclosures=[] if to_body else ["Copie de notre demande et de sa preuve d'envoi"],
            signature=f"{request.association.representative}, pour {request.association.name}",
            guide=SendingGuide(to_whom=" — ".join(line for line in recipient if line), how=guide_text, enclose=[],
                               keep="Une copie de la lettre et la preuve d'envoi datée.", answer="", to_complete=[],
                               cites=list(spec.get("guide_cites") or [])),
        ))
    return letters
