"""Who decides for the département on the decision's date (issue 18, item 1): the same dated
collectivité for the RSA and the département's other aids, the State's caisse where it runs
the RSA, and letters that never name a body which did not exist yet on the decision's date.

The bodies and their creation dates are written here, from the texts, not read from the
project's data (law/data/rsa_authorities.yaml)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.law.appeals import appeal_route
from assistant.law.model import parse_case
from tests.golden_update import render_texts

SCENARIOS = Path(__file__).parent / "scenarios"
D = dt.date


def _case(scenario: str, postcode: str, city: str, on: D, **organism) -> dict:
    data = copy.deepcopy(json.loads((SCENARIOS / scenario).read_text(encoding="utf-8"))["case"])
    data["claimant"].update(postal_code=postcode, city=city)
    data["organism"].update(organism)
    data["decision"].update(date=on.isoformat(), received_on=(on + dt.timedelta(days=3)).isoformat())
    data["today"] = (on + dt.timedelta(days=20)).isoformat()
    return data


PCH = "r19_pch_overpayment_claimed_by_the_departement.json"
RSA = "r21_rsa_suspended_in_venissieux.json"


@pytest.mark.parametrize("postcode, city, on, expected", [
    ("69200", "Vénissieux", D(2024, 3, 4), "Président de la Métropole de Lyon"),
    ("69200", "Vénissieux", D(2014, 12, 31), "Président du conseil départemental du Rhône"),
    ("68000", "Colmar", D(2024, 3, 4), "Président de la Collectivité européenne d'Alsace"),
    ("68000", "Colmar", D(2020, 12, 31), "Président du conseil départemental du Haut-Rhin"),
    ("20000", "Ajaccio", D(2017, 6, 1), "Président du conseil départemental de la Corse-du-Sud"),
    ("20000", "Ajaccio", D(2019, 6, 1), "Président du conseil exécutif de Corse"),
    ("75011", "Paris", D(2024, 3, 4), "Maire de Paris, président du conseil de Paris"),
    # The experiment moves the RSA to the State, not the PCH: the département still decides it.
    ("93200", "Saint-Denis", D(2024, 3, 4), "Président du conseil départemental de la Seine-Saint-Denis"),
])
def test_a_pch_decision_goes_to_the_collectivite_of_the_decisions_date(postcode, city, on, expected):
    route = appeal_route(parse_case(_case(PCH, postcode, city, on)))
    assert (route.id, route.body) == ("rapo_departement", expected)


@pytest.mark.parametrize("postcode, city, on, expected, note_key", [
    ("93200", "Saint-Denis", D(2023, 5, 2), "Directeur de la CAF de la Seine-Saint-Denis", "route.rsa_state_experiment"),
    ("93200", "Saint-Denis", D(2022, 2, 28), "Président du conseil départemental de la Seine-Saint-Denis", None),
    ("93200", "Saint-Denis", D(2032, 1, 5), "Président du conseil départemental de la Seine-Saint-Denis", None),
    ("66000", "Perpignan", D(2024, 3, 4), "Directeur de la CAF des Pyrénées-Orientales", "route.rsa_state_experiment"),
    ("09000", "Foix", D(2023, 1, 2), "Directeur de la CAF de l'Ariège", "route.rsa_state_experiment"),
    ("97600", "Mamoudzou", D(2019, 1, 2), "Directeur de la caisse de sécurité sociale de Mayotte", "route.rsa_state_overseas"),
    ("97600", "Mamoudzou", D(2018, 12, 31), "Président du conseil départemental de Mayotte", None),
    ("97500", "Saint-Pierre", D(2024, 3, 4), "Président de la collectivité territoriale de Saint-Pierre-et-Miquelon", "route.unverified"),
])
def test_an_rsa_decision_goes_to_the_caisse_where_the_state_runs_it(postcode, city, on, expected, note_key):
    route = appeal_route(parse_case(_case(RSA, postcode, city, on)))
    assert route.body == expected
    keys = [n.key for n in route.notes]
    assert (note_key in keys) if note_key else not any(k.startswith("route.rsa_state") for k in keys)
    assert route.verified is (note_key != "route.unverified")


def test_a_person_under_the_msa_writes_to_the_director_of_their_msa():
    case = _case(RSA, "66000", "Perpignan", D(2024, 3, 4), kind="msa", name="MSA Grand Sud")
    assert appeal_route(parse_case(case)).body == "Directeur de la MSA Grand Sud"


# Each body and the first day it existed; a commune where it decides. From the texts: loi
# MAPTAM (2015), loi n° 2011-884 (first meeting of the assemblies, 18 December 2015), CGCT
# L4421-1 (2018), loi n° 2017-257 (2019), loi n° 2019-816 (2021).
CREATED = [
    ("Métropole de Lyon", D(2015, 1, 1), "69200", "Vénissieux"),
    ("Collectivité territoriale de Martinique", D(2015, 12, 18), "97200", "Fort-de-France"),
    ("conseil exécutif de Martinique", D(2015, 12, 18), "97200", "Fort-de-France"),
    ("Collectivité territoriale de Guyane", D(2015, 12, 18), "97300", "Cayenne"),
    ("Collectivité de Corse", D(2018, 1, 1), "20000", "Ajaccio"),
    ("conseil exécutif de Corse", D(2018, 1, 1), "20000", "Ajaccio"),
    ("Ville de Paris", D(2019, 1, 1), "75011", "Paris"),
    ("Collectivité européenne d'Alsace", D(2021, 1, 1), "68000", "Colmar"),
]


def _all_text(case: dict) -> str:
    return "\n".join(render_texts(case).values())


@pytest.mark.parametrize("body, created, postcode, city", CREATED, ids=[c[0] for c in CREATED])
def test_no_letter_names_a_body_before_it_existed(body, created, postcode, city):
    """Every letter and the guide, for an RSA decision and for a PCH decision of the
    département (organism left unnamed), the day before the body was created and a year
    before: the body's name appears nowhere; on its first day it does (the test can fail)."""
    for scenario, organism in ((RSA, {}), (PCH, {"name": None})):
        for on in (created - dt.timedelta(days=1), created - dt.timedelta(days=365)):
            assert body not in _all_text(_case(scenario, postcode, city, on, **organism)), (scenario, on)
    # PCH: the département's own decision; after 2019, Guyane's RSA is the caisse's.
    assert body in _all_text(_case(PCH, postcode, city, created, name=None))
