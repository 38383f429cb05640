"""The command line never shows a traceback: valid cases analyse, garbage exits 2 in French."""

import copy
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cli.main import main
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


# --- Hostile inputs (issue 16): a French message and exit 2, never « Erreur interne » ----------


def run_bounded(*args: str, timeout: float = 30, memory: int = 1536 * 1024 * 1024):
    """The command in a process that may not take more than `memory` bytes nor `timeout`
    seconds, so that a regression fails the test instead of holding the machine."""
    import os
    import resource
    import subprocess
    import sys

    from tests.conftest import ROOT

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_device_that_never_ends_is_refused_before_reading_it_whole():
    result = run_bounded("analyse", "/dev/zero")
    assert result.returncode == 2 and "fichier trop volumineux" in result.stderr and "/dev/zero" in result.stderr


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi"))


def test_yaml_aliases_are_refused_at_once(tmp_path):
    path = tmp_path / "rires.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    assert len(BILLION_LAUGHS) < 400
    result = run_bounded("analyse", str(path), timeout=20)
    assert result.returncode == 2, result.stderr
    assert "ligne 2 : les références YAML" in result.stderr and str(path) in result.stderr


def _huge_number(case: dict, *keys: str) -> dict:
    case = copy.deepcopy(case)
    target = case
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = 0   # replaced in the text: Python cannot even write a 5,000-digit int by default
    return case


def test_a_5000_digit_number_names_its_field(tmp_path, capsys):
    base = VALID_SCENARIOS[0][1]["case"]
    for keys, expected in ((("context", "amount_eur"), "context.amount_eur"),
                           (("claimant", "file_number"), "claimant.file_number")):
        text = json.dumps(_huge_number(base, *keys), ensure_ascii=False)
        text = text.replace(f'"{keys[-1]}": 0', f'"{keys[-1]}": {"9" * 5000}')
        for suffix in (".json", ".yaml"):
            path = tmp_path / f"nombre{suffix}"
            path.write_text(text, encoding="utf-8")   # JSON is YAML too
            code, out, err = call(capsys, path)
            assert code == 2 and expected in err and "Erreur interne" not in err, err


def test_a_folder_named_like_a_file_is_refused(tmp_path, capsys):
    for name in ("x.csv", "x.xlsx"):
        folder = tmp_path / name
        folder.mkdir()
        for command in (["batch", str(folder), "--out", str(tmp_path / "out")], ["stats", str(folder)]):
            code = main(command)
            _, err = capsys.readouterr()
            assert code == 2 and "c'est un dossier, pas un fichier" in err and str(folder) in err, err
    folder = tmp_path / "dossier.json"
    folder.mkdir()
    code, _, err = call(capsys, folder)
    assert code == 2 and "c'est un dossier" in err


def test_corrupt_workbooks_are_refused_in_french(tmp_path, capsys):
    import re
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["claimant.last_name", "benefit"])
    book.active.append(["Benali", "rsa"])
    good = tmp_path / "bon.xlsx"
    book.save(good)
    damages = {
        "chiffres.xlsx": lambda data: re.sub(rb'<c r="A1"[^>]*>.*?</c>', b'<c r="A1"><v>' + b"9" * 5000 + b"</v></c>", data),
        "tronque.xlsx": lambda data: data[: len(data) // 2],
    }
    for name, damage in damages.items():
        path = tmp_path / name
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                dst.writestr(item, damage(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
        for command in (["batch", str(path), "--out", str(tmp_path / f"out-{name}")], ["stats", str(path)]):
            code = main(command)
            _, err = capsys.readouterr()
            assert code == 2 and "ligne 1" in err and "Erreur interne" not in err, (name, err)
    (tmp_path / "casse.xlsx").write_bytes(good.read_bytes()[:300])
    code = main(["stats", str(tmp_path / "casse.xlsx")])
    assert code == 2 and "classeur Excel" in capsys.readouterr().err


def test_stats_into_a_folder_is_refused(tmp_path, capsys):
    from tests.test_batch import spreadsheet_rows, write_csv

    source = tmp_path / "dossiers.csv"
    write_csv(source, spreadsheet_rows()[:2])
    code = main(["stats", str(source), "--csv", str(tmp_path)])
    assert code == 2 and "écriture impossible" in capsys.readouterr().err
