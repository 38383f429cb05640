"""One registry of organisms and benefits (assistant/law/data/bodies.yaml): adding an entry in
one place either works everywhere or fails one of these named tests."""

import copy
import itertools

import pytest

from assistant.law import appeals, bodies, interview
from assistant.law.analysis import analyse
from assistant.letters import build_letters
from assistant.law.model import (
    BENEFITS_BY_ORGANISM,
    Benefit,
    Ground,
    OrganismKind,
    Situation,
    allowed_benefits,
    parse_case,
)

BASE = {
    "claimant": {"first_name": "Awa", "last_name": "Traoré", "address": "1 rue de la Paix",
                 "postal_code": "44000", "city": "Nantes"},
    "organism": {"kind": "caf"},
    "benefit": "autre",
    "situation": "suspension",
    "decision": {"received": True, "date": "2026-10-02", "received_on": "2026-10-06",
                 "reasons_given": False, "appeal_info_given": False},
    "today": "2026-11-23",
}
# Mainland, Alsace-Moselle, Corsica, overseas (CGSS), Mayotte (CSSM), a State-run RSA.
POSTAL_CODES = ("44000", "67000", "20090", "97110", "97600", "97300")


def every_accepted_combination():
    """Every organism × benefit × situation × ground the model accepts, somewhere."""
    for kind in OrganismKind:
        benefits = set().union(*(allowed_benefits(kind, code) for code in POSTAL_CODES))
        for benefit, situation, ground in itertools.product(sorted(benefits, key=lambda b: b.value),
                                                             Situation, [None, *Ground]):
            for code in POSTAL_CODES:
                data = copy.deepcopy(BASE)
                data["organism"]["kind"] = kind.value
                data["claimant"]["postal_code"] = code
                data.update(benefit=benefit.value, situation=situation.value)
                data["decision"]["ground"] = ground and ground.value
                try:
                    case = parse_case(data)
                except ValueError:
                    continue  # an impossible pair, rejected with a French message (test_model)
                yield case
                break


def test_registry_matches_the_contract_enums():
    """The registry and CONTRACT §1's ids are the same sets: an organism or a benefit added
    to one only fails here."""
    reg = bodies.registry()
    assert set(reg["organisms"]) == {k.value for k in OrganismKind}
    assert set(reg["benefits"]) == {b.value for b in Benefit}
    for kind, spec in reg["organisms"].items():
        assert set(spec["benefits"]) <= set(reg["benefits"]), kind
        assert set(spec["situations"]) <= {s.value for s in Situation}, kind
        for field in ("short", "generic", "file_number", "benefits", "situations", "social_security"):
            assert field in spec, (kind, field)


def test_every_benefit_is_decided_by_some_body_and_has_its_words():
    decided = set().union(*BENEFITS_BY_ORGANISM.values())
    assert decided == set(Benefit)
    for benefit in Benefit:
        words = bodies.benefit_words(benefit.value)
        assert words["mine"] and words["short"], benefit


def test_every_organism_benefit_and_situation_can_be_chosen_in_the_interview():
    assert {o.value for o in interview.ORGANISMS} == {k.value for k in OrganismKind}
    assert {o.value for o in interview.BENEFITS} == {b.value for b in Benefit}
    assert {o.value for o in interview.SITUATIONS} == {s.value for s in Situation}


def test_no_accepted_case_falls_to_a_silent_default_route():
    """Walk every combination the model accepts: each gets a route a rule chose (none
    reaches the explicit "not verified" fallback), resting on texts that exist."""
    walked = 0
    for case in every_accepted_combination():
        route = appeals.appeal_route(case)
        walked += 1
        assert route.verified, (case.organism.kind.value, case.benefit.value, case.situation.value)
        assert route.legal_basis and route.then in appeals.COURT_KEYS
    assert walked > 300


def test_the_fallback_says_to_follow_the_decision():
    """The fallback exists for a body no rule knows: it is explicit, never silent."""
    case = parse_case(BASE)
    original = appeals.ROUTE_RULES
    try:
        appeals.ROUTE_RULES = ()
        route = appeals.appeal_route(case)
    finally:
        appeals.ROUTE_RULES = original
    assert not route.verified and [n.key for n in route.notes] == ["route.unverified"]
    assert "suivez la voie indiquée sur la décision" in route.notes[0].text()


@pytest.mark.slow
def test_every_accepted_combination_gets_its_letters():
    """An organism or benefit added half-way (no wording, no file-number label, no route)
    makes the letters crash here rather than in front of a claimant."""
    for case in every_accepted_combination():
        letters = build_letters(case, analyse(case))
        assert letters, (case.organism.kind.value, case.benefit.value, case.situation.value)
