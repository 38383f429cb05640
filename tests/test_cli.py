"""The command line never shows a traceback: valid cases analyse, garbage exits 2 in French."""

import copy
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.__main__ import main
from tests.casegen import random_case
from tests.conftest import VALID_SCENARIOS, run_cli

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def call(capsys, path):
    code = main(["analyse", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


@SETTINGS
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_any_valid_case_analyses(tmp_path, capsys, seed):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(random_case(random.Random(seed)), ensure_ascii=False), encoding="utf-8")
    code, out, err = call(capsys, path)
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"rights", "appeal", "deadlines", "letters"}
    assert result["appeal"]["route"] in {"cra", "rapo_departement", "rapo_france_travail", "recours_gracieux",
                                        "cmra", "rapo_mdph", "none"}  # CONTRACT §3


GARBAGE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["2026-02-30", "demain", "1 234,50", "-5", "9999-12-31", "caf", "oui"]),
)


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_mutated_case_is_rejected_in_french_or_analysed(tmp_path, capsys, seed, data):
    case = random_case(random.Random(seed))
    paths = sorted(_paths(case))
    target = data.draw(st.sampled_from(paths))
    action = data.draw(st.sampled_from(["garbage", "delete", "unknown"]))
    parent = case
    for key in target[:-1]:
        parent = parent[key]
    if action == "garbage":
        parent[target[-1]] = data.draw(GARBAGE)
    elif action == "delete":
        del parent[target[-1]]
    else:
        parent[target[-1] + "_x"] = 1
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False, allow_nan=True), encoding="utf-8")
    code, out, err = call(capsys, path)
    assert code in (0, 2), err
    if action == "unknown":
        assert code == 2
    if code == 2:
        assert out == "" and "Dossier invalide" in err and "Traceback" not in err
        assert str(path) in err


@SETTINGS
@given(st.binary(max_size=200))
def test_garbage_bytes_exit_2(tmp_path, capsys, content):
    path = tmp_path / "case.json"
    path.write_bytes(content)
    code, out, err = call(capsys, path)
    assert code == 2 and "Dossier invalide" in err


def test_missing_file_exits_2(capsys, tmp_path):
    code, _, err = call(capsys, tmp_path / "absent.json")
    assert code == 2 and "introuvable" in err


def test_real_process_exit_codes(write_case):
    good = run_cli("analyse", str(write_case(VALID_SCENARIOS[0][1]["case"])))
    assert good.returncode == 0 and json.loads(good.stdout)["rights"]
    bad_case = copy.deepcopy(VALID_SCENARIOS[0][1]["case"])
    bad_case["benefit"] = "licorne"
    bad = run_cli("analyse", str(write_case(bad_case, "bad.json")))
    assert bad.returncode == 2 and "Prestation (benefit)" in bad.stderr and "Traceback" not in bad.stderr
    usage = run_cli("analyse")
    assert usage.returncode == 2 and "commande invalide" in usage.stderr


def test_output_is_deterministic(write_case):
    path = str(write_case(VALID_SCENARIOS[0][1]["case"]))
    assert run_cli("analyse", path).stdout == run_cli("analyse", path).stdout
