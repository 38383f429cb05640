"""The database roles of the deployment (deploy/postgres-roles.sh, run as the postgres image
runs its init scripts), on the real PostgreSQL of the tests: the owner runs the migrations;
the app's role runs every operation of the store but cannot create, drop or alter anything
and is no superuser; tables a later migration adds are open to the app too; the script can
run again (an older volume, a password change)."""

from __future__ import annotations

import datetime as dt
import glob
import os
import subprocess

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from assistant.casefiles.crypto import new_key
from assistant.casefiles.drafts import Drafts
from assistant.casefiles.service import open_store
from assistant.casefiles.store import Status
from tests.conftest import ROOT, run_cli
from tests.pg import temporary_postgres
from tests.test_store import CASE, _letter

SCRIPT = ROOT / "deploy" / "postgres-roles.sh"


def _as(url: str, role: str) -> str:
    """The same database, connecting as `role` (the tests' server trusts local connections:
    the privileges are what is checked here, the passwords are PostgreSQL's own business)."""
    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)


def run_roles_script(url: str) -> subprocess.CompletedProcess:
    """deploy/postgres-roles.sh with the environment the postgres image gives it."""
    parsed = make_url(url)
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    env = {**os.environ, "PATH": os.pathsep.join([*bins[-1:], os.environ["PATH"]]),
           "POSTGRES_USER": parsed.username or "postgres", "POSTGRES_DB": parsed.database,
           "MESDROITS_OWNER_PASSWORD": "owner-pw-1", "MESDROITS_APP_PASSWORD": "app'pw;2"}
    host = parsed.host or parsed.query.get("host")
    if host:
        env["PGHOST"] = host
    if parsed.port:
        env["PGPORT"] = str(parsed.port)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True, timeout=60, env=env)


@pytest.fixture(scope="module")
def database():
    """A fresh server, the roles made on its empty database (the image's first start), then
    the migrations run as the owner by `python -m assistant migrate` (the `migrate` service)."""
    with temporary_postgres() as url:
        done = run_roles_script(url)
        assert done.returncode == 0, done.stderr
        key = new_key()
        migrated = run_cli("migrate", env={"DATABASE_URL": _as(url, "mesdroits_owner"), "MESDROITS_KEY": key})
        assert migrated.returncode == 0, migrated.stderr
        yield url, key


def _refused(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        with pytest.raises(ProgrammingError, match="permission denied|must be owner"):
            with engine.begin() as connection:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def test_the_app_role_runs_the_stores_operations(database, monkeypatch):
    url, key = database
    monkeypatch.setenv("MESDROITS_KEY", key)
    store = open_store(_as(url, "mesdroits_app"))
    try:
        case_id = store.save(CASE)
        saved = store.get(case_id)
        assert saved.case == CASE
        store.save(CASE, case_id, expected_version=saved.version)
        letter = store.add_letter(case_id, _letter())
        store.record_sent(case_id, "appeal", dt.date.today(), letter=_letter())
        assert store.letters(case_id) and letter
        store.set_status(case_id, Status.closed)
        assert [c.id for c in store.list()] == [case_id]
        assert store.audit_trail(case_id)
        drafts = Drafts(store, ttl=60)
        assert drafts.save("une-clé", {"answers": {"benefit": "rsa"}})
        assert drafts.load("une-clé")["answers"] == {"benefit": "rsa"}
        drafts.delete("une-clé")
        drafts.purge()
        store.purge(days=0, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1))
        assert store.list() == []
    finally:
        store.close()
    # And the health check, as the app's container runs it.
    done = run_cli("health", env={"DATABASE_URL": _as(url, "mesdroits_app")})
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("statement", [
    "CREATE TABLE intruder (id int)",
    "DROP TABLE case_files",
    "ALTER TABLE case_files ADD COLUMN intruder text",
    "TRUNCATE audit_log",
    "CREATE INDEX intruder ON case_files (id)",
    "CREATE SCHEMA intruder",
    "UPDATE pg_authid SET rolsuper = true",
])
def test_the_app_role_cannot_change_the_schema(database, statement):
    url, _ = database
    _refused(_as(url, "mesdroits_app"), statement)


def test_the_app_role_is_no_superuser_and_owns_nothing(database):
    url, _ = database
    engine = create_engine(_as(url, "mesdroits_app"))
    with engine.connect() as connection:
        role = connection.execute(text("SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles "
                                       "WHERE rolname = current_user")).one()
        owned = connection.scalar(text("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                                       "WHERE r.rolname = 'mesdroits_app'"))
        tables = connection.scalars(text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")).all()
    engine.dispose()
    assert tuple(role) == (False, False, False, False) and owned == 0
    assert tables == ["mesdroits_owner"]


def test_a_table_of_a_later_migration_is_open_to_the_app(database):
    url, _ = database
    owner = create_engine(_as(url, "mesdroits_owner"))
    with owner.begin() as connection:   # what a migration 0008 would do, as the owner
        connection.execute(text("CREATE TABLE later_table (id serial PRIMARY KEY, note text)"))
    app = create_engine(_as(url, "mesdroits_app"))
    try:
        with app.begin() as connection:
            connection.execute(text("INSERT INTO later_table (note) VALUES ('x')"))
            connection.execute(text("UPDATE later_table SET note = 'y'"))
            assert connection.scalar(text("SELECT note FROM later_table")) == "y"
            connection.execute(text("DELETE FROM later_table"))
        _refused(_as(url, "mesdroits_app"), "DROP TABLE later_table")
    finally:
        with owner.begin() as connection:
            connection.execute(text("DROP TABLE later_table"))
        owner.dispose()
        app.dispose()


def test_the_script_runs_again_and_moves_an_older_volumes_tables_to_the_owner(database):
    """An older deployment: the superuser made the tables. The script hands them to the owner
    and opens them to the app; run twice, it changes nothing more and fails nowhere."""
    url, _ = database
    superuser = create_engine(url)
    with superuser.begin() as connection:
        connection.execute(text("CREATE TABLE old_table (id serial PRIMARY KEY)"))
    try:
        for _ in range(2):
            done = run_roles_script(url)
            assert done.returncode == 0, done.stderr
        with superuser.connect() as connection:
            assert connection.scalar(text("SELECT tableowner FROM pg_tables WHERE tablename = 'old_table'")) == \
                "mesdroits_owner"
        app = create_engine(_as(url, "mesdroits_app"))
        with app.begin() as connection:
            connection.execute(text("INSERT INTO old_table DEFAULT VALUES"))
        app.dispose()
    finally:
        with superuser.begin() as connection:
            connection.execute(text("DROP TABLE old_table"))
        superuser.dispose()


def test_the_app_role_cannot_migrate_an_empty_database():
    """A deployment whose `migrate` did not run: the app's role cannot make the tables, and
    the health check says the database is not migrated."""
    with temporary_postgres() as url:
        assert run_roles_script(url).returncode == 0
        with pytest.raises(ProgrammingError, match="permission denied"):
            open_store(_as(url, "mesdroits_app"))
        done = run_cli("health", env={"DATABASE_URL": _as(url, "mesdroits_app")})
        assert done.returncode == 1 and "non migrée" in done.stderr
