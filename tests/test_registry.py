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


# --- Legal categories as data (issue 17, item 3) ---------------------------------------------

from assistant.law import legal_refs, rights, texts  # noqa: E402


def _organism_entries():
    return [(kind, key) for kind in bodies.organism_kinds() for key in bodies.ORGANISM_CATEGORIES]


def _benefit_entries():
    return [(b, key) for b in bodies.benefit_ids() for key in bodies.BENEFIT_CATEGORIES]


@pytest.mark.parametrize("kind,key", _organism_entries())
def test_an_organism_without_a_category_fails_naming_it(kind, key):
    """No defaults: removing any legal category from a body (its mediator decision, medical
    board, correction window, article…) makes the registry refuse to load, naming both."""
    reg = copy.deepcopy(bodies.registry())
    del reg["organisms"][kind][key]
    with pytest.raises(bodies.RegistryError, match=f"organism {kind}: no `{key}`"):
        bodies.validate(reg)


@pytest.mark.parametrize("benefit,key", _benefit_entries())
def test_a_benefit_without_a_category_fails_naming_it(benefit, key):
    """A benefit without its family (or recovery regime, medical ground…) fails by name."""
    reg = copy.deepcopy(bodies.registry())
    del reg["benefits"][benefit][key]
    with pytest.raises(bodies.RegistryError, match=f"benefit {benefit}: no `{key}`"):
        bodies.validate(reg)


@pytest.mark.parametrize("field", bodies.MEDIATOR_FIELDS)
def test_a_mediator_without_one_of_its_fields_fails_naming_it(field):
    reg = copy.deepcopy(bodies.registry())
    kind = next(k for k, spec in reg["organisms"].items() if spec["mediator"] != "none")
    del reg["organisms"][kind]["mediator"][field]
    with pytest.raises(bodies.RegistryError, match=f"organism {kind} mediator: no `{field}`"):
        bodies.validate(reg)


def test_an_article_must_be_stated_explicitly():
    reg = copy.deepcopy(bodies.registry())
    reg["organisms"]["caf"]["article"] = "une"
    with pytest.raises(bodies.RegistryError, match="organism caf: `article`"):
        bodies.validate(reg)


def _names(kind):
    spec = bodies.organism(kind)
    return [spec[key].replace("{of}", "de la Gironde") for key in ("short", "generic", "overseas", "mayotte") if spec.get(key)]


@pytest.mark.parametrize("kind", bodies.organism_kinds())
def test_no_name_reads_de_x(kind):
    """« de la CAF », « du conseil départemental », never « de CAMIEG »: every name of a body
    takes the article the registry states (only an explicit `none` reads « de France Travail »)."""
    article = bodies.organism(kind)["article"]
    for name in _names(kind):
        expected = {"la": ("de la ", "à la "), "le": ("du ", "au "), "l'": ("de l'", "à l'"),
                    "none": ("de " + name, "à " + name)}[article]
        assert bodies.of(name).startswith(expected[0]), (kind, name, bodies.of(name))
        assert bodies.to(name).startswith(expected[1]), (kind, name, bodies.to(name))


@pytest.mark.parametrize("kind", bodies.organism_kinds())
def test_every_category_of_a_body_points_to_what_exists(kind):
    body = bodies.body(kind)
    families = {bodies.benefit(b).family for b in bodies.benefit_ids()}
    assert set(body.correction_window) <= families, kind
    if body.social_security:
        assert body.penalty_text in rights.PENALTY_PROCEDURE, kind
    else:
        assert body.penalty_text is None, kind
    assert body.general_hearing_duty is None or body.general_hearing_duty in texts.sentences(), kind
    assert (body.penalty_procedure == "social_security") == body.social_security, kind
    assert (body.appeal_procedure == "social_security") == body.social_security, kind
    for procedure in (body.penalty_procedure, body.sanction_procedure):
        if isinstance(procedure, dict):
            assert procedure["fact"] in texts.sentences(), (kind, procedure)
            assert all(legal_refs.ref(r) for r in (*filter(None, [procedure["period"]]), *procedure["basis"])), (kind, procedure)
    assert set(body.suspension_is_sanction) <= set(bodies.organism(kind)["benefits"]), kind
    if body.mediator:
        for key in (body.mediator.fact, body.mediator.suspends, body.mediator.compulsory and body.mediator.compulsory["fact"]):
            assert not key or key in texts.sentences(), (kind, key)
        for ref_id in (*(body.mediator.basis or ()), *((body.mediator.compulsory or {}).get("basis", ()))):
            assert legal_refs.ref(ref_id), (kind, ref_id)
    regimes = {*rights.REMISSION_BASIS, *rights.WITHHOLDING_BASIS, *rights.LIMITATION_BASIS}
    assert body.own_recovery is None or body.own_recovery in regimes, kind


