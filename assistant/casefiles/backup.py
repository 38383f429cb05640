"""Encrypted backups of the store, and their restore (`python -m assistant backup|restore`,
`make backup`, `make restore FILE=…`).

What is dumped: the embedded SQLite database (an online copy through SQLite's backup API,
made in memory: no clear copy ever touches the disk), or PostgreSQL through `pg_dump -Fc`
(the database `DATABASE_URL` names; with Docker Compose, `make backup COMPOSE=1` pipes the
postgres container's pg_dump in). The dump is encrypted with Fernet (`cryptography`, as the
case files) under a backup key distinct from the data key: a stolen backup shows neither the
organisations, accounts and audit log (backup key) nor the case files (also sealed with the
data key). The file is written 0600 under a temporary name, then renamed.

The backup key: the file `MESDROITS_BACKUP_KEY_FILE` names, else `backup.key` beside the
embedded database; created (0600) by the first backup. Keep a copy apart from the backups,
as for the data key: a backup does not open without it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path
from typing import Optional

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import make_url

from assistant.casefiles.crypto import fingerprint
from assistant.casefiles.store import data_dir, database_url, sqlite_file

MAGIC = b"MESDROITS-BACKUP 1\n"
BACKUP_KEY_FILE_NAME = "backup.key"
KINDS = ("sqlite", "postgresql")


class BackupError(RuntimeError):
    """A backup or restore that cannot be done: French message for the operator."""


def backup_key_path() -> Path:
    configured = os.environ.get("MESDROITS_BACKUP_KEY_FILE", "").strip()
    return Path(configured) if configured else data_dir() / BACKUP_KEY_FILE_NAME


def _write_private(path: Path, data: bytes, replace: bool) -> None:
    """`data` in `path`, mode 0600 from its creation, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}"
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)     # never overwrites a key made meanwhile
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def _keys(create: bool) -> tuple[MultiFernet, str]:
    """The backup keys (commas or one a line: the first encrypts, all decrypt) and the
    first one's fingerprint."""
    path = backup_key_path()
    if not path.exists():
        if not create:
            raise BackupError(f"clé des sauvegardes introuvable ({path}) : remettez en place la clé sauvegardée, ou "
                              "donnez son fichier dans MESDROITS_BACKUP_KEY_FILE.")
        _write_private(path, Fernet.generate_key(), replace=False)
    try:
        keys = [k.strip() for k in path.read_text(encoding="ascii").replace("\n", ",").split(",") if k.strip()]
        return MultiFernet([Fernet(k) for k in keys]), fingerprint(keys[0].encode())
    except (OSError, UnicodeDecodeError, ValueError, IndexError) as error:
        raise BackupError(f"clé des sauvegardes illisible ou invalide ({path}) : 32 octets en base64 « urlsafe » "
                          "attendus.") from error


def _libpq_env(url: str) -> dict[str, str]:
    """The connection as libpq's variables: the password never appears on a command line."""
    parsed = make_url(url)
    values = {"PGHOST": parsed.host or parsed.query.get("host"), "PGPORT": parsed.port, "PGUSER": parsed.username,
              "PGPASSWORD": parsed.password, "PGDATABASE": parsed.database}
    return {**os.environ, **{k: str(v) for k, v in values.items() if v}}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} introuvable : installez le paquet Debian postgresql-client (de la même version "
                          "que le serveur, ou plus récente).")
    return found


def _run(command: list[str], env: dict[str, str], data: Optional[bytes] = None) -> bytes:
    done = subprocess.run(command, input=data, capture_output=True, env=env)
    if done.returncode != 0:
        # pg_dump/pg_restore name objects, never row values: their message is safe to show.
        raise BackupError(f"{Path(command[0]).name} a échoué : {done.stderr.decode(errors='replace').strip()[-600:]}")
    return done.stdout


