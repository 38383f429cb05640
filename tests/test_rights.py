"""The rights engine and the appeal routes: the traps a benefits lawyer checks."""

import copy
import json
import re

import pytest

from assistant.law.analysis import analyse
from assistant.law.model import parse_case
from tests.conftest import with_changes

BASE = {
    "claimant": {"first_name": "Awa", "last_name": "Traoré", "address": "1 rue de la Paix",
                 "postal_code": "44000", "city": "Nantes"},
    "organism": {"kind": "caf", "name": "CAF de Loire-Atlantique"},
    "benefit": "allocations_familiales",
    "situation": "suspension",
    "decision": {"received": True, "date": "2026-10-02", "received_on": "2026-10-06",
                 "reasons_given": True, "appeal_info_given": True, "algorithm_mentioned": False},
    "context": {"after_control": False, "heard_before": False, "fraud_alleged": False},
    "history": {},
    "today": "2026-11-23",
}


def run(**changes):
    return analyse(parse_case(with_changes(BASE, **changes)))


def ids(analysis):
    return analysis.right_ids


# --- Routes ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind,benefit,situation,route,then", [
    ("caf", "rsa", "suspension", "rapo_departement", "tribunal_administratif"),
    ("msa", "rsa", "overpayment", "rapo_departement", "tribunal_administratif"),
    ("departement", "rsa", "sanction", "rapo_departement", "tribunal_administratif"),
    ("caf", "prime_activite", "reduction", "cra", "tribunal_administratif"),
    ("caf", "apl", "suspension", "cra", "tribunal_administratif"),
    ("msa", "als", "overpayment", "cra", "tribunal_administratif"),
    ("caf", "allocations_familiales", "overpayment", "cra", "tribunal_judiciaire"),
    ("caf", "aah", "termination", "cra", "tribunal_judiciaire"),
    ("cpam", "indemnites_journalieres", "refusal", "cra", "tribunal_judiciaire"),
    ("carsat", "retraite", "reduction", "cra", "tribunal_judiciaire"),
    ("caf", "prime_noel", "refusal", "recours_gracieux", "tribunal_administratif"),
    ("france_travail", "are", "overpayment", "recours_gracieux", "tribunal_judiciaire"),
    ("france_travail", "are", "refusal", "recours_gracieux", "tribunal_judiciaire"),
    ("france_travail", "are", "suspension", "rapo_france_travail", "tribunal_administratif"),
    ("france_travail", "ass", "suspension", "rapo_france_travail", "tribunal_administratif"),
    ("caf", "allocations_familiales", "sanction", "cra", "tribunal_judiciaire"),
    ("caf", "allocations_familiales", "penalty", "none", "tribunal_judiciaire"),
    ("caf", "rsa", "penalty", "none", "tribunal_judiciaire"),
    ("msa", "rsa", "penalty", "none", "tribunal_judiciaire"),
    ("departement", "rsa", "penalty", "recours_gracieux", "tribunal_administratif"),
    ("france_travail", "are", "penalty", "rapo_france_travail", "tribunal_administratif"),
    ("mdph", "aah", "refusal", "rapo_mdph", "tribunal_judiciaire"),
    ("mdph", "aeeh", "reduction", "rapo_mdph", "tribunal_judiciaire"),
    ("mdph", "pch", "termination", "rapo_mdph", "tribunal_judiciaire"),
    ("caf", "aeeh", "overpayment", "cra", "tribunal_judiciaire"),
    ("france_travail", "are", "sanction", "rapo_france_travail", "tribunal_administratif"),
    ("france_travail", "ass", "termination", "rapo_france_travail", "tribunal_administratif"),
    ("france_travail", "ass", "refusal", "rapo_france_travail", "tribunal_administratif"),
])
def test_route(kind, benefit, situation, route, then):
    appeal = run(organism__kind=kind, organism__name=None, benefit=benefit, situation=situation).appeal
    assert (appeal.route, appeal.then) == (route, then)


def test_rsa_authority_is_named_after_the_departement():
    appeal = run(benefit="rsa").appeal
    assert appeal.body == "Président du conseil départemental de la Loire-Atlantique"
    assert run(benefit="rsa", claimant__postal_code="69003").appeal.body == "Président de la Métropole de Lyon"


def test_cra_body_uses_the_organism_name():
    assert run().appeal.body == "Commission de recours amiable de la CAF de Loire-Atlantique"
    assert run(organism__name=None).appeal.body == "Commission de recours amiable de la CAF de la Loire-Atlantique"


