"""Who decides and who pays: the registry of organisms and benefits (`data/bodies.yaml`).

One place for the names of the bodies (generic, overseas, Mayotte), the French forms
« la CAF / de la CAF / à la CAF », which benefits each body decides on and what it can
decide. The model, the routes, the letters and the interview all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from assistant.law.places import departement

DATA = Path(__file__).resolve().parent / "data" / "bodies.yaml"

# The legal categories every entry states (an explicit `none` / `false` counts): no defaults.
ORGANISM_CATEGORIES = ("social_security", "article", "medical_board", "mediator", "correction_window",
                       "penalty_text", "own_recovery", "general_hearing_duty", "automated_payments",
                       "suspension_is_sanction", "penalty_procedure", "sanction_procedure", "appeal_procedure")
APPEAL_PROCEDURES = ("social_security", "departement", "france_travail", "mdph")
BENEFIT_CATEGORIES = ("family", "family_ref", "recovery", "medical_ground", "correction_window", "payer", "remission_body")
MEDIATOR_FIELDS = ("fact", "suspends", "suspends_not_for", "basis", "compulsory", "letter_to")
ARTICLES = {"la": "la ", "le": "le ", "l'": "l'", "none": ""}


class RegistryError(ValueError):
    """An entry of data/bodies.yaml that does not state one of its legal categories."""


def _missing(entry: str, spec: Any, keys: tuple[str, ...]) -> list[str]:
    if not isinstance(spec, dict):
        return [f"{entry}: not a mapping"]
    return [f"{entry}: no `{key}`" for key in keys if key not in spec]


def validate(reg: dict[str, Any]) -> dict[str, Any]:
    """Fail on load, naming the entry and the category it does not state."""
    problems: list[str] = []
    for kind, spec in reg["organisms"].items():
        problems += _missing(f"organism {kind}", spec, ORGANISM_CATEGORIES)
        if isinstance(spec, dict) and spec.get("article", "none") not in ARTICLES:
            problems.append(f"organism {kind}: `article` must be one of {sorted(ARTICLES)}")
        if isinstance(spec, dict) and spec.get("appeal_procedure", APPEAL_PROCEDURES[0]) not in APPEAL_PROCEDURES:
            problems.append(f"organism {kind}: `appeal_procedure` must be one of {list(APPEAL_PROCEDURES)}")
        if isinstance(spec, dict) and spec.get("mediator", "none") != "none":
            problems += _missing(f"organism {kind} mediator", spec["mediator"], MEDIATOR_FIELDS)
    for benefit, spec in reg["benefits"].items():
        problems += _missing(f"benefit {benefit}", spec, BENEFIT_CATEGORIES)
    if problems:
        raise RegistryError("data/bodies.yaml: " + "; ".join(problems))
    return reg


@lru_cache(maxsize=1)
def registry() -> dict[str, Any]:
    import yaml

    return validate(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def _none(value: Any) -> Any:
    return None if value == "none" else value


@dataclass(frozen=True)
class Mediator:
    fact: str
    suspends: Optional[str]
    suspends_not_for: tuple[str, ...]
    basis: Optional[tuple[str, ...]]     # None: the mediator right's own texts
    compulsory: Optional[dict[str, Any]]
    letter_to: Optional[dict[str, str]]  # None: « Médiateur de la CAF » at the body's address


@dataclass(frozen=True)
class Organism:
    kind: str
    social_security: bool
    article: str
    medical_board: bool
    mediator: Optional[Mediator]
    correction_window: tuple[str, ...]   # benefit families
    penalty_text: Optional[str]
    own_recovery: Optional[str]
    general_hearing_duty: Optional[str]   # its sentence key
    automated_payments: bool
    suspension_is_sanction: tuple[str, ...]   # benefit ids
    penalty_procedure: Any                     # "social_security", {fact, period, basis} or None
    sanction_procedure: Optional[dict[str, Any]]
    appeal_procedure: str                      # one of APPEAL_PROCEDURES


@dataclass(frozen=True)
class BenefitSpec:
    id: str
    family: str
    family_ref: Optional[str]
    recovery: str
    medical_ground: bool
    correction_window: tuple[str, ...]   # legal_refs ids, the first one's period
    payer: Optional[str]                 # the sentence naming who pays what the MDPH decides
    remission_body: Optional[dict[str, str]]


def organism(kind: str) -> dict[str, Any]:
    return registry()["organisms"][kind]


def body(kind: str) -> Organism:
    """The legal categories of a body, as the rules query them."""
    spec = organism(kind)
    m = _none(spec["mediator"])
    mediator = m and Mediator(
        fact=m["fact"], suspends=_none(m["suspends"]), suspends_not_for=tuple(m["suspends_not_for"]),
        basis=None if m["basis"] == "right" else tuple(m["basis"]), compulsory=_none(m["compulsory"]),
        letter_to=None if m["letter_to"] == "own" else m["letter_to"])
    return Organism(
        kind=kind, social_security=bool(spec["social_security"]), article=spec["article"],
        medical_board=bool(spec["medical_board"]), mediator=mediator,
        correction_window=tuple(_none(spec["correction_window"]) or ()),
        penalty_text=_none(spec["penalty_text"]), own_recovery=_none(spec["own_recovery"]),
        general_hearing_duty=_none(spec["general_hearing_duty"]), automated_payments=bool(spec["automated_payments"]),
        suspension_is_sanction=tuple(_none(spec["suspension_is_sanction"]) or ()),
        penalty_procedure=_none(spec["penalty_procedure"]), sanction_procedure=_none(spec["sanction_procedure"]),
        appeal_procedure=spec["appeal_procedure"])


def benefit(benefit_id: str) -> BenefitSpec:
    """The legal categories of a benefit, as the rules query them."""
    spec = registry()["benefits"][benefit_id]
    return BenefitSpec(
        id=benefit_id, family=spec["family"], family_ref=_none(spec["family_ref"]), recovery=spec["recovery"],
        medical_ground=bool(spec["medical_ground"]), correction_window=tuple(_none(spec["correction_window"]) or ()),
        payer=_none(spec["payer"]), remission_body=_none(spec["remission_body"]))


def organism_kinds() -> list[str]:
    return list(registry()["organisms"])


def benefit_ids() -> list[str]:
    return list(registry()["benefits"])


def benefit_words(benefit: str) -> dict[str, str]:
    """« mon revenu de solidarité active (RSA) » (mine) and « RSA » (short)."""
    return registry()["benefits"][benefit]


def is_social_security(kind: str) -> bool:
    return bool(organism(kind)["social_security"])


def allowed_benefits(kind: str, postal_code: str) -> set[str]:
    """The benefits a body decides on. Overseas one caisse (CGSS, CSSM) pays health and
    pensions alike, so a person there may name it « CPAM » or « CARSAT » for either."""
    reg = registry()
    allowed = set(organism(kind)["benefits"])
    if postal_code[:3] in {*reg["overseas_cgss"], *reg["mayotte"]} and kind in reg["overseas_shared"]:
        for other in reg["overseas_shared"]:
            allowed |= set(organism(other)["benefits"])
    return allowed


def allowed_situations(kind: str) -> set[str]:
    return set(organism(kind)["situations"])


def territorial_name(kind: str, postal_code: str, on: Any) -> Optional[tuple[str, str]]:
    """(name, legal_refs id) of a body whose own name where the person lives differs from the
    generic one on the date `on` (`by_departement` of data/bodies.yaml), else None."""
    values = organism(kind).get("by_departement", {}).get(postal_code[:3] if postal_code.startswith("97") else postal_code[:2])
    in_force = [v for v in values or () if v["from"] <= on]
    return (in_force[-1]["name"], in_force[-1]["ref"]) if in_force else None


def organism_name(kind: str, typed: Optional[str], postal_code: str, on: Any = None) -> str:
    """The body as the person named it, or a generic name built from where they live (its own
    territorial name in force on the date `on`, when it has one)."""
    if typed:
        return typed
    own = territorial_name(kind, postal_code, on) if on is not None else None
    if own:
        return own[0]
    spec, reg = organism(kind), registry()
    place = departement(postal_code)
    prefix = postal_code[:3]
    if prefix in reg["mayotte"] and spec.get("mayotte"):
        return spec["mayotte"]
    if prefix in reg["overseas_cgss"] and spec.get("overseas"):
        return spec["overseas"].format(of=place.of) if place else spec["overseas"].split(" {")[0]
    if "{of}" in spec["generic"]:
        return spec["generic"].format(of=place.of) if place else spec["generic"].split(" {")[0]
    return spec["generic"]


def _first_word(name: str) -> str:
    return name.split(" ", 1)[0].split("'", 1)[0].upper()


def _own_articles() -> dict[str, str]:
    """The first word of each body's names (« CAF », « CGSS », « Conseil ») → its `article`."""
    out: dict[str, str] = {}
    for spec in registry()["organisms"].values():
        for key in ("short", "generic", "overseas", "mayotte"):
            if spec.get(key):
                out.setdefault(_first_word(spec[key]), spec["article"])
    return out


