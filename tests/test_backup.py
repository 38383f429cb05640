"""Encrypted backups (assistant/casefiles/backup.py, `python -m assistant backup|restore`,
`make backup`): on SQLite and on the real PostgreSQL of the tests, a backup made, the
database wiped, the backup restored, and the cases are there again. The file is 0600 and
shows nothing in clear; a wrong key, an edited file or a stray input are refused in French,
with nothing written."""

from __future__ import annotations

import glob
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from assistant.casefiles.crypto import new_key
from assistant.casefiles.service import open_store
from tests.conftest import ROOT, run_cli
from tests.pg import temporary_postgres
from tests.test_store import CASE

NAME = CASE.claimant.last_name


def _pg_path() -> str:
    """pg_dump and pg_restore of the tests' PostgreSQL first (Debian keeps them out of PATH)."""
    return os.pathsep.join([*sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:], os.environ["PATH"]])


def _only_file(folder: Path) -> Path:
    files = [p for p in folder.iterdir() if not p.name.startswith(".")]
    assert len(files) == 1, files
    return files[0]


def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.fixture
def sqlite_env(tmp_path, monkeypatch):
    env = {"MESDROITS_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": "", "MESDROITS_KEY": new_key(),
           "MESDROITS_BACKUP_KEY_FILE": str(tmp_path / "keys" / "backup.key")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _save_two() -> list[str]:
    store = open_store()
    try:
        ids = [store.save(CASE), store.save(CASE)]
    finally:
        store.close()
    return ids


def _ids() -> list[str]:
    store = open_store()
    try:
        return sorted(c.id for c in store.list())
    finally:
        store.close()


def test_sqlite_backup_wipe_restore(sqlite_env, tmp_path):
    ids = _save_two()
    done = run_cli("backup", "--out", str(tmp_path / "backups"), env=sqlite_env)
    assert done.returncode == 0, done.stderr
    backup = _only_file(tmp_path / "backups")
    assert backup.name.startswith("mesdroits-") and backup.suffix == ".backup"
    assert _private(backup) and _private(Path(sqlite_env["MESDROITS_BACKUP_KEY_FILE"]))
    blob = backup.read_bytes()
    assert b"SQLite format 3" not in blob and b"case_files" not in blob and NAME.encode() not in blob

    # Wiped: the database file is gone (a lost disk); then restored.
    database = Path(sqlite_env["MESDROITS_DATA_DIR"]) / "mesdroits.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    done = run_cli("restore", str(backup), env=sqlite_env)
    assert done.returncode == 0, done.stderr
    assert _ids() == sorted(ids)
    store = open_store()
    assert store.get(ids[0]).case == CASE
    store.close()

    # Restored over a database that changed since: exactly the backup's cases again.
    _save_two()
    assert run_cli("restore", str(backup), env=sqlite_env).returncode == 0
    assert _ids() == sorted(ids)


def _make(*args: str, env: dict) -> subprocess.CompletedProcess:
    """`make …` as an operator runs it (its `install` step taken as done: the tests' venv)."""
    return subprocess.run(["make", "--no-print-directory", "-o", "install", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **env})


def test_make_backup_and_restore(sqlite_env, tmp_path):
    ids = _save_two()
    folder = tmp_path / "par-make"
    done = _make("backup", f"BACKUP_DIR={folder}", env=sqlite_env)
    assert done.returncode == 0, done.stderr
    backup = _only_file(folder)
    assert _private(backup)
    _save_two()
    refused = _make("restore", env=sqlite_env)
    assert refused.returncode != 0 and "make restore FILE=" in refused.stderr
    done = _make("restore", f"FILE={backup}", env=sqlite_env)
    assert done.returncode == 0, done.stderr
    assert _ids() == sorted(ids)


def test_a_wrong_key_an_edited_file_or_another_file_are_refused(sqlite_env, tmp_path, monkeypatch):
    from assistant.casefiles import backup as backup_module

    _save_two()
    assert run_cli("backup", "--out", str(tmp_path / "b"), env=sqlite_env).returncode == 0
    backup = _only_file(tmp_path / "b")
    database = Path(sqlite_env["MESDROITS_DATA_DIR"]) / "mesdroits.sqlite3"
    before = database.read_bytes()

    other_key = tmp_path / "other.key"
    other_key.write_text(new_key())
    done = run_cli("restore", str(backup), env={**sqlite_env, "MESDROITS_BACKUP_KEY_FILE": str(other_key)})
    assert done.returncode == 2 and "n'ouvre pas ce fichier" in done.stderr and "clé attendue : key " in done.stderr
    blob = bytearray(backup.read_bytes())
    blob[-10] ^= 1
    with pytest.raises(backup_module.BackupError, match="modifié"):
        backup_module.restore(bytes(blob))
    with pytest.raises(backup_module.BackupError, match="n'est pas une sauvegarde"):
        backup_module.restore(b"bonjour")
    monkeypatch.setenv("MESDROITS_BACKUP_KEY_FILE", str(tmp_path / "absent.key"))
    with pytest.raises(backup_module.BackupError, match="clé des sauvegardes introuvable"):
        backup_module.restore(backup.read_bytes())
    assert not (tmp_path / "absent.key").exists()
    assert database.read_bytes() == before

    # --from-stdin takes only pg_dump's custom format, and writes nothing otherwise.
    refused = subprocess.run([sys.executable, "-m", "assistant", "backup", "--from-stdin", "--out", str(tmp_path / "c")],
                             input=b"SQLite format 3", cwd=ROOT, capture_output=True, env={**os.environ, **sqlite_env})
    assert refused.returncode == 2 and "pg_dump" in refused.stderr.decode()
    assert not (tmp_path / "c").exists()


def test_postgresql_backup_wipe_restore(tmp_path, monkeypatch):
    with temporary_postgres() as url:
        env = {"DATABASE_URL": url, "MESDROITS_KEY": new_key(), "PATH": _pg_path(),
               "MESDROITS_BACKUP_KEY_FILE": str(tmp_path / "backup.key")}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        ids = _save_two()
        done = run_cli("backup", "--out", str(tmp_path / "backups"), env=env)
        assert done.returncode == 0, done.stderr
        backup = _only_file(tmp_path / "backups")
        assert _private(backup)
        blob = backup.read_bytes()
        assert b"PGDMP" not in blob and b"case_files" not in blob and NAME.encode() not in blob

        # Wiped: every table dropped (the schema itself is PostgreSQL's).
        engine = create_engine(url)
        with engine.begin() as connection:
            for table in inspect(connection).get_table_names():
                connection.execute(text(f'DROP TABLE "{table}" CASCADE'))
        engine.dispose()
        done = run_cli("restore", str(backup), env=env)
        assert done.returncode == 0, done.stderr
        assert _ids() == sorted(ids)
        store = open_store()
        assert store.get(ids[1]).case == CASE
        store.close()

        # The Docker Compose way: a pg_dump piped in, the clear dump piped out to pg_restore.
        from sqlalchemy.engine import make_url

        libpq = {"PGHOST": make_url(url).query.get("host") or make_url(url).host or "", "PGUSER": "postgres"}
        dumped = subprocess.run(["pg_dump", "--format=custom", make_url(url).database], capture_output=True,
                                env={**os.environ, **libpq}, check=True).stdout
        done = subprocess.run([sys.executable, "-m", "assistant", "backup", "--from-stdin", "--out",
                               str(tmp_path / "piped")], input=dumped, cwd=ROOT, capture_output=True,
                              env={**os.environ, **env})
        assert done.returncode == 0, done.stderr
        piped = _only_file(tmp_path / "piped")
        out = subprocess.run([sys.executable, "-m", "assistant", "restore", "--to-stdout", str(piped)], cwd=ROOT,
                             capture_output=True, env={**os.environ, **env})
        assert out.returncode == 0 and out.stdout == dumped
