"""The département's other aids (issue 18, item 2): the PCH it pays, the APA and the other
legal aide sociale benefits. CASF L134-1 and L134-2: a compulsory prior appeal to the
président du conseil départemental; L134-3: the judicial judge for the PCH, the
administrative court for the rest."""

import pytest

from assistant.law import bodies, interview
from assistant.law.analysis import analyse
from assistant.law.model import parse_case
from tests.conftest import with_changes
from tests.test_rights import BASE


def run(**changes):
    return analyse(parse_case(with_changes(BASE, organism__kind="departement", organism__name=None, **changes)))


@pytest.mark.parametrize("situation", sorted(bodies.allowed_situations("departement")))
@pytest.mark.parametrize("benefit", ["pch", "apa", "autre"])
def test_every_departement_pair_is_accepted_and_gets_the_compulsory_prior_appeal(benefit, situation):
    appeal = run(benefit=benefit, situation=situation).appeal
    assert appeal.route == "rapo_departement"
    assert appeal.compulsory is True
    assert appeal.body.startswith("Président du conseil départemental de la Loire-Atlantique")
    assert appeal.legal_basis[0] == "casf-L134-2"       # the letter cites the text opening the step
    assert "crpa-L411-2" not in appeal.legal_basis       # not an optional recours gracieux
    assert appeal.then == ("tribunal_judiciaire" if benefit == "pch" else "tribunal_administratif")


def test_pch_overpayment_claimed_by_the_departement_goes_to_the_pole_social():
    analysis = run(benefit="pch", situation="overpayment", context__amount_eur=2400.0)
    appeal = analysis.appeal
    assert appeal.then == "tribunal_judiciaire"
    assert {"casf-L134-3", "casf-R134-1", "css-R142-1-A"} <= set(appeal.legal_basis)
    assert appeal.deadline.isoformat() == "2026-12-07"   # two months from 6 October, a Sunday → Monday
    assert [n.key for n in appeal.note_details] == ["route.departement_pch"]


def test_apa_reduced_goes_to_the_administrative_court_after_the_prior_appeal():
    appeal = run(benefit="apa", situation="reduction").appeal
    assert appeal.then == "tribunal_administratif"
    assert "casf-L134-3" not in appeal.legal_basis
    assert appeal.deadline.isoformat() == "2026-12-07"
    assert [n.key for n in appeal.note_details] == ["route.departement_aide_sociale"]


def test_other_aide_sociale_warns_of_the_matters_of_the_judicial_judge():
    keys = [n.key for n in run(benefit="autre", situation="refusal").appeal.note_details]
    assert keys == ["route.departement_aide_sociale", "route.departement_other"]


def test_a_pch_penalty_is_not_the_rsa_fine():
    appeal = run(benefit="pch", situation="penalty").appeal
    assert appeal.route == "rapo_departement" and "casf-L262-52" not in appeal.legal_basis
    rsa = run(benefit="rsa", situation="penalty").appeal
    assert rsa.route == "recours_gracieux" and "casf-L262-52" in rsa.legal_basis


def test_rsa_keeps_its_own_prior_appeal():
    appeal = run(benefit="rsa", situation="overpayment").appeal
    assert appeal.route == "rapo_departement" and appeal.legal_basis[0] == "casf-L262-47"


def test_the_interview_offers_the_departements_aids():
    assert {"rsa", "pch", "apa", "autre"} <= set(bodies.organism("departement")["benefits"])
    assert "apa" in interview.BENEFIT_LABELS


def test_the_cdaph_still_decides_the_pch_award():
    appeal = analyse(parse_case(with_changes(BASE, organism__kind="mdph", organism__name=None,
                                             benefit="pch", situation="reduction"))).appeal
    assert appeal.route == "rapo_mdph"


def test_the_batch_accepts_the_departements_aids(tmp_path):
    """The two scenario files of this item, as a volunteer's spreadsheet: no row refused."""
    import json

    from tests.conftest import OWN_SCENARIOS_DIR, run_cli
    from tests.test_batch import flatten, write_csv

    names = ["r19_pch_overpayment_claimed_by_the_departement", "r20_apa_reduced_by_the_departement"]
    scenarios = [json.loads((OWN_SCENARIOS_DIR / f"{n}.json").read_text(encoding="utf-8")) for n in names]
    source = tmp_path / "dossiers.csv"
    write_csv(source, [flatten(s["case"]) for s in scenarios])
    out = tmp_path / "out"
    result = run_cli("batch", str(source), "--out", str(out), timeout=120)
    assert result.returncode == 0, result.stderr
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    routes = [json.loads((f / "analyse.json").read_text(encoding="utf-8"))["appeal"] for f in folders]
    assert sorted((r["route"], r["then"]) for r in routes) == [
        ("rapo_departement", "tribunal_administratif"), ("rapo_departement", "tribunal_judiciaire")]
