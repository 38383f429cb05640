"""Structured logs (assistant/core/logs.py): one JSON object per line, ids and counts only.
A full case with a distinctive name, address, file number and IBAN-like words goes through
the app, the command line and the store: none of it reaches a log line. An unexpected error
carries the id the person (or the CLI's user) is shown, and its traceback without message."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import logging
import re

import pytest

from assistant.core import logs
from tests.conftest import ROOT, run_cli

# What must never be logged: each piece of the person's data below.
PERSONAL = {
    "claimant": {"first_name": "Philomène", "last_name": "Zyxquorblat", "address": "77 impasse des Quetzals",
                 "postal_code": "44000", "city": "Nantes", "email": "zyxquorblat@example.org",
                 "phone": "0611223344", "file_number": "FN9988776655"},
    "own_words": "Mon IBAN FR7630006000011234567890189 a changé, voir dossier Zyxquorblat.",
}
LEAKS = ("Philomène", "Zyxquorblat", "Quetzals", "impasse", "zyxquorblat@", "0611223344", "FN9988776655",
         "9988776655", "FR76", "30006000011234567890189", "IBAN")


def distinctive_case() -> dict:
    case = json.loads((ROOT / "examples" / "amina-rsa.json").read_text(encoding="utf-8"))
    case["claimant"].update(PERSONAL["claimant"])
    case["context"]["own_words"] = PERSONAL["own_words"]
    return case


@pytest.fixture
def captured():
    """The project's log records, as the JSON lines an operator reads; set-up restored after."""
    root = logs.logger()
    before = (list(root.handlers), root.level, root.propagate)
    buffer = io.StringIO()
    logs.configure(stream=buffer)
    yield buffer
    for handler in list(root.handlers):
        root.removeHandler(handler)
        if handler not in before[0]:
            handler.close()
    for handler in before[0]:
        root.addHandler(handler)
    root.setLevel(before[1])
    root.propagate = before[2]


def lines_of(text: str) -> list[dict]:
    """Every line must be one JSON object with its time, level and event."""
    records = []
    for line in text.splitlines():
        record = json.loads(line)
        assert isinstance(record, dict) and {"ts", "level", "event", "logger"} <= set(record), line
        dt.datetime.fromisoformat(record["ts"])
        records.append(record)
    return records


def assert_no_personal_data(text: str) -> None:
    for leak in LEAKS:
        assert leak.lower() not in text.lower(), leak


# --- The formatter ----------------------------------------------------------------------------


def test_a_record_is_one_json_line_with_only_the_allowed_fields(captured):
    logs.event("letters_written", source="cli", letters=["appeal", "document_access"], format="pdf",
               case_id="3f2a9c1e-0000-4000-8000-000000000001",
               last_name="Zyxquorblat", city="Nantes")            # not allowed: dropped, named
    logs.event("letters_written", letter="Philomène Zyxquorblat")  # an id field with free text: dropped
    first, second = lines_of(captured.getvalue())
    assert first["event"] == "letters_written" and first["level"] == "info" and first["logger"] == "assistant.cli"
    assert first["letters"] == ["appeal", "document_access"] and first["format"] == "pdf"
    assert first["case_id"] == "3f2a9c1e-0000-4000-8000-000000000001"
    assert first["dropped"] == ["city", "last_name"] and "letter" not in second and second["dropped"] == ["letter"]
    assert_no_personal_data(captured.getvalue())


def test_arguments_merged_into_a_message_never_reach_the_line(captured):
    logging.getLogger("assistant.pages.closed_tabs").warning("sweep of %s failed", "Zyxquorblat")
    [record] = lines_of(captured.getvalue())
    assert record["event"] == "sweep of %s failed" and record["logger"] == "assistant.pages.closed_tabs"
    assert_no_personal_data(captured.getvalue())


def test_an_error_has_an_id_and_a_traceback_without_its_message(captured):
    def deep():
        raise ValueError("Zyxquorblat, 77 impasse des Quetzals")

    try:
        try:
            deep()
        except ValueError as inner:
            raise RuntimeError("FR7630006000011234567890189") from inner
    except RuntimeError as error:
        error_id = logs.error("page_error", error, source="app", page="questions")
    [record] = lines_of(captured.getvalue())
    assert re.fullmatch(r"[0-9A-F]{6}", error_id) and record["error_id"] == error_id
    assert record["level"] == "error" and record["page"] == "questions" and record["error_type"] == "RuntimeError"
    assert "in deep" in record["traceback"] and "builtins.ValueError" in record["traceback"]
    assert "builtins.RuntimeError" in record["traceback"] and "test_logs.py" in record["traceback"]
    assert_no_personal_data(captured.getvalue())


def test_timed_logs_the_duration_even_when_the_block_raises(captured):
    with pytest.raises(KeyError):
        with logs.timed("page_run", source="app", page="courriers") as fields:
            fields["signed_in"] = False
            raise KeyError("x")
    [record] = lines_of(captured.getvalue())
    assert record["page"] == "courriers" and record["signed_in"] is False and record["duration_ms"] >= 0


def test_the_destination_is_a_file_readable_by_its_owner_only(tmp_path, monkeypatch, captured):
    target = tmp_path / "logs" / "mesdroits.jsonl"
    monkeypatch.setenv(logs.DESTINATION, str(target))
    logs.configure(default="off")
    logs.event("app_start", version="0.1.0", pid=12)
    assert target.stat().st_mode & 0o777 == 0o600
    assert lines_of(target.read_text(encoding="utf-8"))[0]["event"] == "app_start"
    monkeypatch.setenv(logs.DESTINATION, "off")
    logs.configure()
    logs.event("app_start", version="0.1.0", pid=13)
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1