def dump(url: Optional[str] = None) -> tuple[str, bytes]:
    """(kind, dump) of the database: SQLite's file image, or pg_dump's custom format."""
    url = url or database_url()
    embedded = sqlite_file(url)
    if embedded is not None:
        if not embedded.exists():
            raise BackupError(f"aucune base à sauvegarder ({embedded}).")
        source, copy = sqlite3.connect(embedded), sqlite3.connect(":memory:")
        try:
            source.backup(copy)
            image = bytearray(copy.serialize())
        finally:
            source.close()
            copy.close()
        # Bytes 18-19 of the header say "WAL" (2): an in-memory image must say "rollback
        # journal" (1) to open again (SQLite's file format, §1.3.4). The restore keeps WAL.
        image[18:20] = b"\x01\x01"
        return "sqlite", bytes(image)
    if make_url(url).get_backend_name() != "postgresql":
        raise BackupError("DATABASE_URL : seules SQLite et PostgreSQL sont sauvegardées.")
    return "postgresql", _run([_tool("pg_dump"), "--format=custom"], _libpq_env(url))


def encrypt(kind: str, data: bytes) -> bytes:
    """The backup file's bytes: a clear header naming the key (its fingerprint), then the
    kind and the dump, encrypted and authenticated."""
    keys, name = _keys(create=True)
    return MAGIC + f"key {name}\n".encode() + keys.encrypt(kind.encode() + b"\n" + data)


def decrypt(blob: bytes) -> tuple[str, bytes]:
    if not blob.startswith(MAGIC):
        raise BackupError("ce fichier n'est pas une sauvegarde de Mes droits (en-tête absent).")
    header, _, token = blob[len(MAGIC):].partition(b"\n")
    try:
        kind, _, data = _keys(create=False)[0].decrypt(token).partition(b"\n")
    except InvalidToken:
        raise BackupError(f"la clé des sauvegardes ({backup_key_path()}) n'ouvre pas ce fichier, ou il a été modifié "
                          f"(clé attendue : {header.decode(errors='replace')}).") from None
    if kind.decode() not in KINDS:
        raise BackupError("sauvegarde d'un type inconnu.")
    return kind.decode(), data


def backup_name(now: Optional[dt.datetime] = None) -> str:
    moment = now or dt.datetime.now(dt.timezone.utc)
    return f"mesdroits-{moment:%Y%m%dT%H%M%SZ}.backup"


def write_backup(out: Path, kind: str, data: bytes) -> Path:
    """The encrypted backup in `out` (a folder: a dated file name in it), mode 0600."""
    path = out / backup_name() if out.is_dir() or not out.suffix else out
    _write_private(path, encrypt(kind, data), replace=True)
    return path


def default_folder() -> Path:
    return data_dir() / "backups"


def restore(blob: bytes, url: Optional[str] = None) -> str:
    """Put the backup's database in place of the one `url` (else `DATABASE_URL` or the
    embedded file) names; returns its kind. Stop the app first: its processes would keep
    writing to the database being replaced."""
    kind, data = decrypt(blob)
    url = url or database_url()
    embedded = sqlite_file(url)
    if (kind == "sqlite") != (embedded is not None):
        raise BackupError(f"sauvegarde {kind}, mais la base configurée est "
                          f"{'SQLite' if embedded is not None else 'PostgreSQL'} (DATABASE_URL).")
    if kind == "postgresql":
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
              f"--dbname={_libpq_env(url)['PGDATABASE']}"], _libpq_env(url), data)
        return kind
    image = sqlite3.connect(":memory:")
    try:
        image.deserialize(data)
        if image.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("la sauvegarde SQLite est abîmée (PRAGMA quick_check).")
        embedded.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not embedded.exists():
            os.close(os.open(embedded, os.O_CREAT | os.O_WRONLY, 0o600))
        target = sqlite3.connect(embedded, timeout=60)
        try:
            image.backup(target)    # page by page, in one transaction of the live file (WAL kept)
        finally:
            target.close()
    finally:
        image.close()
    return kind
