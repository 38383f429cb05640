"""Communes and the RSA authority by commune and by date (issue 18, item 1).

The walk reads the raw official data (npm package @etalab/decoupage-administratif, unpacked
where DECOUPAGE_DIR points: `make test` fetches it with .ci/official-data.sh) and derives each
commune's expected authority from it on its own, never from the project's generated file.
Without the package the walk is skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
from pathlib import Path

import pytest

from assistant.law import places
from tests.conftest import absent

D = dt.date
# Every date on which an authority changes somewhere, written here from the texts (not read
# from the project's data): Saint-Pierre-et-Miquelon a collectivité territoriale (loi n° 85-595),
# Saint-Barthélemy and Saint-Martin (LO 2007-223), Métropole de Lyon (MAPTAM), Martinique and
# Guyane (first meeting of their assemblies, loi n° 2011-884), Collectivité de Corse (CGCT
# L4421-1), Ville de Paris and the RSA of Guyane and Mayotte run by the State (loi n° 2017-257;
# LFI 2019 art. 81), La Réunion (LFI 2020 art. 77), Alsace (loi n° 2019-816), the experiment
# of LFI 2022 art. 43 in the Seine-Saint-Denis and the Pyrénées-Orientales, then the Ariège,
# and its end (31 December 2031 since the LFI 2026: the département is competent again).
LYON, CTU, CORSE, PARIS, STATE_OVERSEAS, REUNION, ALSACE = (
    D(2015, 1, 1), D(2015, 12, 18), D(2018, 1, 1), D(2019, 1, 1), D(2019, 1, 1), D(2020, 1, 1), D(2021, 1, 1))
EXPERIMENT = {"93": D(2022, 3, 1), "66": D(2022, 3, 1), "09": D(2023, 1, 1)}
EXPERIMENT_ENDS = D(2031, 12, 31)
SPM, COM_2007 = D(1985, 6, 11), D(2007, 7, 15)
CHANGES = [SPM, COM_2007, LYON, CTU, CORSE, PARIS, REUNION, ALSACE, *EXPERIMENT.values(),
           EXPERIMENT_ENDS + dt.timedelta(days=1)]
DATES = sorted({d for c in CHANGES for d in (c, c - dt.timedelta(days=1))} | {D(2026, 12, 6)})


def _raw() -> Path | None:
    folder = os.environ.get("DECOUPAGE_DIR")
    return Path(folder) if folder and (Path(folder) / "data" / "communes.json").exists() else None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace("’", "'").lower()


def _state_runs_rsa(dep: str, on: dt.date) -> bool:
    """The RSA run by the State through the caisse (Guyane, Mayotte, La Réunion; the experiment)."""
    if dep in ("973", "976"):
        return on >= STATE_OVERSEAS
    if dep == "974":
        return on >= REUNION
    return dep in EXPERIMENT and EXPERIMENT[dep] <= on <= EXPERIMENT_ENDS


def _expected(dep: str, dep_name: str, lyon: bool, on: dt.date) -> tuple[str, ...]:
    """Texts the authority's name must hold, from the official data only (EPCI type MET69,
    département codes and names) and the dates above."""
    if _state_runs_rsa(dep, on):
        return ("directeur", _fold(dep_name))
    if lyon and on >= LYON:
        return ("président de la métropole de lyon",)
    if dep in ("67", "68") and on >= ALSACE:
        return ("collectivité européenne d'alsace",)
    if dep in ("2A", "2B") and on >= CORSE:
        return ("conseil exécutif de corse",)
    if dep == "75":
        return ("maire de paris",) + (("formation de conseil départemental",) if on < PARIS else ())
    if dep == "972" and on >= CTU:
        return ("conseil exécutif de martinique",)
    if dep == "973" and on >= CTU:
        return ("président de la collectivité territoriale de guyane",)
    if dep == "975" and on >= SPM:
        return ("collectivité territoriale de saint-pierre-et-miquelon",)
    if dep in ("977", "978") and on >= COM_2007:
        return ("conseil territorial de " + {"977": "saint-barthélemy", "978": "saint-martin"}[dep],)
    if dep in ("977", "978"):
        return ("conseil départemental", "guadeloupe")
    return ("président du conseil départemental", _fold(dep_name))


def test_every_commune_on_every_change_date():
    raw = _raw()
    if raw is None:
        message = "données brutes @etalab/decoupage-administratif absentes (bash .ci/official-data.sh)"
        absent(message, message)
    communes = json.loads((raw / "data" / "communes.json").read_text(encoding="utf-8"))
    epci = json.loads((raw / "data" / "epci.json").read_text(encoding="utf-8"))
    deps = {d["code"]: d["nom"] for d in json.loads((raw / "data" / "departements.json").read_text(encoding="utf-8"))}
    deps |= {"975": "Saint-Pierre-et-Miquelon", "977": "Saint-Barthélemy", "978": "Saint-Martin"}
    lyon = {m["code"] for e in epci if e["type"] == "MET69" for m in e["membres"]}
    wrong, by_address, ambiguous = [], 0, 0
    current = [c for c in communes if c["type"] == "commune-actuelle"]
    assert len(current) == len(places.communes())
    for c in current:
        dep = c["departement"]
        if dep in ("984", "986", "987", "988", "989"):
            assert places.outside_rsa(c.get("codesPostaux", ["98000"])[0], c["nom"], c["code"]), c["code"]
            continue
        for on in DATES:
            want = _expected(dep, deps[dep], c["code"] in lyon, on)
            got = places.rsa_authority("00000", "", on, commune_code=c["code"])
            if (got is None or not all(_fold(w) in _fold(got.name) for w in want)
                    or got.state != _state_runs_rsa(dep, on)):
                wrong.append((c["code"], c["nom"], on, got, want))
            if on < PARIS and got is not None and "ville de paris" in _fold(f"{got.name} {got.body}"):
                wrong.append((c["code"], c["nom"], on, got, "no Ville de Paris before 2019"))
        for postcode in c.get("codesPostaux", []):
            found = places.resolve(postcode, c["nom"]).commune
            by_address += 1
            if found is None:
                ambiguous += 1
            else:
                assert found.code == c["code"] or _fold(c["nom"]) in map(_fold, found.names), (postcode, c["nom"], found)
    assert not wrong, wrong[:20]
    assert ambiguous < by_address // 100, ambiguous


@pytest.mark.parametrize("postcode, city, on, expected", [
    ("69200", "Vénissieux", D(2024, 3, 1), "Président de la Métropole de Lyon"),
    ("69120", "Vaulx-en-Velin", D(2024, 3, 1), "Président de la Métropole de Lyon"),
    ("69500", "Bron", D(2024, 3, 1), "Président de la Métropole de Lyon"),
    ("69800", "St-Priest CEDEX 2", D(2024, 3, 1), "Président de la Métropole de Lyon"),
    ("69140", "Rillieux-la-Pape", D(2024, 3, 1), "Président de la Métropole de Lyon"),
    ("69003", "LYON 3E ARRONDISSEMENT", D(2024, 3, 1), "Président de la Métropole de Lyon"),
    ("69200", "Venissieux", D(2014, 12, 31), "Président du conseil départemental du Rhône"),
    ("67000", "Strasbourg", D(2020, 6, 1), "Président du conseil départemental du Bas-Rhin"),
    ("67000", "Strasbourg", D(2024, 6, 1), "Président de la Collectivité européenne d'Alsace"),
    ("68100", "Mulhouse", D(2020, 12, 31), "Président du conseil départemental du Haut-Rhin"),
    ("68100", "Mulhouse", D(2021, 1, 1), "Président de la Collectivité européenne d'Alsace"),
    ("97150", "Saint-Martin", D(2024, 1, 1), "Président du conseil territorial de Saint-Martin"),
    ("97133", "St Barthélemy", D(2024, 1, 1), "Président du conseil territorial de Saint-Barthélemy"),
    ("33220", "Port-Sainte-Foy-et-Ponchapt", D(2024, 1, 1), "Président du conseil départemental de la Dordogne"),
    ("33220", "Sainte-Foy-la-Grande", D(2024, 1, 1), "Président du conseil départemental de la Gironde"),
    ("97200", "Fort-de-France", D(2024, 1, 1), "Président du conseil exécutif de Martinique"),
    ("20000", "Ajaccio", D(2024, 1, 1), "Président du conseil exécutif de Corse"),
])
def test_rsa_authority_by_commune_and_date(postcode, city, on, expected):
    got = places.rsa_authority(postcode, city, on)
    assert got is not None and got.name == expected


@pytest.mark.parametrize("postcode, city, on, expected", [
    ("75011", "Paris", D(2024, 1, 1), "Maire de Paris, président du conseil de Paris"),
    ("75011", "Paris", D(2018, 12, 31), "Maire de Paris, président du conseil de Paris siégeant en formation de conseil départemental"),
    ("97300", "Cayenne", D(2024, 1, 1), "Directeur de la CAF de la Guyane"),
    ("97300", "Cayenne", D(2018, 12, 31), "Président de la collectivité territoriale de Guyane"),
    ("97300", "Cayenne", D(2015, 12, 17), "Président du conseil départemental de Guyane"),
    ("97400", "Saint-Denis", D(2019, 12, 31), "Président du conseil départemental de La Réunion"),
    ("97400", "Saint-Denis", D(2020, 1, 1), "Directeur de la CAF de La Réunion"),
    ("20000", "Ajaccio", D(2017, 12, 31), "Président du conseil départemental de la Corse-du-Sud"),
    ("20200", "Bastia", D(2017, 12, 31), "Président du conseil départemental de la Haute-Corse"),
    ("20200", "Bastia", D(2018, 1, 1), "Président du conseil exécutif de Corse"),
    ("93200", "Saint-Denis", D(2023, 5, 2), "Directeur de la CAF de la Seine-Saint-Denis"),
    ("93200", "Saint-Denis", D(2022, 2, 28), "Président du conseil départemental de la Seine-Saint-Denis"),
    ("93200", "Saint-Denis", D(2031, 12, 31), "Directeur de la CAF de la Seine-Saint-Denis"),
    ("93200", "Saint-Denis", D(2032, 1, 1), "Président du conseil départemental de la Seine-Saint-Denis"),
    ("66000", "Perpignan", D(2022, 3, 1), "Directeur de la CAF des Pyrénées-Orientales"),
    ("09000", "Foix", D(2022, 12, 31), "Président du conseil départemental de l'Ariège"),
    ("09000", "Foix", D(2023, 1, 1), "Directeur de la CAF de l'Ariège"),
])
def test_dated_authorities_of_the_special_places(postcode, city, on, expected):
    assert places.rsa_authority(postcode, city, on).name == expected


def test_the_powers_stay_with_the_departement_where_the_state_runs_the_rsa():
    """The experiment moves the RSA only: the PCH, APA and aide sociale stay with the département."""
    holder = places.powers_holder("93200", "Saint-Denis", D(2024, 1, 1))
    assert holder.name == "Président du conseil départemental de la Seine-Saint-Denis" and not holder.state
    assert places.rsa_authority("93200", "Saint-Denis", D(2024, 1, 1)).state


def test_commune_code_wins_over_postcode_and_city():
    assert places.resolve("67000", "Strasbourg", commune_code="69259").commune.names[0] == "Vénissieux"


def test_a_shortened_name_still_finds_its_commune():
    assert places.resolve("33220", "Port Ste Foy").commune.code == "24335"


def test_ambiguous_postcode_returns_candidates():
    found = places.resolve("33220", "")
    assert found.commune is None and len(found.candidates) > 1


def test_normalise():
    assert places.normalise("St-Priest Cédex 3") == "SAINT PRIEST"
    assert places.normalise("Lyon 1er Arrondissement") == "LYON"


@pytest.mark.parametrize("postcode, city", [("98800", "Nouméa"), ("98714", "Papeete"), ("98600", "Mata-Utu")])
def test_pacific_territories_refused(postcode, city):
    assert places.outside_rsa(postcode, city)


def test_every_rule_cites_an_existing_legal_ref_and_sentence():
    from assistant.law.legal_refs import ref
    from assistant.law.texts import sentences
    data = places._authorities()
    for rule in data["powers"] + data["rsa_state"]:
        for value in rule["values"]:
            for ref_id in value.get("refs", [value.get("ref")]):
                assert str(ref(ref_id).url).startswith("https://www.legifrance.gouv.fr/")
            assert value.get("until", value["from"]) >= value["from"]
            assert value.get("note") is None or value["note"] in sentences()


def _departement_case(postcode: str, city: str, date: str):
    """The département's RSA fine (scenario r02), moved to `city` and decided on `date`."""
    from assistant.law.model import Case

    raw = json.loads((Path(__file__).parent / "scenarios" / "r02_rsa_fine_of_the_departement.json").read_text(encoding="utf-8"))
    case = raw["case"]
    case["claimant"].update(postal_code=postcode, city=city)
    case["decision"].update(date=date, received_on=None)
    case["today"] = date
    return Case.model_validate(case)


