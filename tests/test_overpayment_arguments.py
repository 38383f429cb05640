"""The arguments that win overpayment cases (issue 18, point 4, first half): the limitation
asserted with its date, counted back from the notification for each payment (the period is
the legal_refs entry's, in force on the decision's date); the longer period if fraud were
proved; the ASPA's arrears kept (CSS L815-11) and its withholding cap (R815-43); the twenty
days to ask for the data to be corrected for the AAH and the ASPA (L821-5-1, L815-11 →
L133-4-1, R133-9-2's period); the pension's caisse-error rule and its commission de recours
amiable (L355-3), and the pension withholding under L355-2."""

import datetime as dt

import pytest

from assistant.law.analysis import analyse
from assistant.law.deadlines import end_of_period, period_end
from assistant.law.legal_refs import LegalRefsError, Period, period, ref
from assistant.law.model import parse_case
from assistant.law.rights import LIMITATION_BASIS, LIMITATION_FRAUD, first_payment_not_barred, limitation_of
from assistant.letters import build_letters
from tests.conftest import with_changes
from tests.test_rights import BASE

D = dt.date
OVERPAYMENT = dict(situation="overpayment", decision={"received": True, "date": "2026-10-02", "received_on": "2026-10-06",
                                                      "reasons_given": True, "appeal_info_given": True})


def case_of(kind: str, benefit: str, **changes):
    return parse_case(with_changes(BASE, **{"organism__kind": kind, "organism__name": None, "benefit": benefit,
                                            **OVERPAYMENT, "today": "2026-11-23", **changes}))


def paragraphs(case, letter="appeal") -> dict[str, str]:
    [built] = build_letters(case, analyse(case), only=[letter])
    return {p.key: p.text for p in built.paragraphs}


# --- The date before which payments are time-barred -------------------------------------

@pytest.mark.parametrize("notified,years,first", [
    (D(2026, 10, 6), 2, D(2024, 10, 6)),     # paid on 6 Oct 2024: its last day is 6 Oct 2026
    (D(2026, 3, 1), 2, D(2024, 3, 1)),       # 29 Feb 2024 ended on 28 Feb 2026: barred
    (D(2028, 2, 29), 2, D(2026, 3, 1)),      # 28 Feb 2026 ended on 28 Feb 2028: barred
    (D(2026, 10, 6), 10, D(2016, 10, 6)),
])
def test_a_payment_is_barred_once_the_last_day_of_its_period_has_passed(notified, years, first):
    length = Period(years=years, runs_from="payment")
    assert first_payment_not_barred(notified, length) == first
    assert period_end(first, length) >= notified > period_end(first - dt.timedelta(days=1), length)


@pytest.mark.parametrize("kind,benefit,refs,period_ref", [
    ("caf", "prime_activite", ("css-L845-4", "css-L553-1"), "css-L553-1"),
    ("caf", "allocations_familiales", ("css-L553-1",), "css-L553-1"),
    ("caf", "aah", ("css-L821-5",), "css-L821-5"),
    ("carsat", "aspa", ("css-L815-11",), "css-L815-11"),
    ("carsat", "retraite", ("css-L355-3",), "css-L355-3"),
    ("france_travail", "are", ("ct-L5422-5",), "ct-L5422-5"),
])
def test_each_family_counts_back_its_own_period_from_the_notification(kind, benefit, refs, period_ref):
    found = limitation_of(case_of(kind, benefit))
    assert (found.period_refs, found.period_ref) == (refs, period_ref)
    assert found.notified_on == D(2026, 10, 6)    # the receipt, not the decision's own date
    years = period(period_ref, D(2026, 10, 2)).years
    assert found.barred_before == D(2026 - years, 10, 6)
    assert found.fraud_barred_before is None or benefit == "are"


def test_prime_activite_rests_on_l845_4_not_l845_3():
    assert ref("css-L845-4").status == "verified" and ref("css-L845-3").deadline is None
    text = paragraphs(case_of("caf", "prime_activite"))["limitation"]
    assert "articles L. 845-4 et L. 553-1 du code de la sécurité sociale" in text
    assert "sont prescrites les sommes versées antérieurement au 6 octobre 2024" in text
    assert "vérifier que les sommes" not in text


def test_without_the_receipt_the_decision_date_counts_which_bars_fewer_sums():
    case = case_of("caf", "allocations_familiales", decision={**OVERPAYMENT["decision"], "received_on": None})
    assert limitation_of(case).barred_before == D(2024, 10, 2)
    assert "étant datée du 2 octobre 2026, sont prescrites les sommes versées antérieurement au 2 octobre 2024" in \
        paragraphs(case)["limitation"]


def test_without_any_date_the_wording_stays_conditional_and_names_the_missing_date():
    case = case_of("caf", "allocations_familiales", decision={"received": True, "date": None, "received_on": None})
    found = limitation_of(case)
    assert (found.barred_before, found.missing) == (None, "decision.date")
    why = analyse(case).right("overpayment_limitation").why
    assert any("il manque la date de la décision" in w for w in why)
    text = paragraphs(case)["limitation"]
    assert "m'est parvenue le ……………… : sont prescrites les sommes versées plus de deux ans avant cette date" in text