def test_france_travail_sanction_requires_mediation_before_court():
    analysis = run(organism__kind="france_travail", benefit="are", situation="sanction")
    assert analysis.appeal.mediation_before_court
    assert "mediator" in ids(analysis)
    # the compulsory step is the mediation itself: the appeal letter is the referral
    assert "appeal" in analysis.letters and "mediator_referral" not in analysis.letters
    assert analysis.appeal.route == "rapo_france_travail"
    # a mediation ends when declared over, not by silence: no "appeal_answer" date
    filed = run(organism__kind="france_travail", benefit="are", situation="sanction",
                history={"appeal_filed_on": "2026-10-10"})
    assert not [d for d in filed.deadlines if d.id in ("appeal_answer", "court")]


# --- Deadlines ------------------------------------------------------------------------

def test_deadline_from_receipt():
    appeal = run().appeal
    assert appeal.deadline.isoformat() == "2026-12-07"  # 6 Dec 2026 is a Sunday
    assert appeal.deadline_opposable is True


def test_no_written_decision_no_deadline():
    analysis = run(decision={"received": False}, context__started_on="2026-11-05")
    assert analysis.appeal.deadline is None and analysis.appeal.deadline_opposable is False
    assert "deadline_not_opposable" in ids(analysis)
    assert not [d for d in analysis.deadlines if d.id == "appeal"]


def test_missing_appeal_mention_not_opposable_but_still_dated():
    analysis = run(decision__appeal_info_given=False, benefit="apl")
    assert analysis.appeal.deadline_opposable is False
    assert analysis.appeal.deadline is not None
    assert "deadline_not_opposable" in ids(analysis)
    # before the administrative court, the one-year reasonable time still applies
    [reasonable] = [d for d in analysis.deadlines if d.id == "reasonable_time"]
    assert reasonable.date.isoformat() == "2027-10-06"


CZABAJ_RSA = dict(organism__kind="departement", benefit="rsa", situation="overpayment",
                  decision__date="2017-03-10", decision__received_on="2017-03-14",
                  decision__appeal_info_given=False, today="2021-05-17")


def test_reasonable_time_ends_is_given_only_where_czabaj_applies():
    # administrative court, mention missing: the same date as the `reasonable_time` deadline
    analysis = run(decision__appeal_info_given=False, benefit="apl")
    [reasonable] = [d for d in analysis.deadlines if d.id == "reasonable_time"]
    assert analysis.appeal.reasonable_time_ends == reasonable.date
    # mention given, or judicial court (no Czabaj there: Cass. ass. plén. 8 March 2024): null
    assert run(benefit="apl").appeal.reasonable_time_ends is None
    judicial = run(decision__appeal_info_given=False, decision__date="2017-03-10",
                   decision__received_on="2017-03-14", today="2021-05-17")
    assert judicial.appeal.then == "tribunal_judiciaire"
    assert judicial.appeal.reasonable_time_ends is None
    assert "deadline_not_opposable" in ids(judicial) and "appeal" in judicial.letters


def test_czabaj_still_open_keeps_the_not_opposable_right():
    analysis = run(**{**CZABAJ_RSA, "today": "2017-11-20"})
    assert analysis.appeal.reasonable_time_ends.isoformat() == "2018-03-14"
    assert "deadline_not_opposable" in ids(analysis) and "appeal" in analysis.letters


def test_czabaj_expired_says_so_and_offers_what_still_works():
    analysis = run(**CZABAJ_RSA)
    assert analysis.appeal.reasonable_time_ends.isoformat() == "2018-03-14"
    assert analysis.appeal.deadline_opposable is False
    assert "deadline_not_opposable" not in ids(analysis)
    appeal = analysis.right("appeal")
    assert {"ce-2016-387763", "cja-R421-5", "casf-L262-46", "ce-2024-473732"} <= set(appeal.legal_basis)
    text = " ".join(appeal.why)
    assert "refusera en principe d'examiner" in text and "remise" in text and "titre exécutoire" in text
    assert "appeal" not in analysis.letters
    assert analysis.letters[:1] == ["explanation_request"] and "debt_remission_request" in analysis.letters


def test_czabaj_expired_without_remission_proposes_a_new_request():
    analysis = run(**{**CZABAJ_RSA, "situation": "suspension"})
    assert "deadline_not_opposable" not in ids(analysis)
    assert "nouvelle demande" in " ".join(analysis.right("appeal").why)


