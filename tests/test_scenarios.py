"""Every public scenario, through the real command line (CONTRACT §2)."""

import json

import pytest

from tests.conftest import SCENARIOS, run_cli


@pytest.mark.parametrize("name,scenario", SCENARIOS, ids=[n for n, _ in SCENARIOS])
def test_scenario_through_cli(name, scenario, write_case):
    expect = scenario["expect"]
    result = run_cli("analyse", str(write_case(scenario["case"])))
    assert "Traceback" not in result.stderr
    assert result.returncode == expect.get("exit", 0), result.stderr
    if result.returncode == 2:
        assert result.stdout == ""
        assert "Dossier invalide" in result.stderr
        return
    out = json.loads(result.stdout)
    ids = [r["id"] for r in out["rights"]]
    for right in expect.get("rights_include", []):
        assert right in ids, f"{right} missing in {ids}"
    for right in expect.get("rights_exclude", []):
        assert right not in ids, f"{right} should not be in {ids}"
    for letter in expect.get("letters_include", []):
        assert letter in out["letters"]
    for key in ("route", "then", "deadline", "deadline_opposable"):
        if key in expect:
            assert out["appeal"][key] == expect[key], key