@pytest.mark.parametrize("postcode, city, date, expected", [
    ("67000", "Strasbourg", "2024-03-04", "Président de la Collectivité européenne d'Alsace"),
    ("67000", "Strasbourg", "2020-03-04", "Président du conseil départemental du Bas-Rhin"),
    ("69200", "Vénissieux", "2024-03-04", "Président de la Métropole de Lyon"),
    ("44000", "Nantes", "2024-03-04", "Président du conseil départemental de la Loire-Atlantique"),
])
def test_the_departements_other_routes_name_the_body_of_the_decisions_date(postcode, city, date, expected):
    """The RSA fine and the département's other aids go to the same dated body."""
    from assistant.law.appeals import appeal_route

    assert appeal_route(_departement_case(postcode, city, date)).body == expected


@pytest.mark.parametrize("postcode, city, date, expected", [
    ("67000", "Strasbourg", "2024-03-04", "de la Collectivité européenne d'Alsace"),
    ("67000", "Strasbourg", "2020-03-04", "du conseil départemental du Bas-Rhin"),
    ("69200", "Vénissieux", "2024-03-04", "de la Métropole de Lyon"),
])
def test_the_organism_is_named_as_on_the_decisions_date(postcode, city, date, expected):
    from assistant.law.appeals import _of_body

    assert _of_body(_departement_case(postcode, city, date)) == expected


