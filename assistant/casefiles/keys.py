"""The keys that seal the case files, held against the database: when the store opens, the
configured keys must open a few sealed values of every sealed column (a lost or wrong key
stops it there, with a French SealError naming the expected key's fingerprint); the
fingerprints of the keys that sealed something are recorded; `rekey` seals everything again
under one key. Never a key in the database: only fingerprints (crypto.fingerprint)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable, ContextManager, Optional

from sqlalchemy import bindparam, column, delete, inspect, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.casefiles.crypto import SealError, Sealer, configured_keys, fingerprint, sealer, sealer_for
from assistant.casefiles.tables import SealingKeyRow

_KEYS_CHECKED: set[tuple[str, tuple[str, ...]]] = set()   # (database, key fingerprints) found to open it


def _is_sealed(name: str) -> bool:
    """The naming rule of every sealed column (`sealed`, `…_sealed`): how the key check and
    `rekey` find them in any table, today's or a later migration's."""
    return name == "sealed" or name.endswith("_sealed")


def sealed_columns(connection: Any) -> list[tuple[str, Optional[str], list[str]]]:
    """(table, its one-column primary key or None, its sealed columns) for every table that
    holds sealed values, as the database has them (before or after the migrations)."""
    inspector = inspect(connection)
    found = []
    for name in inspector.get_table_names():
        columns = [c["name"] for c in inspector.get_columns(name) if _is_sealed(c["name"])]
        if columns:
            primary = inspector.get_pk_constraint(name).get("constrained_columns") or []
            found.append((name, primary[0] if len(primary) == 1 else None, columns))
    return found


def _sealed_samples(connection: Any) -> list[str]:
    """A few sealed values: the oldest and the newest of each sealed column (a key replaced
    once already leaves data of both keys: both ends are tried)."""
    found: list[str] = []
    for name, primary, columns in sealed_columns(connection):
        for sealed in columns:
            rows = table(name, column(sealed), *([column(primary)] if primary else []))
            query = select(rows.c[sealed]).where(rows.c[sealed].is_not(None)).limit(1)
            for order in ((rows.c[primary], rows.c[primary].desc()) if primary else (None,)):
                value = connection.scalar(query if order is None else query.order_by(order))
                if value is not None:
                    found.append(value)
    return list(dict.fromkeys(found))


def _recorded_keys(connection: Any) -> list[str]:
    """The fingerprints of the keys recorded as having sealed data here (none before 0006)."""
    if not inspect(connection).has_table(SealingKeyRow.__tablename__):
        return []
    return list(connection.scalars(select(SealingKeyRow.fingerprint).order_by(SealingKeyRow.recorded_at)))


def checked_sealer(reader: Engine, database: str, folder: Path,
                   seal: Optional[Sealer]) -> tuple[Sealer, set[Optional[str]]]:
    """The sealer and the fingerprints of the keys that opened the samples, its keys tried
    once per process on a few sealed values of every sealed column: a lost or wrong key
    stops the store here, with a French SealError naming the expected key, instead of a page
    failing later — and a key file is created only for a database that holds no sealed data
    (crypto.sealer_for)."""
    keys = seal.fingerprints if seal else tuple(fingerprint(k) for k in configured_keys(folder) or ())
    if keys and (database, keys) in _KEYS_CHECKED:
        return seal or sealer(folder), set()
    with reader.connect() as connection:
        samples, recorded = _sealed_samples(connection), _recorded_keys(connection)
    found = sealer_for(folder, samples, recorded, given=seal)
    return found, {found.opener(token) for token in samples}


def record_keys(read: Callable[[], ContextManager[Session]], write: Callable[[], ContextManager[Session]],
                database: str, seal: Sealer, openers: set[Optional[str]]) -> None:
    """Note the fingerprints of the sealing key and of the keys that opened the samples
    (what a later refusal names), once per process and keys."""
    checked = (database, seal.fingerprints)
    if checked in _KEYS_CHECKED:
        return
    names = {seal.fingerprints[0], *openers} - {None}
    with read() as session:
        missing = names - set(session.scalars(select(SealingKeyRow.fingerprint)))
    if missing:
        try:
            with write() as session:
                known = set(session.scalars(select(SealingKeyRow.fingerprint)))
                session.add_all(SealingKeyRow(fingerprint=name, recorded_at=_now())
                                for name in sorted(missing - known))
        except IntegrityError:
            pass   # another process recorded the same key meanwhile
    _KEYS_CHECKED.add(checked)


def reseal_all(engine: Engine, reader: Engine, seal: Sealer, batch_size: int) -> dict[str, int]:
    """Every sealed value of every table sealed again under the sealing key, one transaction
    per batch of rows; the values re-sealed per `table.column`."""
    with reader.connect() as connection:
        found = sealed_columns(connection)
    done: dict[str, int] = {}
    for name, primary, columns in found:
        if primary is None:
            raise RuntimeError(f"{name} has no one-column primary key: it cannot be re-sealed by batches")
        rows_of = table(name, column(primary), *(column(c) for c in columns))
        update = (rows_of.update().where(rows_of.c[primary] == bindparam("row_key"))
                  .values({c: bindparam(f"new_{c}") for c in columns}))
        last: Any = None
        while True:
            query = select(rows_of).order_by(rows_of.c[primary]).limit(batch_size).with_for_update()
            with engine.begin() as connection:
                rows = connection.execute(query if last is None else query.where(rows_of.c[primary] > last)).all()
                if rows:
                    connection.execute(update, [{"row_key": row[0], **{f"new_{c}": _reseal(seal, name, c, row)
                                                                       for c in columns}} for row in rows])
            if not rows:
                break
            last = rows[-1][0]
            for c in columns:
                done[f"{name}.{c}"] = done.get(f"{name}.{c}", 0) + sum(row._mapping[c] is not None for row in rows)
    return done


def keep_only(session: Session, sealing: str, now: dt.datetime) -> None:
    """After a rekey: only the sealing key's fingerprint stays recorded."""
    session.execute(delete(SealingKeyRow).where(SealingKeyRow.fingerprint != sealing))
    if session.get(SealingKeyRow, sealing) is None:
        session.add(SealingKeyRow(fingerprint=sealing, recorded_at=now))


def _reseal(seal: Sealer, name: str, column_name: str, row: Any) -> Optional[str]:
    try:
        return seal.reseal(row._mapping[column_name])
    except SealError as error:
        raise SealError(f"{name}.{column_name}, ligne {row[0]} : {error} Rien n'a changé dans ce lot ; "
                        "les lots précédents sont déjà rescellés (relancez avec toutes les clés).") from None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
