"""Who decides and who pays: the registry of organisms and benefits (`data/bodies.yaml`).

One place for the names of the bodies (generic, overseas, Mayotte), the French forms
« la CAF / de la CAF / à la CAF », which benefits each body decides on and what it can
decide. The model, the routes, the letters and the interview all read it from here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from assistant.law.places import departement

DATA = Path(__file__).resolve().parent / "data" / "bodies.yaml"


@lru_cache(maxsize=1)
def registry() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def organism(kind: str) -> dict[str, Any]:
    return registry()["organisms"][kind]


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


def organism_name(kind: str, typed: Optional[str], postal_code: str) -> str:
    """The body as the person named it, or a generic name built from where they live."""
    if typed:
        return typed
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


def _gender(name: str) -> str:
    first = name.split(" ", 1)[0].split("'", 1)[0].upper()
    reg = registry()
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
    return {"f": "la ", "m": "le "}.get(gender, "") + (_lower_first(name) if gender == "m" else name)


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