@pytest.mark.parametrize("benefit", bodies.benefit_ids())
def test_every_category_of_a_benefit_points_to_what_exists(benefit):
    spec = bodies.benefit(benefit)
    for ref_id in (*spec.correction_window, *([spec.family_ref] if spec.family_ref else [])):
        assert legal_refs.ref(ref_id), (benefit, ref_id)
    regimes = {*rights.REMISSION_BASIS, *rights.WITHHOLDING_BASIS, *rights.LIMITATION_BASIS, "other"}
    assert spec.recovery in regimes, benefit
    mdph = {k for k in bodies.organism_kinds() if bodies.body(k).appeal_procedure == "mdph"}
    decided_by_mdph = any(benefit in bodies.organism(k)["benefits"] for k in mdph)
    assert (spec.payer is not None) == decided_by_mdph, benefit
    assert spec.payer is None or spec.payer in texts.sentences(), benefit


def test_every_registry_entry_has_its_interface_label():
    """The registry entry is offered at once (under its short name); its translated label
    in the interview is still to be written, and this names it."""
    assert set(interview.ORGANISM_LABELS) == set(bodies.organism_kinds())
    assert set(interview.BENEFIT_LABELS) == set(bodies.benefit_ids())


def test_no_python_set_of_legal_categories_is_left():
    """Categories live in data/bodies.yaml: no module keeps a set of benefits or bodies."""
    import pathlib
    import re

    root = pathlib.Path(bodies.__file__).resolve().parents[1]
    pattern = re.compile(r"\b(FAMILY_BENEFITS|HOUSING_AIDS|HEALTH_BENEFITS|MEDICAL_BENEFITS|MEDICAL_BODIES|"
                         r"SOCIAL_SECURITY_BODIES)\b|OrganismKind\.(?!all\()[a-z]|(==|!=|in \{)\s*\"cpam\"|in \{OrganismKind")
    found = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not found, found


# --- A benefit and a body added to the registry alone -----------------------------------------

SYNTHETIC_BENEFIT = {   # a CAF family benefit, e.g. the AJPP
    "mine": "mon allocation journalière de présence parentale (AJPP)", "short": "AJPP",
    "family": "family", "family_ref": "none", "recovery": "family", "medical_ground": False,
    "correction_window": ["css-R133-9-2", "css-L553-2"], "payer": "none", "remission_body": "none"}
SYNTHETIC_ORGANISM = {  # a health insurance caisse, e.g. the CAMIEG
    "short": "CAMIEG", "generic": "CAMIEG", "file_number": "Numéro de sécurité sociale",
    "benefits": ["indemnites_journalieres", "css", "autre"],
    "situations": ["suspension", "reduction", "overpayment", "refusal", "termination", "sanction", "penalty"],
    "social_security": True, "article": "la", "medical_board": True,
    "mediator": {"fact": "fact.mediator.general", "suspends": "fact.mediator.general_suspends",
                 "suspends_not_for": ["rsa"], "basis": "right", "compulsory": "none", "letter_to": "own"},
    "correction_window": ["health"], "penalty_text": "css-L114-17-1", "own_recovery": "none",
    "general_hearing_duty": "none", "automated_payments": True, "suspension_is_sanction": "none",
    "penalty_procedure": "social_security", "sanction_procedure": "none", "appeal_procedure": "social_security"}


