"""`python -m assistant refs check` (assistant/letters/refs_health.py): stale entries under a frozen
clock, what a corrected entry changes and touches, French errors for bad input."""

from __future__ import annotations

import datetime as dt
import json
import types

import pytest
import yaml

from assistant.law.legal_refs import load_refs
from assistant.letters.refs_health import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_STALE,
    RefsInputError,
    affected_saved_letters,
    check,
    format_report,
    load_changed,
)

from .conftest import VALID_SCENARIOS, run_cli

REFS = load_refs()
OLDEST = min(r.verified_on for r in REFS.values())
NEWEST = max(r.verified_on for r in REFS.values())


def _entry(ref_id: str, **changes) -> dict:
    data = REFS[ref_id].model_dump(mode="json", exclude_none=True)
    data.update(changes)
    return data


def _write(tmp_path, entries, name="corrections.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_frozen_clock_makes_one_entry_stale_and_names_it():
    old = REFS["crpa-L211-5"].model_copy(update={"verified_on": NEWEST - dt.timedelta(days=400)})
    refs = {**REFS, "crpa-L211-5": old}
    report = check(NEWEST + dt.timedelta(days=1), 365, refs=refs)
    assert report.stale == ["crpa-L211-5"] and report.exit_code == EXIT_STALE
    status = next(s for s in report.refs if s.id == "crpa-L211-5")
    assert status.age_days == 401 and status.stale
    line = next(x for x in format_report(report).splitlines() if x.startswith("crpa-L211-5 "))
    assert "À REVÉRIFIER" in line
    assert "1 à revérifier" in format_report(report)


def test_every_reference_is_listed_with_where_it_is_used():
    report = check(NEWEST, 365)
    assert [s.id for s in report.refs] == list(REFS) and report.exit_code == EXIT_OK
    used = {s.id: s.usages for s in report.refs}
    paragraphs = {u.where for u in used["crpa-L211-2"] if u.kind == "paragraph"}
    assert {"appeal.reasons", "explanation_request.reasons"} <= paragraphs
    assert any(u.kind == "sentence" and u.where == "fact.reasons.category" for u in used["crpa-L211-2"])
    assert any(u.kind == "module" and u.where.startswith("assistant/law/appeals.py") for u in used["css-R142-1"])
    # An id reached only through a catalogue token is found by running the engine.
    assert any(u.kind == "paragraph" and u.via == "@appeal.statement" and u.where == "appeal.own_words"
               for u in used["casf-R262-88"])


def test_changed_entry_names_the_fields_and_the_paragraphs(tmp_path):
    corrected = _entry("crpa-L211-5", summary="La motivation est écrite & complète.", verified_on="2027-01-10")
    same = _entry("crpa-L211-2")
    new = _entry("crpa-L211-5", id="crpa-L211-7", article="L. 211-7")
    report = check(NEWEST, 365, _write(tmp_path, [corrected, same, new]))
    assert report.unchanged == ["crpa-L211-2"]
    change = next(c for c in report.changed if c.id == "crpa-L211-5")
    assert not change.new and [f.field for f in change.changes] == ["summary", "verified_on"]
    assert change.changes[0].after == "La motivation est écrite & complète."
    where = {u.where for u in change.usages if u.kind == "paragraph"}
    assert {"appeal.reasons", "explanation_request.reasons", "reminder.renew_reasons"} <= where
    assert next(c for c in report.changed if c.id == "crpa-L211-7").new
    text = format_report(report)
    assert "crpa-L211-5 — modifiée" in text and "verified_on : " in text and "appeal.reasons" in text


def test_affected_saved_letters_reads_the_store_api():
    letter = types.SimpleNamespace(refs=["crpa-L211-2", "crpa-L211-5"], letter_id="appeal", number=2, status="sent")
    other = types.SimpleNamespace(refs=["rgpd-15"], letter_id="document_access", number=1, status="draft")
    store = types.SimpleNamespace(list=lambda: [types.SimpleNamespace(id="c1")],
                                  letters=lambda case_id: [letter, other])
    hits = affected_saved_letters(store, ["crpa-L211-5"])
    assert [(h.case_id, h.letter_id, h.number, h.status, h.refs) for h in hits] == [
        ("c1", "appeal", 2, "sent", ["crpa-L211-5"])]


def test_affected_saved_letters_on_a_real_store(tmp_path):
    from assistant.law.analysis import analyse
    from assistant.letters import build_letters
    from assistant.law.model import parse_case
    from assistant.casefiles.service import open_store

    store = open_store(f"sqlite:///{tmp_path / 'refs.sqlite3'}")
    case = parse_case(VALID_SCENARIOS[0][1]["case"])
    letter = build_letters(case, analyse(case))[0]
    case_id = store.save(case)
    store.add_letter(case_id, letter.model_dump(mode="json"))
    hits = affected_saved_letters(store, [letter.cites[0]])
    assert [(h.case_id, h.letter_id) for h in hits] == [(case_id, letter.id)]
    assert affected_saved_letters(store, ["rgpd-80"]) == [] or "rgpd-80" in letter.cites


@pytest.mark.parametrize("content,expected", [
    ("- id: crpa-L211-5\n  verified_on: hier\n", "champ « verified_on » : date invalide"),
    ("- id: crpa-L211-5\n  code: x\n", "champ « article » : champ obligatoire absent"),
    ("id: crpa-L211-5\n", "une liste d'entrées"),
    ("- [\n", "pas un YAML valide"),
])
def test_invalid_corrections_are_named_in_french(tmp_path, content, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RefsInputError) as error:
        load_changed(path)
    assert expected in str(error.value) and "bad.yaml" in str(error.value)


def test_exit_code_is_0_when_nothing_is_stale():
    limit = (NEWEST - OLDEST).days + 30
    report = check(NEWEST, limit)
    assert report.stale == [] and report.exit_code == EXIT_OK
    assert "À REVÉRIFIER" not in format_report(report)


def test_cli_frozen_today_makes_entries_stale():
    late = OLDEST + dt.timedelta(days=366)
    stale = run_cli("refs", "check", "--today", late.isoformat(), "--json")
    assert stale.returncode == EXIT_STALE, stale.stderr
    report = json.loads(stale.stdout)
    oldest = [r.id for r in REFS.values() if r.verified_on == OLDEST]
    assert set(oldest) <= set(report["stale"])
    assert all(r["stale"] == (r["age_days"] > 365) for r in report["refs"])


def test_cli_changed_file_and_errors(tmp_path):
    path = _write(tmp_path, [_entry("crpa-L211-5", summary="Nouveau résumé.")])
    limit = (NEWEST - OLDEST).days + 30
    done = run_cli("refs", "check", "--today", NEWEST.isoformat(), "--max-age-days", str(limit), "--changed", str(path))
    assert done.returncode == EXIT_OK, done.stderr
    assert "crpa-L211-5 — modifiée" in done.stdout and "explanation_request.reasons" in done.stdout
    missing = run_cli("refs", "check", "--changed", str(tmp_path / "absent.yaml"))
    assert missing.returncode == EXIT_INVALID
    assert "absent.yaml : fichier introuvable" in missing.stderr and "Traceback" not in missing.stderr
    bad_day = run_cli("refs", "check", "--today", "2026-02-30")
    assert bad_day.returncode == EXIT_INVALID and "--today : date invalide" in bad_day.stderr
    alone = run_cli("refs", "check", "--saved")
    assert alone.returncode == EXIT_INVALID and "--saved" in alone.stderr
    helped = run_cli("refs", "check", "--help")
    assert helped.returncode == 0 and "Codes de sortie" in helped.stdout and "3 au moins" in helped.stdout


def test_a_correction_with_yaml_aliases_or_without_end_is_refused_at_once(tmp_path):
    """A few hundred bytes of nested aliases would expand to billions of values, and
    /dev/zero never ends: both are refused before anything is expanded or read whole."""
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]" for i in range(8)]
    bomb = tmp_path / "bombe.yaml"
    bomb.write_text("\n".join(laughs) + "\n", encoding="utf-8")
    refused = run_cli("refs", "check", "--changed", str(bomb), timeout=60)
    assert refused.returncode == EXIT_INVALID, refused.stderr
    assert "bombe.yaml : ligne 2, les références YAML" in refused.stderr and "Traceback" not in refused.stderr
    endless = run_cli("refs", "check", "--changed", "/dev/zero", timeout=60)
    assert endless.returncode == EXIT_INVALID and "fichier trop volumineux" in endless.stderr, endless.stderr
    folder = run_cli("refs", "check", "--changed", str(tmp_path))
    assert folder.returncode == EXIT_INVALID and "c'est un dossier" in folder.stderr, folder.stderr