def test_unknown_appeal_mention_is_treated_as_given():
    analysis = run(decision__appeal_info_given=None)
    assert analysis.appeal.deadline_opposable is True
    assert "deadline_not_opposable" not in ids(analysis)


def test_receipt_date_unknown_uses_decision_date():
    assert run(decision__received_on=None).appeal.deadline.isoformat() == "2026-12-02"


def test_alsace_moselle_holiday_moves_the_deadline():
    # received 26 Oct 2026 -> 26 Dec 2026 is a Saturday anyway; use 2025: Friday 26 Dec
    base = dict(decision__date="2025-10-20", decision__received_on="2025-10-26", today="2025-11-20")
    assert run(**base).appeal.deadline.isoformat() == "2025-12-26"
    assert run(claimant__postal_code="67000", **base).appeal.deadline.isoformat() == "2025-12-29"


def test_history_deadlines():
    analysis = run(history={"explanation_requested_on": "2026-10-10", "documents_requested_on": "2026-10-10",
                            "appeal_filed_on": "2026-10-20"})
    by_id = {d.id: d.date.isoformat() for d in analysis.deadlines}
    assert by_id["explanation_answer"] == "2026-11-10"
    assert by_id["cada_after_explanation"] == "2027-01-11"   # 10 Jan 2027 is a Sunday
    assert by_id["appeal_answer"] == "2026-12-21"            # 20 Dec 2026 is a Sunday
    assert by_id["court"] == "2027-02-22"                    # 21 Feb 2027 is a Sunday
    assert "appeal" not in by_id                              # already filed
    assert {"reminder", "cada_referral", "cnil_complaint", "defenseur_referral"} <= set(analysis.letters)
    assert "appeal" not in analysis.letters


# --- Rights: the traps ----------------------------------------------------------------

@pytest.mark.parametrize("kind,benefit,situation", [
    ("caf", "apl", "suspension"), ("caf", "rsa", "suspension"), ("cpam", "indemnites_journalieres", "termination"),
    ("france_travail", "are", "reduction"), ("msa", "allocations_familiales", "suspension"),
])
def test_no_general_hearing_duty_for_social_security_bodies(kind, benefit, situation):
    """CRPA L121-2, 4°: social-security bodies and France Travail are exempt, except sanctions."""
    assert "prior_hearing" not in ids(run(organism__kind=kind, benefit=benefit, situation=situation))


@pytest.mark.parametrize("kind,benefit", [("caf", "allocations_familiales"), ("france_travail", "are"),
                                          ("departement", "rsa")])
def test_sanctions_require_a_hearing(kind, benefit):
    analysis = run(organism__kind=kind, benefit=benefit, situation="sanction")
    assert "prior_hearing" in ids(analysis)


def test_rsa_sanction_cites_the_casf_procedure():
    right = run(organism__kind="departement", benefit="rsa", situation="sanction").right("prior_hearing")
    assert "casf-L262-37" in right.legal_basis


def test_departement_must_hear_before_cutting_but_not_on_a_request():
    assert "prior_hearing" in ids(run(organism__kind="departement", benefit="rsa", situation="termination"))
    assert "prior_hearing" not in ids(run(organism__kind="departement", benefit="rsa", situation="refusal"))


def test_heard_before_means_no_hearing_complaint():
    assert "prior_hearing" not in ids(run(situation="sanction", context__heard_before=True))


def test_fraud_excludes_right_to_error_and_remission():
    good_faith = ids(run(situation="overpayment", context__amount_eur=800.0))
    fraud = ids(run(situation="overpayment", context__amount_eur=800.0, context__fraud_alleged=True))
    assert "debt_remission" in good_faith and "debt_remission" not in fraud
    penalty = ids(run(situation="penalty"))
    penalty_fraud = ids(run(situation="penalty", context__fraud_alleged=True))
    assert "right_to_error" in penalty and "right_to_error" not in penalty_fraud


def test_right_to_error_only_against_a_sanction_with_its_condition():
    """CRPA L123-1 forbids sanctioning a first good-faith error the person regularised; it
    does not cancel an overpayment."""
    assert "right_to_error" not in ids(run(situation="overpayment"))
    facts = " ".join(run(situation="sanction").right("right_to_error").why)
    assert "régularisé" in facts


def test_remission_rests_on_the_benefit_s_own_text():
    assert "casf-L262-46" in run(benefit="rsa", situation="overpayment").right("debt_remission").legal_basis
    assert "css-L553-2" in run(situation="overpayment").right("debt_remission").legal_basis


