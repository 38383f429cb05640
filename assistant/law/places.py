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


@lru_cache(maxsize=100_000)
def normalise(city: str) -> str:
    """« St-Priest Cedex 3 » → « SAINT PRIEST »; « Lyon 3e Arrondissement » → « LYON ».
    Cached: every commune's names are compared again for each address of a batch."""
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
    """Who decides on a date: `name` (the addressee of a prior appeal), `body` (the
    collectivité's or caisse's own name, None for an ordinary conseil départemental), the
    `legal_refs` ids it rests on, `state` (the RSA run by the State through the caisse),
    `verified` (False: the reading is not confirmed, follow the decision's mention) and
    `note` (the route's sentence saying so)."""
    name: str
    ref: Optional[str] = None
    body: Optional[str] = None
    refs: tuple[str, ...] = ()
    state: bool = False
    verified: bool = True
    note: Optional[str] = None


@lru_cache(maxsize=1)
def _authorities() -> dict:
    import yaml

    return yaml.safe_load(AUTHORITIES.read_text(encoding="utf-8"))


def outside_rsa(postal_code: str, city: str = "", commune_code: Optional[str] = None) -> bool:
    """New Caledonia, French Polynesia, Wallis-et-Futuna…: their own social protection applies."""
    excluded = tuple(_authorities()["excluded"])
    found = resolve(postal_code, city, commune_code).commune
    return (found.dep if found else postal_code[:3]) in excluded


def _dep_of_postcode(postal_code: str) -> str:
    """The département code a postcode's prefix names (Corsica: 200–201 Corse-du-Sud, 202–206 Haute-Corse)."""
    if postal_code.startswith("20"):
        return "2A" if postal_code[:3] in ("200", "201") else "2B"
    return postal_code[:3] if postal_code.startswith(("97", "98")) else postal_code[:2]


def _where(postal_code: str, city: str, commune_code: Optional[str]) -> tuple[str, bool, str]:
    """(département code, member of the Métropole de Lyon, a postcode) of the address: the
    commune's, else what every candidate commune shares, else the postcode's prefix."""
    found = resolve(postal_code, city, commune_code)
    if found.commune is not None:
        return found.commune.dep, found.commune.lyon, (found.commune.postcodes or (postal_code,))[0]
    shared = {(c.dep, c.lyon) for c in found.candidates}
    return (*shared.pop(), postal_code) if len(shared) == 1 else (_dep_of_postcode(postal_code), False, postal_code)


def _departement_place(dep: str, postal_code: str) -> Optional[Place]:
    """The département of departements.yaml (Saint-Barthélemy and Saint-Martin before 2007: Guadeloupe)."""
    prefix = {"2A": "200", "2B": "202"}.get(dep, dep)
    return _table().get(prefix) or departement(postal_code)


def _in_force(rules: list, dep: str, lyon: bool, on) -> Optional[dict]:
    """The value of the first rule matching the commune that is in force on `on` (from ≤ on ≤ until)."""
    for rule in rules:
        match = rule["match"]
        if ("lyon" in match and match["lyon"] == lyon) or dep in match.get("dep", ()):
            in_force = [v for v in rule["values"] if v["from"] <= on <= v.get("until", on)]
            if in_force:
                return in_force[-1]
    return None  # not yet, or no longer (after `until`): the default


def powers_bodies() -> frozenset[str]:
    """The own names of the collectivités that exercise, or exercised, a département's powers
    (rsa_authorities.yaml `powers`: « Métropole de Lyon », « Collectivité européenne d'Alsace »…):
    a letter's sender named so names its place in its name."""
    return frozenset(value["body"] for rule in _authorities()["powers"] for value in rule["values"])


def powers_holder(postal_code: str, city: str, on, commune_code: Optional[str] = None) -> Optional[Authority]:
    """The collectivité exercising the département's powers for this address on the date `on`
    (rsa_authorities.yaml `powers`), or the conseil départemental of its département; None
    when the département is not known."""
    dep, lyon, postcode = _where(postal_code, city, commune_code)
    value = _in_force(_authorities()["powers"], dep, lyon, on)
    if value is not None:
        return Authority(value["president"], value["ref"], value["body"], (value["ref"],),
                         verified=value.get("verified", True),
                         note=None if value.get("verified", True) else "route.unverified")
    place = _departement_place(dep, postcode)
    return Authority(f"Président du conseil départemental {place.of}") if place else None


def rsa_state(postal_code: str, city: str, on, commune_code: Optional[str] = None) -> Optional[Authority]:
    """The caisse that runs the RSA for the State at this address on the date `on`
    (rsa_authorities.yaml `rsa_state`), None where the collectivité does."""
    dep, lyon, _ = _where(postal_code, city, commune_code)
    value = _in_force(_authorities()["rsa_state"], dep, lyon, on)
    if value is None:
        return None
    return Authority(value["authority"], value["refs"][0], value["body"], tuple(value["refs"]),
                     state=True, note=value["note"])


