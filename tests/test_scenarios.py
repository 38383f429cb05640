"""Every public scenario, and each of our own legal traps (tests/scenarios), through the
real command line (CONTRACT §2).

Our own files may also expect: `notes_include` (keys of the route's notes),
`basis_include` / `basis_exclude` (ids in the route's legal basis), `deadlines_include`
({deadline id: date}), `body` (the route's addressee), `stderr_include` (texts of a refusal)."""

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
