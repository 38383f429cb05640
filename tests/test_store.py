"""Saved case files on SQLite (the default) and on a real PostgreSQL server."""

import copy
import datetime as dt

import pytest

from assistant.model import parse_case
from assistant.store import NotFound, Store
from tests.conftest import VALID_SCENARIOS
from tests.pg import temporary_postgres

CASE = parse_case(copy.deepcopy(VALID_SCENARIOS[0][1]["case"]))


@pytest.fixture(scope="module")
def postgres_url():
    with temporary_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    url = request.getfixturevalue("postgres_url")
    store = Store(url)
    for saved in store.list():
        store.delete(saved.id)
    return store


def test_save_get_roundtrip(store):
    case_id = store.save(CASE)
    saved = store.get(case_id)
    assert saved.case == CASE and saved.events == []
    assert saved.created_at.tzinfo is not None


def test_personal_text_survives_verbatim(store):
    case = CASE.model_copy(update={"claimant": CASE.claimant.model_copy(update={"last_name": "Nguyễn & <O'Brien> 😀"})})
    assert store.get(store.save(case)).case.claimant.last_name == "Nguyễn & <O'Brien> 😀"


def test_sent_letter_fills_history_and_drives_follow_ups(store):
    case_id = store.save(CASE)
    saved = store.record_sent(case_id, "explanation_request", dt.date(2026, 11, 10), letter={"paragraphs": ["…"]})
    assert saved.case.history.explanation_requested_on == dt.date(2026, 11, 10)
    assert [(e.kind, e.letter_id) for e in saved.events] == [("sent", "explanation_request")]
    export = store.export(case_id)
    assert "explanation_answer" in [d["id"] for d in export["analysis"]["deadlines"]]
    assert export["events"][0]["letter"] == {"paragraphs": ["…"]}


def test_delete_forgets_everything(store):
    case_id = store.save(CASE)
    store.record_sent(case_id, "appeal", dt.date(2026, 11, 20))
    store.delete(case_id)
    with pytest.raises(NotFound):
        store.get(case_id)
    assert case_id not in [s.id for s in store.list()]


def test_update_keeps_the_id(store):
    case_id = store.save(CASE)
    changed = CASE.model_copy(update={"benefit": CASE.benefit})
    assert store.save(changed, case_id) == case_id
    assert len([s for s in store.list() if s.id == case_id]) == 1


def test_unknown_id(store):
    with pytest.raises(NotFound):
        store.delete("nope")


def test_database_url_default_and_env(monkeypatch):
    from assistant.store import database_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url().startswith("sqlite:///") and database_url().endswith("mesdroits.sqlite3")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"


def test_sending_after_the_case_reference_date(store):
    case_id = store.save(CASE)
    later = CASE.reference_date + dt.timedelta(days=7)
    assert store.record_sent(case_id, "appeal", later).case.history.appeal_filed_on == later
