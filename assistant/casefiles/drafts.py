"""In-progress answers (drafts): what the app keeps between two clicks, in the store's
database so that every app process reaches them — a reload, a reconnection to another
process or a process that died loses nothing.

A draft is found by the session's random key (192 bits, carried by the page; how it travels
is the page's business), but only a digest of the key is stored: the database (or a dump)
does not give the key that reads the answers. The snapshot is sealed like the case files
(`crypto`, the same keys, re-sealed by `cases rekey`). A draft lives `ttl` seconds after its
last save (`MESDROITS_MEMORY_HOURS`, two hours by default), then is deleted: by the sweep of
every save, by a load that finds it expired, and by `cases purge` / `migrate`.
« Terminer et effacer » deletes it at once.

Bounded growth: a draft is made only for a snapshot with at least one answer (a session
that answered nothing is never stored, so a flood of empty sessions writes nothing), and
past `max_drafts` unexpired drafts a new key is refused with `DraftsFull` (the person keeps
their answers in their page and is told so; nobody else's are dropped). An unexpired draft
with answers is never evicted. Each save is one transaction: a write the disk refuses
leaves the earlier draft as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from typing import Any, Callable, Optional

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from assistant.casefiles.store import Store
from assistant.casefiles.tables import DraftRow
from assistant.core import logs

DEFAULT_HOURS = 2.0
DEFAULT_MAX_DRAFTS = 50_000   # unexpired drafts; far above the people one service serves in two hours


class DraftsFull(RuntimeError):
    """The store already holds `max_drafts` unexpired drafts: a new key is refused (its
    answers stay in the page), never someone else's draft dropped."""


def ttl_from_environment() -> float:
    """Seconds a draft lives after its last save (`MESDROITS_MEMORY_HOURS`, default 2)."""
    raw = os.environ.get("MESDROITS_MEMORY_HOURS", "")
    try:
        hours = float(raw.replace(",", ".")) if raw.strip() else DEFAULT_HOURS
    except ValueError:
        hours = DEFAULT_HOURS
    return max(hours, 0.0) * 3600


def key_hash(key: str) -> str:
    """What the database holds instead of the key: its SHA-256 (the key is 192 random bits,
    so the digest cannot be turned back into it)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _encode(value: Any) -> Any:
    """JSON-ready, dates kept as dates (answers hold `datetime.date` values)."""
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a draft cannot hold a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if len(value) == 1 and "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite forgets time zones; we always store UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class Drafts:
    """Snapshots of sessions by key, in the store's database, each deleted `ttl` seconds
    after it was last saved. Two instances on the same database (two processes) see the
    same drafts."""

    def __init__(self, store: Store, ttl: Optional[float] = None, max_drafts: int = DEFAULT_MAX_DRAFTS,
                 clock: Callable[[], dt.datetime] = _now):
        self.store = store
        self.ttl = ttl_from_environment() if ttl is None else ttl
        self.max_drafts = max_drafts
        self._clock = clock

    @property
    def hours(self) -> float:
        return self.ttl / 3600

    def save(self, key: str, snapshot: dict, ttl: Optional[float] = None) -> bool:
        """Keep `snapshot` under `key` and restart its clock (`ttl` seconds, shorter than
        the store's own for a mediator's session). A new key is stored only when
        the snapshot has answers or a professional's sign-in (False otherwise: nothing to keep)
        and the store holds fewer
        than `max_drafts` drafts (DraftsFull otherwise: the page keeps it in memory and says so)."""
        lifetime = self.ttl if ttl is None else min(max(ttl, 0.0), self.ttl)
        sealed = self.store.sealer.seal(_encode(snapshot))
        digest = key_hash(key)
        for attempt in (1, 2):
            try:
                with self.store.write() as session:
                    now = self._clock()
                    self._sweep(session, now)
                    row = session.get(DraftRow, digest, with_for_update=True, populate_existing=True)
                    expires = now + dt.timedelta(seconds=lifetime)
                    if row is not None:
                        row.sealed, row.expires_at, row.updated_at = sealed, expires, now
                        return True
                    if not snapshot.get("answers") and not snapshot.get("pro"):
                        return False
                    count = session.scalar(select(func.count()).select_from(DraftRow))
                    if count >= self.max_drafts:
                        logs.event("draft_refused", source="drafts", reason="full")
                        raise DraftsFull(f"{count} drafts")
                    session.add(DraftRow(key_hash=digest, sealed=sealed, expires_at=expires, updated_at=now))
                    return True
            except IntegrityError:
                if attempt == 2:   # another process made the same key's draft meanwhile: update it
                    raise
        return False

    def load(self, key: Optional[str]) -> Optional[dict]:
        """The snapshot saved under `key`, or None when there is none (never saved, erased,
        or expired — an expired one is deleted here)."""
        if not key:
            return None
        digest = key_hash(key)
        with self.store.read() as session:
            row = session.get(DraftRow, digest)
            found = (row.sealed, _aware(row.expires_at)) if row is not None else None
        if found is None:
            return None
        sealed, expires = found
        if expires <= self._clock():
            with self.store.write() as session:
                session.execute(delete(DraftRow).where(DraftRow.key_hash == digest,
                                                       DraftRow.expires_at <= self._clock()))
            return None
        return _decode(self.store.sealer.open(sealed))

    def delete(self, key: Optional[str]) -> None:
        """« Terminer et effacer »: the draft is gone for good."""
        if not key:
            return
        with self.store.write() as session:
            session.execute(delete(DraftRow).where(DraftRow.key_hash == key_hash(key)))

    def purge(self) -> int:
        """Delete every expired draft; how many were deleted (`cases purge`, `migrate`)."""
        with self.store.write() as session:
            return self._sweep(session, self._clock())

    def __len__(self) -> int:
        """Unexpired drafts."""
        with self.store.read() as session:
            return session.scalar(select(func.count()).select_from(DraftRow)
                                  .where(DraftRow.expires_at > self._clock()))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.load(key) is not None

    @staticmethod
    def _sweep(session: Any, now: dt.datetime) -> int:
        return session.execute(delete(DraftRow).where(DraftRow.expires_at <= now)).rowcount or 0
