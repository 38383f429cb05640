"""`python -m assistant refs check --legi PATH` (assistant/letters/refs_legi.py) on a tiny
LEGI-like code (tests/legi/: the CSS with four articles): one in force as verified, one
modified since, one abrogated, one whose text changed under the same version id."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from assistant.law.legal_refs import load_refs
from assistant.letters.refs_health import EXIT_INVALID, EXIT_STALE
from assistant.letters.refs_legi import check_legi, fingerprint, load_legi

from .conftest import run_cli

FIXTURE = Path(__file__).parent / "legi"
TODAY = "2026-12-06"


def _legi_report() -> dict:
    done = run_cli("refs", "check", "--legi", str(FIXTURE), "--today", TODAY, "--json", timeout=180)
    assert done.returncode == EXIT_STALE, done.stderr
    return json.loads(done.stdout)


def test_each_kind_of_change_is_flagged_with_the_paragraphs_that_use_the_entry():
    report = _legi_report()
    legi = report["legi"]
    kinds = {(f["id"], f["kind"]) for f in legi["findings"]}
    # css-L142-4: the version cited is in force and its text is the one verified.
    assert not [f for f in legi["findings"] if f["id"] == "css-L142-4"]
    assert ("css-L114-17", "not_in_force") in kinds
    modified = next(f for f in legi["findings"] if f["id"] == "css-L114-17")
    assert modified["cited"] == "LEGIARTI000046811198" and modified["current"] == "LEGIARTI000099999901"
    assert modified["current_since"] == "2026-01-01"
    assert ("css-L553-1", "not_in_force") in kinds             # abrogated on 1 July 2026
    assert ("css-L114-17-2", "text_changed") in kinds          # same version id, other text
    assert {"css-L114-17", "css-L553-1", "css-L114-17-2"} <= set(report["legi"]["checked"])
    # Another code's entries are not compared, and say so.
    assert "Code du travail" in legi["not_covered"] and not any(i.startswith("ct-") for i in legi["checked"])
    # The usages come with the report: the paragraphs a maintainer must re-read.
    usages = {s["id"]: s["usages"] for s in report["refs"]}
    assert any(u["kind"] == "paragraph" for u in usages["css-L553-1"])


def test_the_text_report_names_the_change_and_where_the_entry_is_used():
    done = run_cli("refs", "check", "--legi", str(FIXTURE), "--today", TODAY, timeout=180)
    assert done.returncode == EXIT_STALE, done.stderr
    out = done.stdout[done.stdout.index("Comparaison avec la base LEGI"):]
    block = out[out.index("  css-L114-17 — "):]
    block = block[:block.index("\n  css-", 1)]
    assert "version plus en vigueur" in block and "LEGIARTI000099999901 depuis le 01/01/2026" in block
    assert "Employée :" in block and "modules : assistant/law/rights.py" in block
    assert re.search(r"css-L114-17-2 — .*\n    texte modifié depuis la vérification", out)
    assert "Base LEGI :" in out.splitlines()[-1] and "css-L553-1" in out.splitlines()[-1]


def test_an_entry_is_compared_on_the_day_asked():
    """Before its abrogation (and before the modification), nothing is said of those two."""
    refs = load_refs()
    report = check_legi(load_legi(FIXTURE), refs.values(), dt.date(2025, 6, 1))
    flagged = {(f.id, f.kind) for f in report.findings}
    assert ("css-L553-1", "not_in_force") not in flagged and ("css-L114-17", "not_in_force") not in flagged
    ends = {n.id for n in report.notices if n.kind == "ends"}
    assert {"css-L553-1", "css-L114-17"} <= ends


def test_a_verified_entry_gets_the_fingerprint_of_the_text_it_cites():
    entry = load_refs()["css-L142-4"]
    tree = json.loads((FIXTURE / "LEGITEXT000006073189.json").read_text(encoding="utf-8"))
    text = next(a["data"]["texte"] for a in tree["children"][0]["children"] if a["data"]["num"] == "L142-4")
    assert entry.text_fingerprint == fingerprint(text) == fingerprint("  " + text.replace(" ", "\n  "))


def test_a_path_without_legi_data_is_refused_in_french(tmp_path):
    missing = run_cli("refs", "check", "--legi", str(tmp_path / "absent"))
    assert missing.returncode == EXIT_INVALID and "introuvable" in missing.stderr
    empty = run_cli("refs", "check", "--legi", str(tmp_path))
    assert empty.returncode == EXIT_INVALID and "aucun code LEGI" in empty.stderr
    (tmp_path / "LEGITEXT000000000001.json").write_text("[1, 2", encoding="utf-8")
    broken = run_cli("refs", "check", "--legi", str(tmp_path))
    assert broken.returncode == EXIT_INVALID and "n'est pas un code" in broken.stderr
    assert "Traceback" not in broken.stderr
