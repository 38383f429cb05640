"""The case model: strict, coherent, and every error in French naming the field."""

import copy
import json

import pytest

from assistant.law.model import InvalidCase, load_case, parse_case
from tests.conftest import VALID_SCENARIOS

BASE = copy.deepcopy(VALID_SCENARIOS[0][1]["case"])


def errors_of(case: dict) -> list[str]:
    with pytest.raises(InvalidCase) as info:
        parse_case(case)
    return info.value.messages


def mutated(**paths) -> dict:
    case = copy.deepcopy(BASE)
    for dotted, value in paths.items():
        *parents, leaf = dotted.split("__")
        target = case
        for key in parents:
            target = target[key]
        if value is KeyError:
            del target[leaf]
        else:
            target[leaf] = value
    return case


def test_scenarios_are_valid():
    for _, scenario in VALID_SCENARIOS:
        parse_case(scenario["case"])


def test_unknown_key_is_named():
    [message] = errors_of(mutated(claimant__nir="1234"))
    assert "claimant.nir" in message and "inconnu" in message


def test_missing_required_field_is_named():
    [message] = errors_of(mutated(claimant__last_name=KeyError))
    assert message.startswith("Nom (claimant.last_name)") and "obligatoire" in message


def test_received_before_decision():
    [message] = errors_of(mutated(decision__date="2026-11-10", decision__received_on="2026-11-05"))
    assert message == "Date de réception de la décision (decision.received_on) : elle ne peut pas précéder la date de la décision."


def test_date_after_today_is_refused():
    [message] = errors_of(mutated(decision__received_on="2026-11-24"))
    assert "decision.received_on" in message and "postérieure" in message


def test_today_defaults_to_the_real_date():
    case = mutated(today=None, decision__date="2099-01-01", decision__received_on="2099-01-02")
    assert any("postérieure" in m for m in errors_of(case))


def test_impossible_organism_benefit_pair():
    [message] = errors_of(mutated(benefit="are"))
    assert "benefit" in message and "organism.kind" in message


@pytest.mark.parametrize("kind,benefit", [("caf", "ass"), ("cpam", "rsa"), ("france_travail", "apl"),
                                          ("carsat", "allocations_familiales"), ("departement", "are"),
                                          ("caf", "pch"), ("mdph", "rsa"), ("cpam", "aeeh"), ("mdph", "are")])
def test_more_impossible_pairs(kind, benefit):
    errors_of(mutated(organism__kind=kind, benefit=benefit))


@pytest.mark.parametrize("situation", ["penalty", "overpayment", "sanction"])
def test_the_mdph_neither_fines_nor_recovers(situation):
    [message] = errors_of(mutated(organism__kind="mdph", benefit="aah", situation=situation))
    assert "situation" in message and "organism.kind" in message and "ne prend pas ce type de décision" in message


def test_contract_additions_are_accepted():
    """CONTRACT §1, 2026-11-23: situation penalty, organism mdph, benefits aeeh/pch, decision.ground."""
    assert parse_case(mutated(situation="penalty")).situation.value == "penalty"
    case = parse_case(mutated(organism__kind="mdph", benefit="pch", situation="refusal", decision__ground="medical"))
    assert case.organism.kind.value == "mdph" and case.decision.ground.value == "medical"
    assert parse_case(mutated(organism__kind="caf", benefit="aeeh")).benefit.value == "aeeh"
    assert parse_case(mutated(decision__ground=None)).decision.ground is None
    [message] = errors_of(mutated(decision__ground="médical"))
    assert "decision.ground" in message and "'administrative', 'medical'" in message


def test_bad_values_in_french():
    messages = errors_of(mutated(context__amount_eur="douze", decision__date="02/10/2026",
                                 claimant__postal_code="4400", situation="oops"))
    text = "\n".join(messages)
    assert "Montant (en euros) (context.amount_eur) : il faut un nombre" in text
    assert "Date de la décision (decision.date) : date invalide" in text
    assert "Code postal (claimant.postal_code)" in text
    assert "valeurs possibles : 'suspension'" in text and " or " not in text


def test_not_received_but_dated():
    errors_of(mutated(decision__received=False))


def test_appeal_before_decision():
    [message] = errors_of(mutated(history__appeal_filed_on="2026-10-01"))
    assert "history.appeal_filed_on" in message


def test_yaml_and_json_files(tmp_path):
    import yaml

    (tmp_path / "c.yaml").write_text(yaml.safe_dump(BASE, allow_unicode=True), encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps(BASE), encoding="utf-8")
    assert load_case(tmp_path / "c.yaml") == load_case(tmp_path / "c.json")