def test_withholding_limit_only_when_something_is_withheld():
    assert "withholding_limit" not in ids(run(situation="overpayment"))
    assert "withholding_limit" in ids(run(situation="overpayment", context__withholding_eur=50.0))


def test_reasons_given_means_no_reasons_right():
    assert "reasons" not in ids(run())
    analysis = run(decision__reasons_given=False, situation="refusal")
    assert any("6°" in fact for fact in analysis.right("reasons").why)


def test_algorithm_explanation_always_offered_and_mention_noted():
    plain = run().right("algorithm_explanation")
    assert plain is not None and any("mentionner" in f for f in plain.why)
    said = run(decision__algorithm_mentioned=True)
    assert "gdpr_automated_decision" in ids(said)


def test_automatic_cut_without_any_human_sign():
    assert "gdpr_automated_decision" in ids(run(decision__reasons_given=False))
    assert "gdpr_automated_decision" not in ids(run(decision__reasons_given=False, context__after_control=True))


def test_every_finding_says_why_and_cites():
    analysis = run(situation="overpayment", context__withholding_eur=30.0, decision__reasons_given=False,
                   decision__appeal_info_given=False)
    for right in analysis.rights:
        assert right.why and right.legal_basis, right.id


def _analysis_json(case: dict) -> dict:
    """Analyse a case file (a dict): run in a fresh process by the test below."""
    return analyse(parse_case(case)).to_json_dict()


def test_same_case_same_analysis():
    """Pure and deterministic: a fresh interpreter (no cache, no state left by other cases)
    gives the same analysis as this one, whatever the order; analysing leaves the case as
    it was."""
    import multiprocessing
    import random

    from tests.casegen import random_case

    cases = [copy.deepcopy(BASE)] + [random_case(random.Random(seed)) for seed in range(40)]
    originals = copy.deepcopy(cases)
    here = [_analysis_json(case) for case in reversed(cases)][::-1]
    assert cases == originals
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        elsewhere = pool.map(_analysis_json, copy.deepcopy(cases))
    assert len({json.dumps(a, sort_keys=True) for a in here}) > 30  # the cases do differ
    for seed, (mine, theirs) in enumerate(zip(here, elsewhere)):
        assert mine == theirs, seed - 1


def test_every_fact_that_states_law_cites_a_text_of_its_finding():
    """A sentence's `cites` (data/sentences.yaml) and the legal basis of the finding or
    deadline that shows it agree."""
    import random

    from assistant.law.texts import cites

    from assistant.law.appeals import appeal_route
    from assistant.law.rights import find_rights
    from tests.casegen import random_case

    for seed in range(600):
        case = parse_case(random_case(random.Random(seed)))
        route = appeal_route(case)
        for finding in find_rights(case, route):
            for sentence in (finding.summary, *finding.why):
                if sentence.legal_basis:
                    assert set(sentence.legal_basis) & set(finding.legal_basis), (seed, finding.id, sentence.key)
        for deadline in analyse(case).deadlines:
            cited = cites(deadline.key)
            assert not cited or set(cited) & set(deadline.legal_basis), (seed, deadline.id)


# French words that an English sentence cannot hold (names of bodies and courts aside).
FRENCH = re.compile(r"\b(vous|votre|vos|le|la|les|une|est|sont|pour|avec|sans|décision|délai)\b",
                    re.IGNORECASE)


def test_english_analysis_has_no_french_sentence():
    """With lang="en", every title, summary, fact, route note and deadline label is in
    English; the French analysis is the same but for the words."""
    import random

    from tests.casegen import random_case

    seen = set()
    for seed in range(300):
        case = parse_case(random_case(random.Random(seed)))
        french, english = analyse(case), analyse(case, "en")
        assert french.model_dump(exclude={"rights", "appeal", "deadlines"}) == \
            english.model_dump(exclude={"rights", "appeal", "deadlines"})
        assert [r.id for r in french.rights] == [r.id for r in english.rights]
        assert [(r.legal_basis) for r in french.rights] == [r.legal_basis for r in english.rights]
        assert [(d.id, d.date) for d in french.deadlines] == [(d.id, d.date) for d in english.deadlines]
        pairs = [(fr_, en_) for a, b in zip(french.rights, english.rights)
                 for fr_, en_ in zip((a.title, a.summary, *a.why), (b.title, b.summary, *b.why))]
        pairs += list(zip(french.appeal.notes, english.appeal.notes))
        pairs += [(a.label, b.label) for a, b in zip(french.deadlines, english.deadlines)]
        names = {english.appeal.body, english.appeal.court, case.organism.name or ""}
        for fr_, en_ in pairs:
            assert fr_ != en_, (seed, en_)
            bare = en_
            for name in sorted(filter(None, names), key=len, reverse=True):
                bare = bare.replace(name, "")
            assert not FRENCH.search(bare), (seed, en_)
            seen.add(en_)
    assert len(seen) > 60


