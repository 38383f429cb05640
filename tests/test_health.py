"""`python -m assistant health` (assistant/casefiles/health.py): what the container's health
check runs. It fails, in French and without the password, when the database is unreachable
(wrong port, server stopped) or not migrated, and says « ok » only on an up-to-date schema;
it changes nothing (no migration, no SQLite file created)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import run_cli
from tests.pg import temporary_postgres


@pytest.fixture(scope="module")
def postgres_url():
    with temporary_postgres() as url:
        yield url


def _health(url: str, **env: str):
    return run_cli("health", env={"DATABASE_URL": url, **env}, timeout=60)


def test_sqlite_absent_then_migrated(tmp_path):
    data = tmp_path / "data"
    env = {"MESDROITS_DATA_DIR": str(data)}
    done = run_cli("health", env={**env, "DATABASE_URL": ""})
    assert done.returncode == 1 and "Base de données absente" in done.stderr and "migrate" in done.stderr
    assert not (data / "mesdroits.sqlite3").exists(), "health must not create the database"
    assert run_cli("migrate", env={**env, "DATABASE_URL": ""}).returncode == 0
    done = run_cli("health", env={**env, "DATABASE_URL": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok") and "à jour" in done.stdout


def test_postgresql_unreachable_is_said_without_the_password(tmp_path):
    # A wrong port, and a server that was stopped (its socket folder holds no socket).
    for url in ("postgresql://mesdroits_app:Tr3sS3cret@127.0.0.1:1/mesdroits",
                f"postgresql+psycopg://postgres:Tr3sS3cret@/mesdroits?host={tmp_path}"):
        done = _health(url)
        assert done.returncode == 1, done.stdout
        assert "Base de données injoignable" in done.stderr and "DATABASE_URL" in done.stderr
        assert "Tr3sS3cret" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_postgresql_not_migrated_then_migrated(postgres_url):
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(postgres_url)
    with engine.begin() as connection:   # a database as the `postgres` image leaves it: empty
        for table in inspect(connection).get_table_names():
            connection.execute(text(f'DROP TABLE "{table}" CASCADE'))
    engine.dispose()
    done = _health(postgres_url)
    assert done.returncode == 1 and "non migrée" in done.stderr
    assert run_cli("migrate", env={"DATABASE_URL": postgres_url, "MESDROITS_KEY": _key()}).returncode == 0
    done = _health(postgres_url)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr
    # A schema behind the code's migrations (an upgrade whose `migrate` did not run).
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    engine.dispose()
    done = _health(postgres_url)
    assert done.returncode == 1 and "pas à jour" in done.stderr and "0006" in done.stderr


def _key() -> str:
    from assistant.casefiles.crypto import new_key

    return os.environ.get("MESDROITS_KEY") or new_key()