@pytest.mark.parametrize("content,expected", [
    ("{not json", "JSON invalide"),
    ("[1, 2]", "objet"),
    ("just text", "objet"),
    ("", "objet"),
])
def test_unreadable_files(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidCase) as info:
        load_case(path)
    assert expected in " ".join(info.value.messages)
    assert str(path) in str(info.value)


def test_own_words_limit():
    errors_of(mutated(context__own_words="a" * 3001))
    parse_case(mutated(context__own_words="a" * 3000))


@pytest.mark.parametrize("path,value", [
    ("decision__reasons_given", 1), ("decision__reasons_given", "yes"), ("decision__reasons_given", "true"),
    ("context__amount_eur", "1200"), ("context__amount_eur", True),
])
def test_wrong_types_are_errors_not_guesses(path, value):
    [message] = errors_of(mutated(**{path: value}))
    assert path.replace("__", ".") in message


def test_implausible_dates():
    messages = errors_of(mutated(decision__date="1850-01-01", decision__received_on="1850-01-03"))
    assert any("invraisemblable" in m and "decision.date" in m for m in messages)
    assert any("invraisemblable" in m for m in errors_of(mutated(today="9999-12-31")))


def test_null_required_field_is_missing():
    [message] = errors_of(mutated(claimant__postal_code=None))
    assert message == "Code postal (claimant.postal_code) : ce champ est obligatoire."


def test_overseas_caisse_pays_pensions_too():
    parse_case(mutated(organism__kind="cpam", benefit="retraite", claimant__postal_code="97200"))
    errors_of(mutated(organism__kind="cpam", benefit="retraite"))  # in metropolitan France: CARSAT


# --- Structured problems (issue 9): the pages word them, the CLI messages stay ----------

import datetime as dt  # noqa: E402

from assistant.law.model import Problem  # noqa: E402


def problems_of(case: dict) -> list[Problem]:
    with pytest.raises(InvalidCase) as info:
        parse_case(case)
    assert len(info.value.problems) == len(info.value.messages)
    return info.value.problems


def test_a_coherence_problem_carries_its_path_code_and_date():
    case = mutated(decision__received_on="2026-11-24")
    [problem] = problems_of(case)
    assert problem == Problem("decision.received_on", "future", {"today": dt.date.fromisoformat(case["today"])})
    [message] = errors_of(case)  # the CLI's message is unchanged
    assert message.startswith("Date de réception de la décision (decision.received_on) : ")


def test_field_problems_carry_pydantic_codes_and_limits():
    [problem] = problems_of(mutated(claimant__last_name=KeyError))
    assert (problem.path, problem.code) == ("claimant.last_name", "missing")
    [problem] = problems_of(mutated(context__own_words="x" * 3001))
    assert problem == Problem("context.own_words", "string_too_long", {"max_length": 3000})
    [problem] = problems_of(mutated(decision__date="2026-02-31"))
    assert (problem.path, problem.code) == ("decision.date", "date_from_datetime_parsing") or problem.code.startswith("date")
    [problem] = problems_of(mutated(claimant__postal_code="4400"))
    assert (problem.path, problem.code) == ("claimant.postal_code", "postal_code")


def test_an_impossible_pair_is_put_on_the_benefit():
    [problem] = problems_of(mutated(organism__kind="france_travail"))
    assert problem.path == "benefit" and problem.code == "impossible_pair"


def test_invalid_case_without_problems_still_works():
    error = InvalidCase(["fichier introuvable."], "x.json")
    assert error.problems == [] and str(error) == "x.json : fichier introuvable."


def test_one_gate_cleans_every_text_field():
    """Control characters (a DOCX cannot hold them) and bidirectional overrides (they print a
    file number reversed) never reach a case, whatever the field — e-mail included."""
    case = parse_case(mutated(claimant__file_number="12\u202e345", claimant__email="nom@exemple.fr\x0b",
                              claimant__address="1 rue\u2028Bât. B", context__own_words="ligne 1\x85ligne 2\x00"))
    assert case.claimant.file_number == "12345" and case.claimant.email == "nom@exemple.fr"
    assert case.claimant.address == "1 rue\nBât. B" and case.context.own_words == "ligne 1\nligne 2"


def test_absurd_nesting_is_an_input_error(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InvalidCase) as info:
        load_case(deep)
    assert "imbriqué" in info.value.messages[0]
    nested = mutated()
    nested["claimant"]["first_name"] = {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": {"j": {"k": {"l": {"m": {"n": {"o": {"p": {"q": {"r": {"s": {"t": {"u": "x"}}}}}}}}}}}}}}}}}}}}}
    assert "imbriqué" in errors_of(nested)[0]
