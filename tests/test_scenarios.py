"""Every public scenario, and each of our own legal traps (tests/scenarios), through the
real command line (CONTRACT §2).

Our own files may also expect: `notes_include` (keys of the route's notes),
`basis_include` / `basis_exclude` (ids in the route's legal basis), `deadlines_include`
({deadline id: date}), `body` (the route's addressee), `stderr_include` (texts of a refusal),
`why_include` ({right id: [texts its `why` must contain]}); and, for the letters (built with the
scenario's optional `answers`, [{to_letter, on, kind}]): `paragraphs_include` /
`paragraphs_exclude` ({letter id: [paragraph keys]}), `text_include` / `text_exclude` ({letter
id: [texts of the letter or its guide]}), `to_complete_include` ({letter id: text of one line of
the guide's « À compléter »}), `cites_exclude` (ids no letter cites)."""

import json

import pytest

from tests.conftest import OWN_SCENARIOS, SCENARIOS, SCENARIOS_DIR, SHARED_SCENARIOS_DIR, require_shared, run_cli

ALL = SCENARIOS + OWN_SCENARIOS


@pytest.mark.parametrize("name,scenario", ALL, ids=[n for n, _ in ALL])
def test_scenario_through_cli(name, scenario, write_case):
    expect = scenario["expect"]
    result = run_cli("analyse", str(write_case(scenario["case"])))
    assert "Traceback" not in result.stderr
    assert result.returncode == expect.get("exit", 0), result.stderr
    if result.returncode == 2:
        assert result.stdout == ""
        assert "Dossier invalide" in result.stderr
        for text in expect.get("stderr_include", []):
            assert text in result.stderr, text
        return
    out = json.loads(result.stdout)
    ids = [r["id"] for r in out["rights"]]
    for right in expect.get("rights_include", []):
        assert right in ids, f"{right} missing in {ids}"
    for right in expect.get("rights_exclude", []):
        assert right not in ids, f"{right} should not be in {ids}"
    for letter in expect.get("letters_include", []):
        assert letter in out["letters"]
    for letter in expect.get("letters_exclude", []):
        assert letter not in out["letters"], letter
    for key in ("route", "then", "body", "deadline", "deadline_opposable", "reasonable_time_ends"):
        if key in expect:
            assert out["appeal"][key] == expect[key], key
    notes = [n["key"] for n in out["appeal"]["note_details"]]
    for key in expect.get("notes_include", []):
        assert key in notes, f"note {key} missing in {notes}"
    for ref_id in expect.get("basis_include", []):
        assert ref_id in out["appeal"]["legal_basis"], ref_id
    for ref_id in expect.get("basis_exclude", []):
        assert ref_id not in out["appeal"]["legal_basis"], ref_id
    dated = {d["id"]: d["date"] for d in out["deadlines"]}
    for deadline_id, date in expect.get("deadlines_include", {}).items():
        assert dated.get(deadline_id) == date, (deadline_id, dated)
    why = {r["id"]: " ".join(r["why"]) for r in out["rights"]}
    for right, texts in expect.get("why_include", {}).items():
        for text in texts:
            assert text in why.get(right, ""), (right, text, why.get(right))


LETTER_KEYS = ("paragraphs_include", "paragraphs_exclude", "text_include", "text_exclude", "to_complete_include")
WITH_LETTERS = [(n, s) for n, s in OWN_SCENARIOS
                if any(k in s["expect"] for k in (*LETTER_KEYS, "cites_exclude"))]