@pytest.fixture
def extended_registry(tmp_path, monkeypatch):
    """A copy of data/bodies.yaml with one more benefit (decided by the CAF) and one more
    body; the enums accept them with no Python change."""
    import yaml

    from assistant.law.model import Benefit as B, OrganismKind as K

    reg = copy.deepcopy(bodies.registry())
    reg["benefits"]["ajpp"] = copy.deepcopy(SYNTHETIC_BENEFIT)
    reg["organisms"]["caf"]["benefits"].append("ajpp")
    reg["organisms"]["camieg"] = copy.deepcopy(SYNTHETIC_ORGANISM)
    path = tmp_path / "bodies.yaml"
    path.write_text(yaml.safe_dump(reg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(bodies, "DATA", path)
    bodies.registry.cache_clear()
    yield reg
    bodies.registry.cache_clear()
    B._value2member_map_.pop("ajpp", None)
    K._value2member_map_.pop("camieg", None)


def _synthetic(kind, benefit, situation="overpayment"):
    data = copy.deepcopy(BASE)
    data["organism"]["kind"], data["benefit"], data["situation"] = kind, benefit, situation
    data["context"] = {"amount_eur": 900.0, "withholding_eur": 50.0, "fraud_alleged": False}
    return parse_case(data)


def test_a_benefit_and_a_body_added_to_the_registry_work_everywhere(extended_registry):
    """The issue's AJPP and CAMIEG: analyse, letters, the interview's lists, the batch
    template and the statistics take them from the registry alone."""
    import io

    from openpyxl import load_workbook

    from assistant.associations import batch, stats

    # Analyse: the AJPP overpayment gets exactly what a family benefit's gets (rights,
    # deadlines, remission letter), because its family is data.
    ajpp, family = _synthetic("caf", "ajpp"), _synthetic("caf", "allocations_familiales")
    got, want = analyse(ajpp), analyse(family)
    assert [r.id for r in got.rights] == [r.id for r in want.rights]
    assert [d.id for d in got.deadlines] == [d.id for d in want.deadlines]
    assert "overpayment_correction" in [d.id for d in got.deadlines]
    assert got.appeal.route == want.appeal.route == "cra"
    assert [x.id for x in build_letters(ajpp, got)] == [x.id for x in build_letters(family, want)]

    # The new body: a health insurance caisse with its medical board, mediator and window.
    camieg = _synthetic("camieg", "indemnites_journalieres")
    analysis = analyse(camieg)
    assert analysis.appeal.route == "cra" and "mediator" in [r.id for r in analysis.rights]
    assert "overpayment_correction" in [d.id for d in analysis.deadlines]
    assert analyse(_synthetic("camieg", "indemnites_journalieres", "penalty")).appeal.route == "none"
    medical = copy.deepcopy(BASE)
    medical.update(organism={"kind": "camieg"}, benefit="indemnites_journalieres", situation="refusal")
    medical["decision"]["ground"] = "medical"
    assert analyse(parse_case(medical)).appeal.route == "cmra"
    letters = build_letters(camieg, analysis)
    text = "\n".join([*(p.text for x in letters for p in x.paragraphs), *(line for x in letters for line in x.recipient)])
    assert "de la CAMIEG" in text and "de CAMIEG" not in text

    # The interview's lists.
    assert "camieg" in [o.value for o in interview.ORGANISMS]
    assert "ajpp" in [o.value for o in interview.benefit_options({"organism.kind": "caf"})]
    assert [o.value for o in interview.benefit_options({"organism.kind": "camieg"})] == [
        "indemnites_journalieres", "css", "autre"]
    assert interview._ground_matters({"organism.kind": "camieg", "benefit": "indemnites_journalieres"})

    # The batch template's drop-down lists (the interview's labels, on their hidden sheet), read back.
    lists = load_workbook(io.BytesIO(batch.template_xlsx()))["Listes"]
    choices = {cell.value for row in lists.iter_rows(min_row=2) for cell in row}
    assert "CAMIEG" in choices and "AJPP" in choices
    assert interview.read_choice("organism.kind", "CAMIEG") == "camieg" and interview.read_choice("benefit", "ajpp") == "ajpp"

    # The statistics.
    tally = stats.tally_cases([ajpp, camieg, family])
    assert tally.by["benefit"]["ajpp"] == 1 and tally.by["organism"]["camieg"] == 1


def test_a_category_removed_from_the_added_entries_fails_naming_it(extended_registry):
    for key in bodies.BENEFIT_CATEGORIES:
        reg = copy.deepcopy(extended_registry)
        del reg["benefits"]["ajpp"][key]
        with pytest.raises(bodies.RegistryError, match=f"benefit ajpp: no `{key}`"):
            bodies.validate(reg)
    for key in bodies.ORGANISM_CATEGORIES:
        reg = copy.deepcopy(extended_registry)
        del reg["organisms"]["camieg"][key]
        with pytest.raises(bodies.RegistryError, match=f"organism camieg: no `{key}`"):
            bodies.validate(reg)