def _la_poste(name: str) -> str:
    """A name as La Poste and many spreadsheets write it: « ST JEAN DE LUZ »."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    words = plain.replace("-", " ").replace("'", " ").split()
    return " ".join({"SAINT": "ST", "SAINTE": "STE"}.get(w, w) for w in words)


def test_no_official_name_is_refused_with_its_own_postcode():
    """Issue 20, point 3: a batch refuses a city its postcode sends to another département or
    authority. Every name the official data gives a commune — its own, its communes déléguées
    and associées (former communes), its municipal arrondissements — with each of its
    postcodes, as written there, the La Poste way (« ST », no accent, upper case) or with
    « CEDEX 1 », is never refused."""
    raw = _raw()
    if raw is None:
        message = "données brutes @etalab/decoupage-administratif absentes (bash .ci/official-data.sh)"
        absent(message, message)
    communes = json.loads((raw / "data" / "communes.json").read_text(encoding="utf-8"))
    refused, checked = [], 0
    for c in communes:
        for postcode in c.get("codesPostaux", []):
            for city in (c["nom"], _la_poste(c["nom"]), f"{c['nom']} CEDEX 1"):
                checked += 1
                if places.city_elsewhere(postcode, city, D(2026, 12, 6)) is not None:
                    refused.append((c["type"], c["code"], postcode, city))
    assert checked > 100_000 and not refused, refused[:20]