def test_fraud_safeguards_only_when_fraud_is_alleged():
    assert "fraud_safeguards" not in ids(run(situation="overpayment"))
    right = run(situation="overpayment", context__fraud_alleged=True).right("fraud_safeguards")
    assert "crpa-L123-2" in right.legal_basis and "css-L114-17" in right.legal_basis


@pytest.mark.parametrize("kind,benefit,basis", [
    ("caf", "aah", "css-L821-5"),
    ("carsat", "retraite", "css-L355-3"),
    ("cpam", "indemnites_journalieres", "css-L332-1"),
    ("caf", "allocations_familiales", "css-L553-1"),
    ("caf", "rsa", "casf-L262-45"),
    ("caf", "apl", "cch-L821-7"),
    ("france_travail", "are", "ct-L5422-5"),
])
def test_overpayment_limitation_rests_on_the_benefit_s_text(kind, benefit, basis):
    right = run(organism__kind=kind, benefit=benefit, situation="overpayment").right("overpayment_limitation")
    assert basis in right.legal_basis


def test_no_limitation_claim_without_a_verified_text():
    # The ASS (france_travail family) has no limitation text encoded: nothing is claimed.
    ass = run(organism__kind="france_travail", organism__name=None, benefit="ass", situation="overpayment")
    assert "overpayment_limitation" not in ids(ass)
    # The prime d'activité has one since CSS L845-4 was read (it applies L553-1).
    found = run(benefit="prime_activite", situation="overpayment").right("overpayment_limitation")
    assert found.legal_basis[-2:] == ["css-L845-4", "css-L553-1"]


def test_overpayment_correction_window_where_a_text_opens_it():
    analysis = run(organism__kind="cpam", benefit="indemnites_journalieres", situation="overpayment")
    [window] = [d for d in analysis.deadlines if d.id == "overpayment_correction"]
    assert window.date.isoformat() == "2026-10-26"  # 6 Oct + 20 days
    assert "css-R133-9-2" in window.legal_basis
    # Family benefits and pensions: their own articles (L553-2, L355-3) apply L133-4-1's
    # procedure, hence R133-9-2's twenty days; housing aid and RSA have no such window.
    [family] = [d for d in run(situation="overpayment").deadlines if d.id == "overpayment_correction"]
    assert family.legal_basis == ["css-R133-9-2", "css-L553-2"] and family.date.isoformat() == "2026-10-26"
    pension = run(organism__kind="carsat", benefit="retraite", situation="overpayment")
    assert "css-L355-3" in next(d for d in pension.deadlines if d.id == "overpayment_correction").legal_basis
    for benefit in ("apl", "rsa"):
        assert not [d for d in run(benefit=benefit, situation="overpayment").deadlines if d.id == "overpayment_correction"]


def test_payments_stopped_without_decision_one_year_before_the_administrative_court():
    analysis = run(benefit="apl", decision={"received": False}, context__started_on="2026-11-05")
    [cap] = [d for d in analysis.deadlines if d.id == "reasonable_time"]
    assert cap.date.isoformat() == "2027-11-05"
    assert "crpa-L232-4" not in analysis.right("reasons").legal_basis  # not a refusal born of silence


def test_reasons_of_an_implicit_refusal_one_year_cap():
    analysis = run(benefit="rsa", situation="refusal", decision={"received": False},
                   history={"explanation_requested_on": "2026-09-01"})
    [cap] = [d for d in analysis.deadlines if d.id == "court_after_reasons_request"]
    assert cap.date.isoformat() == "2027-09-01" and "ce-avis-2025-504677" in cap.legal_basis


def test_days_left():
    assert run().appeal.days_left == 14  # 23 Nov -> 7 Dec
    assert run(decision={"received": False}).appeal.days_left is None


def test_today_decides_when_a_follow_up_is_due():
    asked = {"explanation_requested_on": "2026-10-20"}
    # one month after 20 Oct is Friday 20 Nov: still in time on that day, overdue the next working day
    assert "reminder" not in run(history=asked, today="2026-11-20").letters
    assert "reminder" in run(history=asked, today="2026-11-21").letters
    assert run(today="2026-12-08").appeal.days_left == -1


