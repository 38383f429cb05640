"""Where the claimant lives: département (for the RSA authority) and local public holidays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

DATA = Path(__file__).resolve().parent / "data" / "departements.yaml"

# `holidays` subdivision codes for the places whose public holidays differ from
# the rest of France (Alsace-Moselle: 26 December, and Good Friday in some communes only; overseas:
# abolition of slavery days).
_HOLIDAY_REGION_BY_PREFIX = {
    "57": "57", "67": "6AE", "68": "6AE",
    "971": "971", "972": "972", "973": "973", "974": "974", "976": "976", "975": "PM",
    "97133": "BL", "97150": "MF",
}


@dataclass(frozen=True)
class Place:
    name: str
    of: str
    rsa_authority: Optional[str] = None
    rsa_note: Optional[str] = None


@lru_cache(maxsize=1)
def _table() -> dict[str, Place]:
    import yaml

    raw = yaml.load(DATA.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {str(code): Place(**fields) for code, fields in raw.items()}


def _lookup(postal_code: str, table: dict) -> Optional[object]:
    for length in (5, 3, 2):
        found = table.get(postal_code[:length])
        if found is not None:
            return found
    return None


def departement(postal_code: str) -> Optional[Place]:
    """The collectivité exercising the département's powers for this postal code."""
    return _lookup(postal_code, _table())  # type: ignore[return-value]


def holiday_region(postal_code: str) -> Optional[str]:
    """The `holidays` France subdivision whose local public holidays apply, if any."""
    return _lookup(postal_code, _HOLIDAY_REGION_BY_PREFIX)  # type: ignore[return-value]


# --- Communes (official data, tools/make_communes.py) and dated RSA authorities -------------

COMMUNES = Path(__file__).resolve().parent / "data" / "communes.json.gz"
AUTHORITIES = Path(__file__).resolve().parent / "data" / "rsa_authorities.yaml"


@dataclass(frozen=True)
class Commune:
    code: str
    names: tuple[str, ...]
    postcodes: tuple[str, ...]
    dep: str
    lyon: bool = False


@dataclass(frozen=True)
class Resolution:
    """One commune when postcode and city identify it, else the candidates."""
    commune: Optional[Commune]
    candidates: tuple[Commune, ...] = ()


@lru_cache(maxsize=1)
def communes() -> dict[str, Commune]:
    import gzip
    import json

    raw = json.loads(gzip.decompress(COMMUNES.read_bytes()))["communes"]
    return {code: Commune(code, tuple(r["names"]), tuple(r["postcodes"]), r["dep"], bool(r.get("lyon")))
            for code, r in raw.items()}


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    import gzip
    import json

    return json.loads(gzip.decompress(COMMUNES.read_bytes())).get("aliases", {})


def commune(code: str) -> Optional[Commune]:
    """The current commune of an INSEE code: its own, or an arrondissement's (69383 → Lyon),
    a commune déléguée's or associée's, or a merged commune's former code."""
    table = communes()
    return table.get(code) or table.get(_aliases().get(code, ""))


@lru_cache(maxsize=1)
def _by_postcode() -> dict[str, tuple[Commune, ...]]:
    out: dict[str, list[Commune]] = {}
    for c in communes().values():
        for pc in c.postcodes:
            out.setdefault(pc, []).append(c)
    return {pc: tuple(cs) for pc, cs in out.items()}


