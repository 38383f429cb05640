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


def _record_many(url: str, case_id: str, letters: list[tuple[str, str]]) -> None:
    from assistant.store import Store

    store = Store(url)
    for letter_id, day in letters:
        store.record_sent(case_id, letter_id, dt.date.fromisoformat(day))


def test_concurrent_writers_never_lose_an_update(store):
    """Two processes recording letters on the same case at once: every history date and
    every event is kept (before: 47 of 50 races lost one on SQLite, 50 of 50 on PostgreSQL)."""
    import multiprocessing

    case_id = store.save(CASE)
    url = store.engine.url.render_as_string(hide_password=False)
    first = [("explanation_request", "2026-11-20")] * 15
    second = [("document_access", "2026-11-21")] * 15
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_record_many, args=(url, case_id, batch)) for batch in (first, second)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    saved = store.get(case_id)
    history = saved.case.history
    assert history.explanation_requested_on == dt.date(2026, 11, 20)
    assert history.documents_requested_on == dt.date(2026, 11, 21)
    assert len(saved.events) == 30 and saved.version == 31


def test_a_stale_edit_is_refused(store):
    from assistant.store import Conflict

    case_id = store.save(CASE)
    version = store.get(case_id).version
    store.save(CASE, case_id, expected_version=version)
    with pytest.raises(Conflict):
        store.save(CASE, case_id, expected_version=version)


def test_embedded_database_is_private_and_outside_the_code(monkeypatch, tmp_path):
    import os
    import stat

    from assistant.store import ROOT, database_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("MESDROITS_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    url = database_url()
    path = tmp_path / "share" / "mes-droits-face-a-l-algorithme" / "mesdroits.sqlite3"
    assert url == f"sqlite:///{path}" and ROOT not in path.parents
    Store(url).save(CASE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_migrations_upgrade_a_database_made_before_them(tmp_path):
    """A database made by the old create_all (no version column, no alembic table) is
    upgraded in place, its cases kept."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE case_files (id VARCHAR(36) PRIMARY KEY, created_at DATETIME, updated_at DATETIME, case_json JSON)")
        conn.exec_driver_sql("CREATE TABLE case_events (id INTEGER PRIMARY KEY, case_id VARCHAR(36), kind VARCHAR(40), letter_id VARCHAR(40), \"on\" DATE, letter_json JSON)")
        conn.execute(sa.text("INSERT INTO case_files VALUES ('old', '2026-01-01 00:00:00', '2026-01-01 00:00:00', :j)"),
                     {"j": CASE.model_dump_json()})
    store = Store(url)
    assert store.get("old").version == 1
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from assistant.store import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == ScriptDirectory.from_config(config).get_current_head()
