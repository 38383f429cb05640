"""The commune question (issue 18, item 1): asked in the interview, refused in a case file or a
batch row naming `claimant.commune_code` and the candidates, only when postcode and city do
not identify one commune and the candidates differ in authority or holidays. Real data
(law/data/communes.json.gz from @etalab/decoupage-administratif)."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from assistant.law import interview as iv
from assistant.law import places
from assistant.law.analysis import analyse
from assistant.law.appeals import commune_problem, require_commune
from assistant.law.model import InvalidCase, parse_case
from tests.conftest import OWN_SCENARIOS_DIR, run_cli

D = dt.date
VERNAISON, VOURLES = "69260", "69268"          # both 69390: Métropole de Lyon / Rhône
CANDIDATES_69390 = ["Charly (69046)", "Millery (69133)", "Vernaison (69260)", "Vourles (69268)"]


def base_case(**claimant) -> dict:
    case = json.loads((OWN_SCENARIOS_DIR / "r21_rsa_suspended_in_venissieux.json").read_text(encoding="utf-8"))["case"]
    case["claimant"].update(claimant)
    return case


# --- Names as people write them: one commune, nothing to ask ---------------------------------

@pytest.mark.parametrize("postcode,city,code", [
    ("69800", "St Priest", "69290"),                     # « St » for « Saint »
    ("69800", "ST-PRIEST", "69290"),
    ("42100", "St-Étienne", "42218"),
    ("69200", "Venissieux", "69259"),                    # accents left out
    ("69200", "VÉNISSIEUX", "69259"),
    ("69003", "Lyon 3e", "69123"),                       # arrondissements
    ("69009", "Lyon 9ème", "69123"),
    ("13008", "Marseille 8e", "13055"),
    ("13008", "MARSEILLE 8E ARRONDISSEMENT", "13055"),
    ("75015", "Paris 15e", "75056"),
    ("69431", "Lyon Cedex 03", "69123"),                 # CEDEX: a postcode of no commune
    ("69801", "Saint-Priest Cedex", "69290"),
    ("13395", "Marseille Cedex 10", "13055"),
    ("01200", "Bellegarde-sur-Valserine", "01033"),      # commune déléguée, former name of Valserhône
    ("50100", "Cherbourg-Octeville", "50129"),           # commune déléguée of Cherbourg-en-Cotentin
    ("02700", "Fargniers", "02738"),                     # commune associée of Tergnier
    ("59360", "Escaufourt", "59545"),                    # associée across a département line (02 → 59)
    ("01200", "Éloise", "74109"),                        # Haute-Savoie commune with an Ain postcode
])
def test_written_forms_find_one_commune_and_ask_nothing(postcode, city, code):
    assert places.resolve(postcode, city).commune.code == code
    assert places.ambiguity(postcode, city, D(2026, 10, 2)) is None


@pytest.mark.parametrize("given,current", [
    ("69383", "69123"),   # Lyon 3e's own INSEE code (what the Base Adresse Nationale gives)
    ("75115", "75056"),   # Paris 15e
    ("13208", "13055"),   # Marseille 8e
    ("02300", "02738"),   # Fargniers, commune associée
    ("01126", "01033"),   # a former code merged into Valserhône
])
def test_other_insee_codes_name_the_current_commune(given, current):
    assert places.commune(given).code == current
    case = parse_case(base_case(postal_code="69390", city="Lyon", commune_code=given))
    assert case.claimant.commune_code == given
    assert places.resolve("69390", "Lyon", given).commune.code == current


# --- When it matters ----------------------------------------------------------------------

def test_a_shared_postcode_with_an_unknown_city_lists_its_communes():
    found = places.ambiguity("69390", "Lyon", D(2026, 10, 2))
    assert [f"{c.name} ({c.code})" for c in found.candidates] == CANDIDATES_69390
    assert {c.postal_code for c in found.candidates} == {"69390"}
    assert found.differs_in == ("authority",)


def test_it_does_not_matter_before_the_metropole_existed():
    # On 31 December 2014 the four communes all came under the Rhône.
    assert places.ambiguity("69390", "Lyon", D(2014, 12, 31)) is None
    assert places.ambiguity("69390", "Lyon", D(2015, 1, 1)) is not None


def test_candidates_alike_are_not_asked():
    # 44000 is Nantes alone (a misspelt name still finds it); 33220 spans Gironde and Dordogne.
    assert places.ambiguity("44000", "Nantez", D(2026, 10, 2)) is None
    assert places.ambiguity("33220", "", D(2026, 10, 2)).differs_in == ("authority",)


def test_a_commune_code_settles_it():
    assert places.ambiguity("69390", "Lyon", D(2026, 10, 2), VERNAISON) is None


def test_holidays_alone_make_it_matter(monkeypatch):
    moselle = places.Commune("57001", ("Aboncourt",), ("57920",), "57")
    meurthe = places.Commune("54001", ("Abaucourt",), ("54610",), "54")
    monkeypatch.setattr(places, "resolve", lambda *a, **k: places.Resolution(None, (moselle, meurthe)))
    monkeypatch.setattr(places, "rsa_authority", lambda *a, **k: places.Authority("Même autorité"))
    found = places.ambiguity("57920", "X", D(2026, 10, 2))
    assert found.differs_in == ("holidays",)
    assert [c.code for c in found.candidates] == ["54001", "57001"]


# --- The case file: refused naming the field and the candidates ----------------------------

def test_require_commune_names_the_field_and_the_candidates():
    case = parse_case(base_case(postal_code="69390", city="Lyon"))
    with pytest.raises(InvalidCase) as refused:
        require_commune(case, "dossier.json")
    [message] = refused.value.messages
    assert message.startswith("Code INSEE de la commune (claimant.commune_code) : 4 communes possibles pour 69390")
    for name in CANDIDATES_69390:
        assert name in message
    assert refused.value.source == "dossier.json"
    assert [p.path for p in refused.value.problems] == ["claimant.commune_code"]


@pytest.mark.parametrize("code,body", [(VERNAISON, "Président de la Métropole de Lyon"),
                                       (VOURLES, "Président du conseil départemental du Rhône")])
def test_the_chosen_commune_decides_the_body(code, body):
    case = require_commune(parse_case(base_case(postal_code="69390", city="Lyon", commune_code=code)))
    assert case.claimant.city == "Lyon"   # what the person wrote stays
    assert analyse(case).appeal.body == body


def test_the_cli_refuses_the_file_with_exit_2(write_case):
    refused = run_cli("analyse", str(write_case(base_case(postal_code="69390", city="Lyon"))))
    assert refused.returncode == 2 and refused.stdout == ""
    assert "claimant.commune_code" in refused.stderr and "Traceback" not in refused.stderr
    assert all(name in refused.stderr for name in CANDIDATES_69390)
    chosen = run_cli("analyse", str(write_case(base_case(postal_code="69390", city="Lyon", commune_code=VOURLES))))
    assert chosen.returncode == 0, chosen.stderr
    assert json.loads(chosen.stdout)["appeal"]["body"] == "Président du conseil départemental du Rhône"


def test_stored_cases_still_open():
    # A case saved before the rule (the store and the statistics use parse_case) still opens.
    assert parse_case(base_case(postal_code="69390", city="Lyon")).claimant.city == "Lyon"
    assert commune_problem(parse_case(base_case(postal_code="69200", city="Vénissieux"))) is None


def _housing_aid(**claimant) -> dict:
    """The same person, but an APL stopped by the CAF: the appeal goes to the CAF's
    commission de recours amiable whichever commune of 69390 she lives in."""
    case = base_case(**claimant)
    case["benefit"] = "apl"
    return case


def test_an_ambiguous_address_is_refused_only_when_the_route_depends_on_it(write_case):
    housing = parse_case(_housing_aid(postal_code="69390", city="Lyon"))
    assert places.ambiguity("69390", "Lyon", housing.decision_date) is not None   # the address is ambiguous…
    assert commune_problem(housing) is None                                       # …but not for this case
    assert require_commune(housing) is housing
    done = run_cli("analyse", str(write_case(_housing_aid(postal_code="69390", city="Lyon"))))
    assert done.returncode == 0, done.stderr
    assert commune_problem(parse_case(base_case(postal_code="69390", city="Lyon"))) is not None  # RSA: it is


def test_the_interview_does_not_ask_the_commune_when_it_changes_nothing():
    question = iv.QUESTIONS["claimant.commune_code"]
    assert question.visible(_answers())                      # RSA: the Métropole or the Rhône
    assert not question.visible(_answers(benefit="apl"))     # housing aid: the CAF either way
    assert iv.checked_case(_answers(benefit="apl"), D(2026, 11, 23)).claimant.commune_code is None


# --- Batch --------------------------------------------------------------------------------

def _rows_csv(path, rows):
    columns = sorted({c for r in rows for c in r})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=";")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: "" if row.get(c) is None else row[c] for c in columns})


def _flat(case: dict) -> dict:
    out = {}
    for key, value in case.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def test_batch_refuses_the_row_and_accepts_a_commune_code_column(tmp_path):
    ambiguous = _flat(base_case(postal_code="69390", city="Lyon"))
    chosen = {**ambiguous, "claimant.commune_code": VOURLES}
    clear = {**_flat(base_case()), "claimant.commune_code": None}
    source = tmp_path / "dossiers.csv"
    _rows_csv(source, [clear, ambiguous, chosen])
    out = tmp_path / "out"
    result = run_cli("batch", str(source), "--out", str(out), timeout=120)
    assert result.returncode == 2, result.stderr
    line = next(l for l in result.stderr.splitlines() if "ligne 3" in l)
    assert "claimant.commune_code" in line and "4 communes possibles pour 69390" in line
    assert all(name in line for name in CANDIDATES_69390)
    assert "ajoutez la colonne claimant.commune_code" in line
    report = {int(r[0]): r[1] for r in list(csv.reader((out / "rapport.csv").open(encoding="utf-8"), delimiter=";"))[1:]}
    assert report == {2: "ok", 3: "invalide", 4: "ok"}, report
    analysis = json.loads((out / "0004" / "analyse.json").read_text(encoding="utf-8"))
    assert analysis["appeal"]["body"] == "Président du conseil départemental du Rhône"


def test_the_apps_upload_check_names_the_column():
    from assistant.associations.batch import check_upload, row_to_case_dict

    assert row_to_case_dict({"claimant.commune_code": 1033})["claimant"]["commune_code"] == "01033"
    import io

    buffer = io.StringIO()
    rows = [_flat(base_case(postal_code="69390", city="Lyon"))]
    columns = sorted(rows[0])
    writer = csv.DictWriter(buffer, columns, delimiter=";")
    writer.writeheader()
    writer.writerow({c: "" if rows[0][c] is None else rows[0][c] for c in columns})
    checked = check_upload("dossiers.csv", buffer.getvalue().encode("utf-8"))
    [problem] = checked.problems
    assert problem["ligne"] == 2 and problem["colonne"] == "Code INSEE de la commune"
    assert "Vernaison (69260)" in problem["attendu"]


# --- The interview --------------------------------------------------------------------------

def _answers(**extra) -> dict:
    answers = iv.answers_from_case(base_case())
    answers.update({"claimant.postal_code": "69390", "claimant.city": "Lyon", **extra})
    return answers


def test_the_question_shows_only_where_it_matters():
    question = iv.QUESTIONS["claimant.commune_code"]
    assert question.visible(_answers())
    assert [o.value for o in iv.options_for(question, _answers())] == ["69046", "69133", VERNAISON, VOURLES]
    assert [o.label for o in iv.options_for(question, _answers())] == ["Charly", "Millery", "Vernaison", "Vourles"]
    assert not question.visible(_answers(**{"claimant.city": "Vernaison"}))
    assert not question.visible(_answers(**{"claimant.postal_code": "69200", "claimant.city": "Vénissieux"}))
    # Decided in 2014, before the Métropole: the four communes had one authority.
    assert not question.visible(_answers(**{"decision.date": D(2014, 6, 2), "decision.received_on": D(2014, 6, 6)}))


def test_the_choice_goes_into_the_case_and_the_typed_city_stays():
    case = iv.case_dict(_answers(**{"claimant.commune_code": VERNAISON}))
    assert case["claimant"]["commune_code"] == VERNAISON and case["claimant"]["city"] == "Lyon"
    # A choice made for another postcode is not carried over: asked again.
    moved = iv.case_dict(_answers(**{"claimant.commune_code": "69259"}))
    assert "commune_code" not in moved["claimant"]


def test_an_unanswered_commune_is_a_problem_on_its_question():
    with pytest.raises(InvalidCase) as refused:
        iv.checked_case(_answers(), D(2026, 11, 23))
    [problem] = refused.value.problems
    assert iv.problem_question(problem) == "claimant.commune_code"
    assert iv.problem_text(problem, lambda s: s).startswith("Plusieurs communes ont ce code postal")
    assert iv.checked_case(_answers(**{"claimant.commune_code": VOURLES}), D(2026, 11, 23)).claimant.commune_code == VOURLES


def test_the_app_asks_for_the_commune_and_keeps_what_was_typed():
    from tests.test_app import fill_step, go_to_step, new_app, texts

    answers = _answers()
    at = new_app(D(2026, 11, 23))
    go_to_step(at, answers, "identity")
    fill_step(at, answers)
    radio = at.radio(key="q.claimant.commune_code")
    assert radio.label == "Quelle est votre commune ?"
    assert list(radio.options) == ["Charly", "Millery", "Vernaison", "Vourles"]
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] == "identity"      # not let through without a choice
    assert "claimant.commune_code" in at.session_state["field_problems"]
    assert at.text_input(key="q.claimant.city").value == "Lyon"
    at.radio(key="q.claimant.commune_code").set_value(VERNAISON).run()
    at.button(key="nav.next").click().run()
    assert not at.exception, at.exception
    at.button(key="to_rights").click().run()
    assert "Président de la Métropole de Lyon" in texts(at)


# --- The MDPH of the Rhône and of the Métropole de Lyon --------------------------------------

def _mdph_case(postcode: str, city: str, date: str) -> dict:
    case = json.loads((OWN_SCENARIOS_DIR / "r05_pch_reduced_by_the_cdaph.json").read_text(encoding="utf-8"))["case"]
    case["claimant"].update(postal_code=postcode, city=city)
    case["decision"].update(date=date, received_on=date)
    return case


@pytest.mark.parametrize("postcode,city", [("69200", "Vénissieux"), ("69003", "Lyon 3e"), ("69400", "Villefranche-sur-Saône")])
def test_the_rhone_and_the_metropole_share_one_mdmph(postcode, city):
    case = parse_case(_mdph_case(postcode, city, "2026-10-02"))
    appeal = analyse(case).appeal
    assert appeal.route == "rapo_mdph"
    assert appeal.body == ("Maison départementale-métropolitaine des personnes handicapées (MDMPH) "
                           "du Rhône et de la Métropole de Lyon")
    assert "casf-L146-12-1" in appeal.legal_basis


def test_the_mdph_before_2015_and_elsewhere_keep_their_name():
    before = analyse(parse_case({**_mdph_case("69200", "Vénissieux", "2014-10-02"), "today": "2014-11-23"})).appeal
    assert before.body == "Maison départementale des personnes handicapées (MDPH) du Rhône"
    assert "casf-L146-12-1" not in before.legal_basis
    nantes = analyse(parse_case(_mdph_case("44000", "Nantes", "2026-10-02"))).appeal
    assert nantes.body == "Maison départementale des personnes handicapées (MDPH) de la Loire-Atlantique"


def test_the_letters_to_the_cdaph_name_the_mdmph():
    from assistant.letters import build_letters

    case = parse_case(_mdph_case("69200", "Vénissieux", "2026-10-02"))
    letters = {letter.id: letter for letter in build_letters(case, analyse(case))}
    assert letters["appeal"].recipient[0].startswith("Maison départementale-métropolitaine des personnes handicapées")
    assert any("CDAPH" in line for line in letters["appeal"].recipient)
