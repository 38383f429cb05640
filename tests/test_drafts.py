"""In-progress answers in the store's database (assistant/casefiles/drafts.py): saved and
loaded by key from any process, sealed, deleted once expired or erased, bounded; on the
embedded SQLite file and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from sqlalchemy import select

from assistant.casefiles import drafts as drafts_module
from assistant.casefiles.drafts import Drafts, key_hash
from assistant.casefiles.service import open_store
from assistant.casefiles.tables import DraftRow
from tests.pg import _as_server_user, _bin, temporary_postgres

SECRET = "Ophélie-Zanzibar-Quetzalcoatl"       # a distinctive answer, looked for in the raw data


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def postgres_url():
    with temporary_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'drafts.sqlite3'}"
    url = request.getfixturevalue("postgres_url")
    store = open_store(url)
    with store.write() as session:
        session.query(DraftRow).delete()
    return url


def snapshot(**answers) -> dict:
    return {"answers": answers, "step": "decision", "lang": "fr", "mediator": False}


def test_save_and_load_keep_every_value_and_its_type(url) -> None:
    drafts = Drafts(open_store(url), ttl=60)
    saved = snapshot(**{"claimant.last_name": SECRET, "decision.date": dt.date(2026, 10, 2),
                        "benefit": "rsa", "n": 3, "flag": True, "list": ["a", "b"], "none": None})
    assert drafts.save("key-1", saved)
    assert drafts.load("key-1") == saved
    assert drafts.load("key-1")["answers"]["decision.date"] == dt.date(2026, 10, 2)
    assert drafts.load("another") is None and drafts.load(None) is None and drafts.load("") is None


def test_two_processes_on_the_same_database_see_the_same_drafts(url) -> None:
    """Two stores (their own engines and connections) are two app processes."""
    first, second = Drafts(open_store(url), ttl=60), Drafts(open_store(url), ttl=60)
    first.save("k", snapshot(benefit="rsa"))
    assert second.load("k")["answers"] == {"benefit": "rsa"}
    second.save("k", snapshot(benefit="aah"))
    assert first.load("k")["answers"] == {"benefit": "aah"}
    first.delete("k")
    assert second.load("k") is None


def test_a_draft_lives_its_time_after_the_last_save_then_is_deleted(url) -> None:
    clock = Clock()
    drafts = Drafts(open_store(url), ttl=7200, clock=clock)
    drafts.save("k", snapshot(benefit="rsa"))
    clock.advance(7199)
    assert drafts.load("k")["answers"] == {"benefit": "rsa"}
    drafts.save("k", snapshot(benefit="aah"))          # a new save restarts the clock
    clock.advance(7199)
    assert drafts.load("k")["answers"] == {"benefit": "aah"}
    clock.advance(1)
    assert drafts.load("k") is None and len(drafts) == 0
    with drafts.store.read() as session:          # deleted, not hidden
        assert session.scalar(select(DraftRow).where(DraftRow.key_hash == key_hash("k"))) is None


def test_expired_drafts_are_deleted_by_the_next_save_and_by_the_purge(url) -> None:
    clock = Clock()
    drafts = Drafts(open_store(url), ttl=60, clock=clock)
    drafts.save("old-1", snapshot(a=1))
    drafts.save("old-2", snapshot(a=2))
    clock.advance(61)
    drafts.save("new", snapshot(a=3))                 # the sweep of a save
    with drafts.store.read() as session:
        assert set(session.scalars(select(DraftRow.key_hash))) == {key_hash("new")}
    clock.advance(61)
    assert drafts.purge() == 1 and drafts.purge() == 0
    with drafts.store.read() as session:
        assert list(session.scalars(select(DraftRow.key_hash))) == []


def test_erase_deletes_the_row(url) -> None:
    drafts = Drafts(open_store(url), ttl=60)
    drafts.save("k", snapshot(x=1))
    drafts.delete("k")
    drafts.delete("never-saved")
    drafts.delete(None)
    assert "k" not in drafts and drafts.load("k") is None
    with drafts.store.read() as session:
        assert session.get(DraftRow, key_hash("k")) is None


def test_the_store_cannot_grow_without_limit_and_never_drops_answers(url) -> None:
    drafts = Drafts(open_store(url), ttl=60, max_drafts=3)
    # A session without answers is never stored: a flood of them writes nothing.
    for index in range(20):
        assert not drafts.save(f"empty{index}", snapshot())
    assert len(drafts) == 0
    assert all(drafts.save(f"k{index}", snapshot(n=index)) for index in range(3))
    # Full: a new key is refused; the drafts with answers are all kept, and still updated.
    with pytest.raises(drafts_module.DraftsFull):
        drafts.save("k3", snapshot(n=3))
    assert drafts.load("k3") is None
    assert [drafts.load(f"k{index}")["answers"] for index in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert drafts.save("k0", snapshot(n=10)) and drafts.load("k0")["answers"] == {"n": 10}
    drafts.delete("k1")
    assert drafts.save("k3", snapshot(n=3)) and len(drafts) == 3


def test_the_raw_key_is_never_stored(url) -> None:
    drafts = Drafts(open_store(url), ttl=60)
    key = drafts_module.__name__ + "-a-long-random-key-0123456789"
    drafts.save(key, snapshot(x=1))
    with drafts.store.read() as session:
        rows = list(session.scalars(select(DraftRow)))
    assert [row.key_hash for row in rows] == [key_hash(key)] and key not in rows[0].sealed


@pytest.mark.parametrize("raw, hours", [("", 2), ("0,5", 0.5), ("6", 6), ("n'importe quoi", 2)])
def test_time_limit_from_the_environment(monkeypatch, raw: str, hours: float) -> None:
    monkeypatch.setenv("MESDROITS_MEMORY_HOURS", raw)
    assert drafts_module.ttl_from_environment() == hours * 3600


def test_the_sqlite_file_holds_no_answer_in_clear(tmp_path) -> None:
    path = tmp_path / "raw.sqlite3"
    drafts = Drafts(open_store(f"sqlite:///{path}"), ttl=60)
    key = "raw-key-that-must-not-be-stored-anywhere"
    drafts.save(key, snapshot(**{"claimant.last_name": SECRET}))
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("raw.sqlite3*"))   # the file and its WAL
    assert key_hash(key).encode() in raw, "nothing written"
    for value in (SECRET, key):
        for encoded in {value.encode("utf-8"), value.encode("utf-16-le")}:
            assert encoded not in raw, value
    assert drafts.load(key)["answers"]["claimant.last_name"] == SECRET


def test_a_postgresql_dump_holds_no_answer_in_clear(postgres_url) -> None:
    from sqlalchemy.engine import make_url

    drafts = Drafts(open_store(postgres_url), ttl=60)
    key = "raw-key-that-must-not-be-stored-anywhere"
    drafts.save(key, snapshot(**{"claimant.last_name": SECRET}))
    url = make_url(postgres_url)
    command = [_bin("pg_dump"), "-U", url.username or "postgres", "-d", url.database,
               "-h", url.query.get("host") or url.host or "localhost", *(["-p", str(url.port)] if url.port else [])]
    env = {"PGPASSWORD": url.password} if url.password else {}
    dump = subprocess.run(_as_server_user(command), check=True, capture_output=True, text=True,
                          env={**__import__("os").environ, **env}).stdout
    assert key_hash(key) in dump, "the draft is not in the dump"
    assert SECRET not in dump and key not in dump
    assert drafts.load(key)["answers"]["claimant.last_name"] == SECRET


def test_cases_purge_and_migrate_delete_the_expired_drafts(tmp_path) -> None:
    """The operator's purge (`cases purge`, and `migrate` at each start) deletes expired
    drafts, and only those."""
    from tests.conftest import run_cli

    env = {"MESDROITS_DATA_DIR": str(tmp_path / "data"), "MESDROITS_KEY": "", "DATABASE_URL": ""}
    url = f"sqlite:///{tmp_path / 'data' / 'mesdroits.sqlite3'}"
    (tmp_path / "data").mkdir(mode=0o700)
    import os

    old = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        clock = Clock()
        clock.now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
        Drafts(open_store(url), ttl=3600).save("live", snapshot(x=3))
        past = Drafts(open_store(url), ttl=60, clock=clock)
        past.save("expired-1", snapshot(x=1))
        past.save("expired-2", snapshot(x=2))
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    purged = run_cli("cases", "purge", env=env)
    assert purged.returncode == 0 and "2 réponse(s) en cours expirée(s) effacée(s)" in purged.stderr, purged.stderr
    clock.now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
    past.save("expired-3", snapshot(x=4))
    migrated = run_cli("migrate", env=env)
    assert migrated.returncode == 0 and "1 réponse(s) en cours expirée(s)" in migrated.stderr, migrated.stderr
    with past.store.read() as session:
        assert list(session.scalars(select(DraftRow.key_hash))) == [key_hash("live")]