def test_the_fact_writes_its_dates_in_the_reader_s_language():
    case = case_of("caf", "aah")
    assert "before 6 October 2024 were time-barred" in analyse(case, "en").right("overpayment_limitation").why[0]
    assert "avant le 6 octobre 2024 étaient prescrites" in analyse(case).right("overpayment_limitation").why[0]


# --- Fraud: the longer period, stated as such --------------------------------------------

def test_fraud_are_ten_years_from_each_payment_still_bars_the_oldest_sums():
    case = case_of("france_travail", "are", context__fraud_alleged=True)
    found = limitation_of(case)
    assert found.fraud_barred_before == D(2016, 10, 6) and period("ct-L5422-5", fraud=True).years == 10
    text = paragraphs(case)["limitation"]
    assert "sauf fraude ou fausse déclaration, dont la preuve incombe à l'organisme" in text
    assert "l'action se prescrirait par dix ans à compter de chaque versement" in text
    assert "antérieurement au 6 octobre 2016 resteraient prescrites" in text


@pytest.mark.parametrize("kind,benefit,fraud_ref", [
    ("caf", "allocations_familiales", "css-L553-1"), ("caf", "aah", "cc-2224"), ("carsat", "retraite", "cc-2224"),
])
def test_fraud_elsewhere_runs_from_when_the_body_knew_so_no_date_is_computed(kind, benefit, fraud_ref):
    case = case_of(kind, benefit, context__fraud_alleged=True)
    found = limitation_of(case)
    assert (found.fraud_ref, found.fraud_barred_before) == (fraud_ref, None)
    assert period(fraud_ref, fraud=True).runs_from == "knowledge"
    analysis = analyse(case)
    assert fraud_ref in analysis.right("overpayment_limitation").legal_basis
    assert any("cinq ans à compter du jour où il a connu les faits" in w for w in analysis.right("overpayment_limitation").why)
    assert "ne pourrait agir que dans les cinq ans suivant le jour où il a connu les faits" in paragraphs(case)["limitation"]


def test_a_fraud_period_is_data_with_a_fallback_to_the_text_s_only_period():
    assert period("cc-2224", fraud=True) == period("cc-2224")
    assert set(LIMITATION_FRAUD) == set(LIMITATION_BASIS)
    with pytest.raises(LegalRefsError):
        period("crpa-L211-2", fraud=True)


# --- ASPA -----------------------------------------------------------------------------

def test_aspa_arrears_are_kept_and_its_withholding_is_capped_at_the_seizable_part():
    case = case_of("carsat", "aspa", context__withholding_eur=60.0)
    analysis = analyse(case)
    assert analysis.right("withholding_limit").legal_basis == ["css-R815-43", "css-L815-10"]
    text = paragraphs(case)
    assert "les arrérages de l'allocation de solidarité aux personnes âgées qui m'ont été versés me sont acquis" in text["aspa_acquired"]
    assert "article L. 815-11" in text["aspa_acquired"]
    assert "articles R. 815-43 et L. 815-10" in text["withholding"]


@pytest.mark.parametrize("kind,benefit,own_text", [("caf", "aah", "css-L821-5-1"), ("carsat", "aspa", "css-L815-11"),
                                                    ("msa", "aspa", "css-L815-11")])
def test_aah_and_aspa_get_the_twenty_days_to_have_the_data_corrected(kind, benefit, own_text):
    case = case_of(kind, benefit)
    [window] = [d for d in analyse(case).deadlines if d.id == "overpayment_correction"]
    assert window.legal_basis == ["css-R133-9-2", own_text]
    assert window.date == end_of_period(D(2026, 10, 6), period("css-R133-9-2", D(2026, 10, 2)))


# --- Pensions ---------------------------------------------------------------------------

def test_pension_withholding_rests_on_l355_2_and_the_caisse_error_rule_is_pleaded():
    case = case_of("carsat", "retraite", context__withholding_eur=120.0)
    analysis = analyse(case)
    assert analysis.right("withholding_limit").legal_basis == ["css-L355-2"]
    text = paragraphs(case)
    assert "l'article L. 355-2 du code de la sécurité sociale" in text["withholding"]
    assert "L. 355-3" not in text["withholding"]
    assert "Si ce trop-perçu résulte d'une erreur de la caisse" in text["pension_caisse_error"]
    assert "commission de recours amiable" in text["pension_caisse_error"]


def test_a_pension_remission_goes_to_the_commission_de_recours_amiable_not_the_director():
    case = case_of("carsat", "retraite")
    [letter] = build_letters(case, analyse(case), only=["debt_remission_request"])
    assert letter.recipient[0] == "Commission de recours amiable de la CARSAT"
    assert not any(line.startswith("Directeur") for line in letter.recipient)
    assert "pension_caisse_error" in {p.key for p in letter.paragraphs}
    family = case_of("caf", "allocations_familiales")
    [other] = build_letters(family, analyse(family), only=["debt_remission_request"])
    assert other.recipient[0].startswith("Directeur")