def rsa_authority(postal_code: str, city: str, on, commune_code: Optional[str] = None) -> Optional[Authority]:
    """The body that decides on the RSA for this address on the date `on` (CASF L262-47): the
    caisse where the State runs it, else the collectivité holding the département's powers."""
    return rsa_state(postal_code, city, on, commune_code) or powers_holder(postal_code, city, on, commune_code)


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


# --- A city that is not in its postcode (a batch's « 4400 » read 04400 for Nantes) ------------


@dataclass(frozen=True)
class NamedCommune:
    """A commune as a message names it: « Nantes (44000), Loire-Atlantique »."""
    code: str
    name: str
    postal_code: str
    dep: str
    departement: str


@dataclass(frozen=True)
class CityElsewhere:
    """The city typed names no commune of the postcode, and every commune of that name lies in
    another département, or under another authority on the date, than the postcode's:
    `postcode_communes` are what the postcode is (none for a CEDEX or unknown postcode),
    `postcode_departement` its département, `city_communes` where the city is."""
    postal_code: str
    city: str
    postcode_departement: str
    postcode_communes: tuple[NamedCommune, ...]
    city_communes: tuple[NamedCommune, ...]


def departement_name(dep: str, postal_code: str = "") -> str:
    """« Loire-Atlantique » for 44 (departements.yaml), the code itself when unknown."""
    place = _departement_place(dep, postal_code or dep)
    return place.name if place else dep


@lru_cache(maxsize=1)
def _by_name() -> dict[str, tuple[Commune, ...]]:
    """Normalised name (own, commune déléguée or associée, arrondissement) → the communes."""
    out: dict[str, list[Commune]] = {}
    for c in communes().values():
        for name in {normalise(n) for n in c.names}:
            out.setdefault(name, []).append(c)
    return {name: tuple(cs) for name, cs in out.items()}


def _named_here(local: tuple[Commune, ...], wanted: str) -> bool:
    """Whether a commune of the postcode bears the name, whole or shortened (« Port Ste Foy »)."""
    return any(wanted == n or n.startswith(wanted + " ") for c in local for n in map(normalise, c.names))


def _named(found: Commune, postal_code: str = "") -> NamedCommune:
    postcode = postal_code if postal_code in found.postcodes else (found.postcodes[0] if found.postcodes else "")
    return NamedCommune(found.code, found.names[0], postcode, found.dep, departement_name(found.dep, postcode))


def city_elsewhere(postal_code: str, city: str, on, commune_code: Optional[str] = None) -> Optional[CityElsewhere]:
    """The postcode and the city disagree where it matters, else None.

    The city is compared with the names the official data gives each commune of the postcode
    (its own, its communes déléguées and associées — most former names —, its municipal
    arrondissements), written any way (`normalise`: accents, « St »/« Saint », hyphens, « Cedex 3 »,
    « 3e arrondissement »). A name found there, or nowhere (a lieu-dit, a name the data does not
    hold), is accepted; so is a commune of that name in the postcode's département under the
    same authority on the date `on` (`rsa_authority`; a CEDEX or unknown postcode, which names
    no commune, is compared by département only). Otherwise the postcode would send the case to
    another département or authority than the city: the candidates on both sides are returned.
    An INSEE `commune_code` says the commune: nothing to compare."""
    wanted = normalise(city)
    if commune_code or not wanted:
        return None
    local = _by_postcode().get(postal_code, ())
    if _named_here(local, wanted):
        return None
    elsewhere = _by_name().get(wanted, ())
    if not elsewhere:
        return None
    deps = {c.dep for c in local} or {_dep_of_postcode(postal_code)}
    same_dep = [c for c in elsewhere if c.dep in deps]
    if same_dep and not local:
        return None
    if same_dep:
        authorities = [rsa_authority(postal_code, "", on, c.code) for c in local]
        if any(rsa_authority(postal_code, "", on, c.code) in authorities for c in same_dep):
            return None
    dep = sorted(deps)[0]
    ordered = lambda cs: tuple(sorted(cs, key=lambda c: (c.dep, normalise(c.names[0]), c.code)))  # noqa: E731
    return CityElsewhere(postal_code, city, departement_name(dep, postal_code),
                         tuple(_named(c, postal_code) for c in ordered(local)),
                         tuple(_named(c) for c in ordered(elsewhere)))


def place_name(postal_code: str, city: str = "", commune_code: Optional[str] = None) -> str:
    """Where an address was placed, for a person to check it: « Nantes, Loire-Atlantique (44) »,
    or the département alone when postcode and city leave several communes."""
    found = resolve(postal_code, city, commune_code).commune
    dep = _where(postal_code, city, commune_code)[0]
    departement = f"{departement_name(dep, postal_code)} ({dep})"
    return f"{found.names[0]}, {departement}" if found else departement