def test_france_travail_suspension_is_a_sanction():
    analysis = run(organism__kind="france_travail", benefit="are", situation="suspension")
    assert "prior_hearing" in ids(analysis)
    assert "ct-R5412-7" in analysis.right("prior_hearing").legal_basis


def test_are_deadlines():
    overpayment = run(organism__kind="france_travail", benefit="are", situation="overpayment").appeal
    assert overpayment.compulsory and overpayment.deadline.isoformat() == "2026-12-07"
    refusal = run(organism__kind="france_travail", benefit="are", situation="refusal")
    # Two years to go to court (L5422-4), not stopped by a recours gracieux: the safe date
    # leaves the agency its two months of silence before that limit (6 Aug 2028 is a Sunday).
    assert not refusal.appeal.compulsory and not refusal.appeal.interrupts_court_deadline
    assert refusal.appeal.deadline.isoformat() == "2028-08-04"
    court = next(d for d in refusal.deadlines if d.id == "court_limit")
    assert court.date.isoformat() == "2028-10-06"
    assert refusal.appeal.deadline + __import__("datetime").timedelta(days=61) <= court.date


def test_are_stop_may_be_a_radiation():
    analysis = run(organism__kind="france_travail", benefit="are", situation="termination")
    keys = [n.key for n in analysis.appeal.note_details]
    assert "route.are_radiation" in keys
    mediation = next(d for d in analysis.deadlines if d.id == "radiation_mediation")
    assert mediation.date.isoformat() == "2026-12-07" and "ct-R5312-47" in mediation.legal_basis


def test_penalty_goes_straight_to_the_judicial_court_within_two_months():
    appeal = run(situation="penalty").appeal
    assert appeal.route == "none" and appeal.then == "tribunal_judiciaire"
    assert "css-L114-17-2" in appeal.legal_basis and appeal.deadline.isoformat() == "2026-12-07"
    assert not appeal.compulsory and not appeal.interrupts_court_deadline
    assert [n.key for n in appeal.note_details] == ["route.penalty_direct"]
    assert "ne suspend pas" in appeal.notes[0]


@pytest.mark.parametrize("benefit", ["apl", "prime_activite", "allocations_familiales", "aah", "rsa"])
def test_caf_penalty_goes_to_the_judicial_court_whatever_the_benefit(benefit):
    appeal = run(benefit=benefit, situation="penalty").appeal
    assert (appeal.route, appeal.then) == ("none", "tribunal_judiciaire")
    assert appeal.interrupts_court_deadline is False


def test_a_sanction_that_cuts_the_benefit_is_not_a_penalty():
    appeal = run(situation="sanction").appeal
    assert (appeal.route, appeal.then) == ("cra", "tribunal_judiciaire")
    assert "route.sanction_not_penalty" in [n.key for n in appeal.note_details]


def test_cpam_penalty_rests_on_its_own_article():
    appeal = run(organism__kind="cpam", organism__name=None, benefit="indemnites_journalieres", situation="penalty").appeal
    assert "css-L114-17-1" in appeal.legal_basis and "css-L114-17" not in appeal.legal_basis
    msa_health = run(organism__kind="msa", benefit="indemnites_journalieres", situation="penalty").appeal
    assert "css-L114-17-1" in msa_health.legal_basis


def test_rsa_fine_of_the_departement_is_not_the_rsa_rapo():
    appeal = run(organism__kind="departement", organism__name=None, benefit="rsa", situation="penalty").appeal
    assert appeal.route == "recours_gracieux" and not appeal.compulsory
    assert "casf-L262-52" in appeal.legal_basis and "casf-L262-47" not in appeal.legal_basis
    assert appeal.deadline.isoformat() == "2026-12-07"


def test_medical_ground_goes_to_the_medical_commission():
    analysis = run(organism__kind="cpam", organism__name=None, benefit="indemnites_journalieres",
                   situation="termination", decision__ground="medical")
    appeal = analysis.appeal
    assert (appeal.route, appeal.then) == ("cmra", "tribunal_judiciaire")
    assert "css-R142-8" in appeal.legal_basis and appeal.deadline.isoformat() == "2026-12-07"
    filed = run(organism__kind="cpam", organism__name=None, benefit="indemnites_journalieres",
                situation="termination", decision__ground="medical", history__appeal_filed_on="2026-10-20")
    answer = next(d for d in filed.deadlines if d.id == "appeal_answer")
    assert answer.date.isoformat() == "2027-02-22" and answer.legal_basis == ["css-R142-8-5"]  # four months