@pytest.mark.parametrize("name,scenario", WITH_LETTERS, ids=[n for n, _ in WITH_LETTERS])
def test_scenario_letters(name, scenario):
    """The letters a scenario names, as the body's answers leave them: their paragraphs, words
    and guide."""
    from assistant.casefiles.followup import Answer
    from assistant.law.analysis import analyse
    from assistant.law.model import parse_case
    from assistant.letters import build_letters

    expect = scenario["expect"]
    case = parse_case(scenario["case"])
    analysis = analyse(case)
    answers = [Answer.model_validate(a) for a in scenario.get("answers", [])]
    named = list(dict.fromkeys(letter for key in LETTER_KEYS for letter in expect.get(key, {})))
    letters = {x.id: x for x in build_letters(case, analysis, only=named or None, answers=answers)}
    for letter_id, keys in expect.get("paragraphs_include", {}).items():
        found = [p.key for p in letters[letter_id].paragraphs]
        assert set(keys) <= set(found), (letter_id, set(keys) - set(found))
    for letter_id, keys in expect.get("paragraphs_exclude", {}).items():
        found = [p.key for p in letters[letter_id].paragraphs]
        assert not set(keys) & set(found), (letter_id, set(keys) & set(found))
    texts = {i: x.plain_text() + "\n" + x.guide.plain_text() for i, x in letters.items()}
    for letter_id, wanted in expect.get("text_include", {}).items():
        for text in wanted:
            assert text in texts[letter_id], (letter_id, text)
    for letter_id, unwanted in expect.get("text_exclude", {}).items():
        for text in unwanted:
            assert text not in texts[letter_id], (letter_id, text)
    for letter_id, text in expect.get("to_complete_include", {}).items():
        assert any(text in line for line in letters[letter_id].guide.to_complete), (letter_id, text)
    if "cites_exclude" in expect:
        every = [*build_letters(case, analysis, answers=answers), *letters.values()]
        cited = {c for x in every for c in (*x.cites, *x.guide.cites)}
        assert not cited & set(expect["cites_exclude"]), cited & set(expect["cites_exclude"])


def test_every_route_id_has_a_scenario_of_ours():
    """Each route of CONTRACT §3 is exercised by at least one readable scenario file."""
    routes = {s["expect"].get("route") for _, s in ALL}
    assert {"cra", "rapo_departement", "rapo_france_travail", "recours_gracieux", "cmra", "rapo_mdph", "none"} <= routes


def test_the_public_scenarios_are_a_copy_of_shared():
    """tests/scenarios/public is ../shared/scenarios, file by file (copy it again when it changes)."""
    shared = require_shared(SHARED_SCENARIOS_DIR)
    ours = {p.name: p.read_bytes() for p in SCENARIOS_DIR.iterdir() if p.is_file()}
    theirs = {p.name: p.read_bytes() for p in shared.iterdir() if p.is_file()}
    problems = [f"absent de tests/scenarios/public : {name}" for name in sorted(theirs.keys() - ours.keys())]
    problems += [f"absent de {shared} : {name}" for name in sorted(ours.keys() - theirs.keys())]
    problems += [f"différent : {name}" for name in sorted(ours.keys() & theirs.keys()) if ours[name] != theirs[name]]
    assert not problems, f"copiez {shared}/* dans {SCENARIOS_DIR}/ :\n" + "\n".join(problems)


def engine_route_ids() -> set[str]:
    """Every route id assistant/law/appeals.py can return (each `Route(id="…")` it builds)."""
    import re

    from tests.conftest import ROOT

    source = (ROOT / "assistant" / "law" / "appeals.py").read_text(encoding="utf-8")
    return set(re.findall(r'Route\(\s*id="([a-z_]+)"', source))


def test_every_route_id_has_a_golden_case():
    """Each route's letters are pinned word for word by at least one golden case."""
    from assistant.law.appeals import appeal_route
    from assistant.law.model import parse_case
    from tests.golden_update import golden_scenarios

    routes = engine_route_ids()
    assert {"cra", "rapo_departement", "rapo_france_travail", "recours_gracieux", "cmra", "rapo_mdph", "none"} <= routes
    pinned = {appeal_route(parse_case(case)).id for _name, case in golden_scenarios()}
    missing = sorted(routes - pinned)
    assert not missing, ("route(s) sans lettre de référence : " + ", ".join(missing)
                         + " — ajoutez un cas dans tests/golden/cases/ puis `make golden`")