# --- A full case through the library, the command line and the app -------------------------------


def test_the_store_logs_ids_only(tmp_path, captured):
    from assistant.casefiles.service import open_store
    from assistant.law.analysis import analyse
    from assistant.law.model import parse_case
    from assistant.letters.build import build_letters

    case = parse_case(distinctive_case())
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    case_id = store.save(case)
    for letter in build_letters(case, analyse(case)):
        store.add_letter(case_id, letter.model_dump(mode="json"))
    records = lines_of(captured.getvalue())
    stored = [r for r in records if r["event"] == "letter_stored"]
    assert stored and {r["case_id"] for r in stored} == {case_id}
    assert {r["letter"] for r in stored} == {letter.id for letter in build_letters(case, analyse(case))}
    assert_no_personal_data(captured.getvalue())


def test_the_command_line_logs_ids_only_where_asked(tmp_path, write_case):
    case_file = write_case(distinctive_case())
    log = tmp_path / "cli.jsonl"
    env = {logs.DESTINATION: str(log)}
    assert run_cli("analyse", str(case_file), env=env).returncode == 0
    done = run_cli("letters", str(case_file), "--out", str(tmp_path / "out"), "--format", "both", env=env)
    assert done.returncode == 0, done.stderr
    rows = tmp_path / "cases.csv"
    flat = {"claimant.first_name": "Philomène", "claimant.last_name": "Zyxquorblat",
            "claimant.address": "77 impasse des Quetzals", "claimant.postal_code": "44000", "claimant.city": "Nantes",
            "claimant.file_number": "FN9988776655", "organism.kind": "caf", "benefit": "rsa",
            "situation": "suspension", "decision.received": "oui", "decision.date": "2026-10-02",
            "decision.received_on": "2026-10-06", "context.own_words": PERSONAL["own_words"], "today": "2026-11-23"}
    with rows.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(flat))
        writer.writeheader()
        writer.writerow(flat)
    batch = run_cli("batch", str(rows), "--out", str(tmp_path / "batch"), env=env)
    assert batch.returncode in (0, 2), batch.stderr
    text = log.read_text(encoding="utf-8")
    records = lines_of(text)
    assert [r["command"] for r in records if r["event"] == "command_done"] == ["analyse", "letters", "batch"]
    assert all(r["duration_ms"] > 0 and "exit_code" in r for r in records if r["event"] == "command_done")
    [written] = [r for r in records if r["event"] == "letters_written"]
    assert "appeal" in written["letters"] and written["format"] == "both"
    [batch_done] = [r for r in records if r["event"] == "batch_done"]
    assert batch_done["rows"] == 1
    assert_no_personal_data(text)
    # Without MESDROITS_LOG the command line writes no log line: its stderr is for people.
    quiet = run_cli("analyse", str(case_file), env={logs.DESTINATION: ""})
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_command_line_bug_shows_the_id_of_its_log_line(tmp_path, monkeypatch, capsys, captured):
    from assistant.cli import main as cli_main

    def broken(args):
        raise RuntimeError("Zyxquorblat FR7630006000011234567890189")

    monkeypatch.setattr(cli_main, "_analyse", broken)
    log = tmp_path / "cli.jsonl"
    monkeypatch.setenv(logs.DESTINATION, str(log))
    monkeypatch.delenv("MESDROITS_DEBUG", raising=False)
    assert cli_main.main(["analyse", "x.json"]) == 1
    shown = re.search(r"Erreur interne \(RuntimeError, erreur n° ([0-9A-F]{6})\)", capsys.readouterr().err)
    assert shown
    records = lines_of(log.read_text(encoding="utf-8"))
    [failed] = [r for r in records if r["event"] == "command_failed"]
    assert failed["error_id"] == shown.group(1) and "builtins.RuntimeError" in failed["traceback"]
    assert [r["exit_code"] for r in records if r["event"] == "command_done"] == [1]
    assert_no_personal_data(log.read_text(encoding="utf-8"))


def test_the_app_logs_page_runs_and_letters_with_ids_only(captured):
    from tests.test_app import new_app, walk_interview

    case = distinctive_case()
    at = new_app(dt.date.fromisoformat(case["today"]))
    walk_interview(at, case)
    at.button(key="to_rights").click().run()
    at.button(key="to_letters_top").click().run()
    assert not at.exception, at.exception
    text = captured.getvalue()
    records = lines_of(text)
    runs = [r for r in records if r["event"] == "page_run"]
    assert {"questions", "verifier", "droits", "courriers"} <= {r["page"] for r in runs}
    assert all(isinstance(r["duration_ms"], (int, float)) for r in runs)
    [built] = [r for r in records if r["event"] == "letters_built"]
    assert "appeal" in built["letters"]
    assert_no_personal_data(text)


def test_an_unexpected_page_error_shows_the_id_of_its_log_line(monkeypatch, captured):
    from assistant.law import interview as iv
    from tests.test_app import flatten, new_app, texts

    at = new_app()

    def broken(*args, **kwargs):
        raise RuntimeError("Zyxquorblat, 77 impasse des Quetzals")

    monkeypatch.setattr(iv, "visible_steps", broken)
    monkeypatch.delenv("MESDROITS_SHOW_ERRORS", raising=False)
    at.run()
    page = texts(at) + "\n".join(str(e.proto) for e in flatten(at._tree))
    shown = re.search(r"erreur n° ([0-9A-F]{6})\)\. Vos réponses sont gardées", page)
    assert shown, page
    [failed] = [r for r in lines_of(captured.getvalue()) if r["event"] == "page_error"]
    assert failed["error_id"] == shown.group(1) and failed["page"] == "questions"
    assert "pages/interview.py" in failed["traceback"]
    assert_no_personal_data(captured.getvalue())