def test_medical_ground_unknown_warns_and_administrative_keeps_the_cra():
    unknown = run(organism__kind="cpam", organism__name=None, benefit="indemnites_journalieres", situation="termination")
    assert unknown.appeal.route == "cra" and "route.medical_unknown" in [n.key for n in unknown.appeal.note_details]
    administrative = run(organism__kind="cpam", organism__name=None, benefit="indemnites_journalieres",
                         situation="termination", decision__ground="administrative")
    assert administrative.appeal.route == "cra" and not administrative.appeal.note_details


def test_cdaph_decisions_go_to_the_mdph_then_the_social_division():
    analysis = run(organism__kind="mdph", organism__name=None, benefit="aah", situation="refusal",
                   claimant__postal_code="33000")
    appeal = analysis.appeal
    assert appeal.route == "rapo_mdph" and appeal.body.endswith("de la Gironde")
    assert {"css-L142-4", "casf-R241-36"} <= set(appeal.legal_basis)
    silent = run(organism__kind="mdph", benefit="aah", situation="refusal", decision={"received": False})
    assert silent.appeal.deadline is None and "route.mdph_silence" in [n.key for n in silent.appeal.note_details]


def test_aah_refused_by_the_caf_points_to_the_mdph():
    assert "route.aah_by_cdaph" in [n.key for n in run(benefit="aah", situation="refusal").appeal.note_details]


def test_are_court_is_not_the_social_division():
    assert run(organism__kind="france_travail", benefit="are", situation="overpayment").appeal.court == "tribunal judiciaire"
    assert run().appeal.court == "pôle social du tribunal judiciaire"


def test_generic_names_for_regional_bodies():
    appeal = run(organism__kind="carsat", organism__name=None, benefit="retraite").appeal
    assert appeal.body == "Commission de recours amiable de la CARSAT"


def test_rsa_taken_back_by_the_state_overseas():
    appeal = run(benefit="rsa", claimant__postal_code="97400").appeal
    assert appeal.route == "rapo_departement" and "CAF de La Réunion" in appeal.body and appeal.notes


def test_aspa_and_are_overpayments_can_be_remitted():
    aspa = run(organism__kind="carsat", benefit="aspa", situation="overpayment")
    assert "css-L256-4" in aspa.right("debt_remission").legal_basis
    are = run(organism__kind="france_travail", benefit="are", situation="overpayment")
    assert "ct-L5312-10" in are.right("debt_remission").legal_basis


def test_overseas_caisse_names():
    assert "CGSS de la Guadeloupe" in run(organism__kind="cpam", organism__name=None, benefit="indemnites_journalieres",
                                          claimant__postal_code="97110").appeal.body
    assert "Caisse de sécurité sociale de Mayotte" in run(organism__name=None, claimant__postal_code="97600").appeal.body
    # One registry: a Guadeloupe CPAM letter names « la CGSS », never « par laquelle CGSS ».
    from assistant.law import bodies
    assert bodies.the("CGSS de la Guadeloupe") == "la CGSS de la Guadeloupe"
    assert bodies.of("Conseil départemental du Nord") == "du conseil départemental du Nord"
    assert bodies.to("France Travail") == "à France Travail" and bodies.of("MDPH de la Gironde") == "de la MDPH de la Gironde"
    assert run(benefit="rsa", claimant__postal_code="20090").appeal.body == "Président du conseil exécutif de Corse"


# --- A lawyer's review of the new routes (2026-11-23) -----------------------------------------

@pytest.mark.parametrize("kind,benefit,expected,forbidden", [
    ("caf", "rsa", {"css-L114-17-2", "css-R114-11"}, {"casf-L262-37", "crpa-L121-1"}),
    ("cpam", "indemnites_journalieres", {"css-L114-17-1", "css-R147-2"}, {"crpa-L121-1"}),
    ("departement", "rsa", {"casf-L262-52", "css-L114-17-2", "css-R114-11", "ce-2025-491222"},
     {"casf-L262-37", "crpa-L121-1"}),
    ("france_travail", "are", {"ct-L5426-8", "ct-R5426-15"}, {"ct-R5412-7", "crpa-L121-1"}),
])
def test_a_penalty_is_heard_under_its_own_procedure(kind, benefit, expected, forbidden):
    """Where a text sets a special procedure, CRPA L121-1 does not apply (L121-2, 3°), and
    the RSA suspension article or France Travail's sanction procedure are not the penalty's."""
    found = run(organism__kind=kind, organism__name=None, benefit=benefit, situation="penalty",
                context__heard_before=None).right("prior_hearing")
    assert expected <= set(found.legal_basis) and not forbidden & set(found.legal_basis)