def normalise(city: str) -> str:
    """« St-Priest Cedex 3 » → « SAINT PRIEST »; « Lyon 3e Arrondissement » → « LYON »."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode().upper()
    text = re.sub(r"[^A-Z0-9]+", " ", text)
    text = re.sub(r"\bCEDEX\b.*$", "", text)
    text = re.sub(r"\b\d+\s*(ER|E|EME)?\b|\bARRONDISSEMENT\b", " ", text)
    text = re.sub(r"\bSTE\b", "SAINTE", re.sub(r"\bST\b", "SAINT", text))
    return " ".join(text.split())


def resolve(postal_code: str, city: str = "", commune_code: Optional[str] = None) -> Resolution:
    """The commune of a postal address (an INSEE `commune_code`, when given, wins)."""
    if commune_code:
        found = commune(commune_code)
        return Resolution(found, (found,) if found else ())
    wanted = normalise(city)
    local = _by_postcode().get(postal_code, ())
    if not local:  # CEDEX or unknown postcode: the same name in the same département
        prefix = postal_code[:3] if postal_code.startswith("97") or postal_code.startswith("98") else postal_code[:2]
        local = tuple(c for c in communes().values() if c.postcodes and c.postcodes[0].startswith(prefix))
        named = tuple(c for c in local if wanted in {normalise(n) for n in c.names})
        return Resolution(named[0] if len(named) == 1 else None, named)
    named = tuple(c for c in local if wanted and wanted in {normalise(n) for n in c.names})
    if not named and wanted:  # a shortened name: « Port Ste Foy » for Port-Sainte-Foy-et-Ponchapt
        named = tuple(c for c in local if any(normalise(n).startswith(wanted + " ") for n in c.names))
    if len(named) == 1:
        return Resolution(named[0], named)
    pool = named or local
    return Resolution(pool[0] if len(pool) == 1 else None, pool)


@dataclass(frozen=True)
class Authority:
    name: str
    ref: Optional[str] = None
    body: Optional[str] = None


@lru_cache(maxsize=1)
def _authorities() -> dict:
    import yaml

    return yaml.safe_load(AUTHORITIES.read_text(encoding="utf-8"))


def outside_rsa(postal_code: str, city: str = "", commune_code: Optional[str] = None) -> bool:
    """New Caledonia, French Polynesia, Wallis-et-Futuna…: their own social protection applies."""
    excluded = tuple(_authorities()["excluded"])
    found = resolve(postal_code, city, commune_code).commune
    return (found.dep if found else postal_code[:3]) in excluded


def _commune_place(commune: Commune) -> Optional[Place]:
    table = _table()
    return table.get(commune.dep) or departement(commune.postcodes[0] if commune.postcodes else "")


def rsa_authority(postal_code: str, city: str, on, commune_code: Optional[str] = None) -> Optional[Authority]:
    """The body that decides on the RSA for this address on the date `on`, from the dated rules;
    None when the commune is unknown or ambiguous (the caller then falls back to the postcode)."""
    commune = resolve(postal_code, city, commune_code).commune
    if commune is None:
        return None
    for rule in _authorities()["rules"]:
        match = rule["match"]
        if ("lyon" in match and match["lyon"] == commune.lyon) or commune.dep in match.get("dep", ()):
            in_force = [v for v in rule["values"] if v["from"] <= on]
            if in_force:
                return Authority(in_force[-1]["authority"], in_force[-1].get("ref"), in_force[-1].get("body"))
            break
    place = _commune_place(commune)
    if place is None:
        return None
    if place.rsa_authority and not place.rsa_authority.startswith("Président de la Métropole"):
        return Authority(place.rsa_authority)
    return Authority(f"Président du conseil départemental {place.of}")


# --- An address that does not say which commune, where it matters ----------------------------


@dataclass(frozen=True)
class Candidate:
    """A commune the address may mean, as a message or a choice names it."""
    code: str
    name: str
    postal_code: str


@dataclass(frozen=True)
class Ambiguity:
    """Postcode and city leave several communes, and they differ in what the engine reads from
    the commune (`differs_in`: "authority" on the decision's date, "holidays")."""
    postal_code: str
    candidates: tuple[Candidate, ...]
    differs_in: tuple[str, ...]


def _distinct(values) -> int:
    """How many different values (by equality: an authority need not be hashable)."""
    seen: list = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return len(seen)


def _candidate(found: Commune, postal_code: str) -> Candidate:
    postcode = postal_code if postal_code in found.postcodes else (found.postcodes[0] if found.postcodes else "")
    return Candidate(found.code, found.names[0], postcode)


def ambiguity(postal_code: str, city: str, on, commune_code: Optional[str] = None) -> Optional[Ambiguity]:
    """The candidates, when postcode and city do not identify one commune and the candidates
    differ in RSA authority on the date `on` or in local public holidays; None otherwise (one
    commune, a `commune_code` given, or candidates the engine treats alike). Compares what the
    public functions `rsa_authority` and `holiday_region` return for each candidate, so it
    follows whatever data they read."""
    if commune_code:
        return None
    found = resolve(postal_code, city)
    if found.commune is not None or len(found.candidates) < 2:
        return None
    differs = []
    if _distinct(rsa_authority(postal_code, city, on, c.code) for c in found.candidates) > 1:
        differs.append("authority")
    # Each commune's own postcode (its département's holidays; 977/978 have their own).
    if _distinct(holiday_region(c.postcodes[0] if c.postcodes else c.dep) for c in found.candidates) > 1:
        differs.append("holidays")
    if not differs:
        return None
    ordered = sorted((_candidate(c, postal_code) for c in found.candidates), key=lambda c: (normalise(c.name), c.code))
    return Ambiguity(postal_code, tuple(ordered), tuple(differs))
