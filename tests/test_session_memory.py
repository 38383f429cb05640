"""The server-memory store of answers: time limit, unguessable keys, deletion, no disk;
and the answers file (« Télécharger mes réponses » / « Reprendre »)."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.law import interview as iv
from assistant.pages import session_memory
from assistant.law.model import InvalidCase
from assistant.pages.session_memory import MemoryStore
from tests.conftest import SCENARIOS_DIR, spy_writes

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "assistant" / "app.py")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_lives_its_time_after_the_last_save_then_is_gone() -> None:
    clock = Clock()
    store = MemoryStore(ttl=7200, clock=clock)
    store.save("k", {"answers": {"benefit": "rsa"}})
    clock.now += 7199
    assert store.load("k") == {"answers": {"benefit": "rsa"}}
    store.save("k", {"answers": {"benefit": "aah"}})  # a new save restarts the clock
    clock.now += 7199
    assert store.load("k")["answers"] == {"benefit": "aah"}
    clock.now += 1
    assert store.load("k") is None and len(store) == 0


def test_a_snapshot_is_a_copy() -> None:
    store = MemoryStore(ttl=60)
    answers = {"decision.date": dt.date(2026, 10, 2)}
    store.save("k", {"answers": answers})
    answers["decision.date"] = None
    loaded = store.load("k")
    assert loaded["answers"]["decision.date"] == dt.date(2026, 10, 2)
    loaded["answers"].clear()
    assert store.load("k")["answers"]


def test_delete_and_unknown_keys() -> None:
    store = MemoryStore(ttl=60)
    store.save("k", {"answers": {"x": 1}})
    store.delete("k")
    store.delete("never-saved")
    store.delete(None)
    assert store.load("k") is None and store.load(None) is None and store.load("") is None
    assert "k" not in store


def test_keys_are_random_and_long_enough() -> None:
    keys = {session_memory.new_key() for _ in range(2000)}
    assert len(keys) == 2000
    for key in list(keys)[:50]:
        assert len(key) >= 22 and key.replace("-", "").replace("_", "").isalnum()  # URL-safe, ≥ 128 bits
    assert session_memory.KEY_BYTES * 8 >= 128


def test_the_store_cannot_grow_without_limit() -> None:
    store = MemoryStore(ttl=60, max_entries=3)
    for index in range(5):
        store.save(f"k{index}", {"n": index})
    assert len(store) == 3 and store.load("k0") is None and store.load("k4") == {"n": 4}


@pytest.mark.parametrize("raw, hours", [("", 2), ("0,5", 0.5), ("6", 6), ("n'importe quoi", 2)])
def test_time_limit_from_the_environment(monkeypatch, raw: str, hours: float) -> None:
    monkeypatch.setenv("MESDROITS_MEMORY_HOURS", raw)
    assert session_memory.ttl_from_environment() == hours * 3600


# --- In the app -------------------------------------------------------------------------


def scenario_case() -> dict:
    path = sorted(SCENARIOS_DIR.glob("*.json"))[0]
    return json.loads(path.read_text(encoding="utf-8"))["case"]


def started_app(query: dict | None = None) -> AppTest:
    """The app on its questions page (AppTest does not rerun the app around its default page)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    return at.button(key="nav.start").click().run()


def give(at: AppTest, answers: dict) -> None:
    """Answers put straight into the session, then a run (the widgets are not under test here)."""
    at.session_state["answers"] = answers
    at.run()


def test_answers_are_restored_from_memory_by_the_key_and_cleared_with_it() -> None:
    answers = iv.answers_from_case(scenario_case())
    first = started_app()
    first.toggle(key="w.mediator").set_value(True).run()
    first.radio(key="w.lang").set_value("en").run()
    give(first, answers)
    key = first.session_state["memory_key"]
    assert session_memory.STORE.load(key)["answers"] == answers

    # A reload is a new session with the same URL.
    again = started_app({"s": key})
    assert again.session_state["answers"] == answers
    assert again.session_state["mediator"] is True and again.session_state["lang"] == "en"

    again.button(key="nav.clear").click().run()
    assert session_memory.STORE.load(key) is None
    assert "memory_key" not in again.session_state and not again.session_state["answers"]
    later = AppTest.from_file(APP, default_timeout=60)
    later.query_params["s"] = key
    later.query_params["lang"] = "en"
    later.run()
    assert not later.session_state["answers"] if "answers" in later.session_state else True
    assert any("no longer in memory" in str(e.value) for e in later.info)  # said in English, as chosen


def test_a_guessed_key_finds_nothing() -> None:
    at = started_app({"s": session_memory.new_key()})
    assert not at.session_state["answers"]
    assert "memory_key" not in at.session_state


def test_nothing_is_written_to_disk_during_a_session(monkeypatch, tmp_path) -> None:
    """No file opened for writing, and no new file in the working tree or the temp folder."""
    def listing() -> set[Path]:
        return {p for p in ROOT.rglob("*") if not {".git", ".venv", "__pycache__", "test-artifacts", ".pytest_cache"} & set(p.parts)}

    answers = iv.answers_from_case(scenario_case())
    at = started_app()
    fresh_tmp = tmp_path / "tmp"
    fresh_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(fresh_tmp))
    before = listing()
    written = spy_writes(monkeypatch)
    give(at, answers)
    key = at.session_state["memory_key"]
    again = started_app({"s": key})
    assert again.session_state["answers"] == answers
    again.button(key="nav.clear").click().run()
    monkeypatch.undo()
    assert not written, written
    assert not list(fresh_tmp.iterdir())
    new_files = listing() - before
    assert not new_files, new_files


# --- The answers file -------------------------------------------------------------------


def test_the_answers_file_is_a_case_file_that_resumes_to_the_same_answers() -> None:
    from assistant.law.model import parse_case
    from assistant.pages import common

    case = scenario_case()
    answers = iv.answers_from_case(case)
    at = started_app()
    give(at, answers)
    assert at.session_state["answers"] == answers
    data = json.loads(json.dumps(iv.case_dict(answers)))
    parse_case(data)  # a complete file is a valid case file
    resumed = common.answers_from_file(json.dumps(data).encode())
    assert iv.case_dict(resumed) == iv.case_dict(answers)  # hidden questions aside, the same answers


@pytest.mark.parametrize("raw, words", [
    (b"\x00\xff not json", "n'est pas un fichier de réponses"),
    (b"[1, 2]", "ne contient pas de réponses"),
    (b"{}", "ne contient pas de réponses"),
    (json.dumps({"benefit": "rsa", "claimant": {"nom": "x"}}).encode(), "ne peut pas être repris"),
    (b" " * 300_000, "trop gros"),
])
def test_a_file_that_is_not_an_answers_file_gets_a_french_message(raw: bytes, words: str) -> None:
    from assistant.pages import common

    with pytest.raises(InvalidCase) as error:
        common.answers_from_file(raw)
    assert words in " ".join(error.value.messages)


def test_a_file_made_halfway_resumes_halfway() -> None:
    from assistant.pages import common

    partial = {"organism": {"kind": "caf"}, "benefit": "rsa", "decision": {"received": True}}
    answers = common.answers_from_file(json.dumps(partial).encode())
    assert answers["organism.kind"] == "caf" and answers["benefit"] == "rsa"
    assert "context.after_control" not in answers and "claimant.last_name" not in answers