def test_the_rsa_fine_of_the_departement_is_heard_as_the_conseil_detat_says():
    """CE 7 March 2025 n° 491222: L262-52 CASF « précisées par » R114-11 CSS: the président
    notifies the facts and the amount, the person has one month to answer, then the équipe
    pluridisciplinaire gives its opinion. The entry of R114-11 says so (a review had objected)."""
    from assistant.law.legal_refs import load_refs

    found = run(organism__kind="departement", organism__name=None, benefit="rsa", situation="penalty",
                context__heard_before=False).right("prior_hearing")
    assert {"casf-L262-52", "css-R114-11", "ce-2025-491222"} <= set(found.legal_basis)
    why = " ".join(found.why)
    assert "un mois pour présenter vos observations" in why and "équipe pluridisciplinaire" in why
    assert "L. 262-52" in load_refs()["css-R114-11"].summary


def test_france_travail_penalty_gives_a_month_not_ten_days():
    facts = " ".join(run(organism__kind="france_travail", benefit="are", situation="penalty").right("prior_hearing").why)
    assert "un mois" in facts and "dix jours" not in facts


def test_a_refusal_born_of_silence_may_already_be_running():
    analysis = run(benefit="aah", situation="refusal", decision={"received": False})
    found = analysis.right("deadline_not_opposable")
    assert "accusé de réception" in found.why[0] and "aucun délai" not in found.why[0]
    assert "crpa-L112-3" in found.legal_basis


def test_are_stop_takes_the_mediation_time_limit_and_offers_the_mediation():
    analysis = run(organism__kind="france_travail", benefit="are", situation="termination")
    assert analysis.appeal.deadline.isoformat() == "2026-12-07"
    assert "mediator_referral" in analysis.letters


def test_the_mediator_never_replaces_the_requete_of_a_penalty():
    facts = " ".join(run(situation="penalty").right("mediator").why)
    assert "ne remplace pas la requête" in facts and "suspendus" not in facts


def test_the_mdph_note_names_who_pays():
    pch = run(organism__kind="mdph", benefit="pch", situation="reduction").appeal.notes[0]
    aah = run(organism__kind="mdph", benefit="aah", situation="reduction").appeal.notes[0]
    assert "le département paie" in pch and "la CAF" in aah


@pytest.mark.parametrize("changes,expected", [
    ({"situation": "sanction"}, True),                                   # a CAF sanction on family benefits
    ({"situation": "penalty"}, True),                                    # a CAF penalty (CSS L114-17)
    ({"situation": "sanction", "benefit": "rsa"}, False),                # RSA: « sans motif légitime »
    ({"situation": "sanction", "benefit": "rsa", "organism__kind": "departement", "organism__name": None}, False),
    ({"situation": "sanction", "benefit": "are", "organism__kind": "france_travail", "organism__name": None}, False),
    ({"situation": "suspension", "benefit": "are", "organism__kind": "france_travail", "organism__name": None}, False),
    ({"situation": "penalty", "benefit": "are", "organism__kind": "france_travail", "organism__name": None}, True),
])
def test_no_right_to_error_against_a_sanction_for_unmet_obligations(changes, expected):
    """CRPA L123-1 protects a first declaration error; against a sanction for unmet obligations
    (CASF L262-37, C. trav. L5412-1) the defence is the legitimate reason."""
    assert ("right_to_error" in ids(run(**changes))) is expected


@pytest.mark.parametrize("benefit,own,not_own", [
    ("are", {"ct-L5426-8-1", "ct-L5428-1"}, "ct-R5426-18"),
    ("ass", {"ct-L5426-8-1", "ct-R5426-18"}, "ct-L5428-1"),
])
def test_france_travail_withholding_rests_on_the_allowance_s_own_cap(benefit, own, not_own):
    """R5426-18's 20 % caps the ASS only; the ARE is seizable as a wage (L5428-1)."""
    found = run(organism__kind="france_travail", organism__name=None, benefit=benefit, situation="overpayment",
                context__withholding_eur=90.0).right("withholding_limit")
    assert own <= set(found.legal_basis) and not_own not in found.legal_basis
    from assistant.law.texts import say

    assert say(f"fact.withholding_limit.capped_{'are' if benefit == 'are' else 'france_travail'}") in found.why
    assert say("fact.withholding_limit.suspended") in found.why
    assert say("fact.withholding_limit.capped") not in found.why