def _gender(name: str) -> str:
    first = _first_word(name)
    reg, own = registry(), _own_articles()
    if first in own:
        return {"la": "f", "le": "m", "l'": "elided"}.get(own[first], "none")
    if first in reg["feminine"]:
        return "f"
    if first in reg["masculine"]:
        return "m"
    return ""


def _lower_first(name: str) -> str:
    """« Conseil départemental » → « conseil départemental », « CAF » stays « CAF »."""
    first = name.split(" ", 1)[0]
    return name if first.isupper() else name[:1].lower() + name[1:]


def the(name: str) -> str:
    """« la CAF du Rhône », « le conseil départemental du Nord », « France Travail »."""
    if name.lower().startswith(("le ", "la ", "les ", "l'")):
        return name[:1].lower() + name[1:]
    gender = _gender(name)
    return {"f": "la ", "m": "le ", "elided": "l'"}.get(gender, "") + (_lower_first(name) if gender == "m" else name)


def of(name: str) -> str:
    """« de la CAF du Rhône », « du conseil départemental du Nord », « de France Travail »."""
    article = the(name)
    if article.startswith("le "):
        return "du " + article[3:]
    if article.startswith("les "):
        return "des " + article[4:]
    if article.startswith(("la ", "l'")):
        return "de " + article
    return ("d'" if article[:1].lower() in "aeiouyhéèêàâîô" else "de ") + article


def to(name: str) -> str:
    """« à la CAF », « au conseil départemental », « à France Travail »."""
    article = the(name)
    if article.startswith("le "):
        return "au " + article[3:]
    if article.startswith("les "):
        return "aux " + article[4:]
    return "à " + article
