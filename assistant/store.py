"""What we remember: saved case files and what was sent, only when the person chooses.

SQLite by default (a file outside the code tree, readable by its owner only), PostgreSQL
when `DATABASE_URL` says so; the schema is made and upgraded by the Alembic migrations of
`alembic/` when the store opens. The case file is stored as its contract JSON (CONTRACT §1)
and the letters as data (their paragraphs and the ids they cite), so that both can be
exported, diffed and deleted. Concurrent writers never lose an update: a write locks its
row (PostgreSQL) or takes the database's write lock at once (SQLite), and every write
bumps the case's `version`, which a caller may require (`expected_version`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from .analysis import HISTORY_FIELD_OF_LETTER, analyse
from .model import Case, parse_case

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "alembic"


def data_dir() -> Path:
    """Where the embedded database lives: `MESDROITS_DATA_DIR`, else the user's data folder
    (never the code checkout, which may be shared or published)."""
    configured = os.environ.get("MESDROITS_DATA_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mes-droits-face-a-l-algorithme"



def database_url() -> str:
    """`DATABASE_URL` if set (e.g. postgresql+psycopg://…), else the embedded SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{folder / 'mesdroits.sqlite3'}"


class Conflict(RuntimeError):
    """The case changed since the caller read it (`expected_version` no longer holds)."""


def _sqlite_file(url: str) -> Optional[Path]:
    prefix = "sqlite:///"
    return Path(url[len(prefix):]) if url.startswith(prefix) and url[len(prefix):] not in ("", ":memory:") else None


def make_engine(url: str) -> Engine:
    """An engine; for SQLite: a private file (0600), WAL, a busy timeout, and transactions
    that take the write lock at once (BEGIN IMMEDIATE) so that two writers queue instead of
    one losing its update."""
    from sqlalchemy import event

    path = _sqlite_file(url)
    if path is None:
        return create_engine(url, future=True)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    engine = create_engine(url, future=True, connect_args={"timeout": 30, "isolation_level": None})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Base(DeclarativeBase):
    pass


class CaseRow(Base):
    __tablename__ = "case_files"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    case_json: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    organisation_id: Mapped[Optional[str]] = mapped_column(String(36), nullable=True, index=True)
    created_by: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    events: Mapped[list["EventRow"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="EventRow.id"
    )


class EventRow(Base):
    """Something that happened to the case: a letter sent, an answer received."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_files.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))          # "sent" | "answer"
    letter_id: Mapped[Optional[str]] = mapped_column(String(40))
    on: Mapped[dt.date] = mapped_column(Date)
    letter_json: Mapped[Optional[dict]] = mapped_column(JSON, nullable=True)
    case: Mapped[CaseRow] = relationship(back_populates="events")


class AuditRow(Base):
    """Who did what when — never the case's content: ids, an action, a letter id at most."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    organisation_id: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[Optional[str]] = mapped_column(String(36), nullable=True, index=True)
    detail: Mapped[Optional[str]] = mapped_column(String(80), nullable=True)


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: str
    letter_id: Optional[str]
    on: dt.date
    letter: Optional[dict] = None


class SavedCase(BaseModel):
    """A case file as stored: the contract JSON plus its history of events."""

    model_config = ConfigDict(frozen=True)
    id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    case: Case
    events: list[Event]


class NotFound(KeyError):
    """No saved case with that id (deleted, or never saved)."""


class Store:
    """Case files in a SQL database; every method is one short transaction."""

    def __init__(self, url: Optional[str] = None, engine: Optional[Engine] = None):
        self.engine = engine or make_engine(url or database_url())
        migrate(self.engine)

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @staticmethod
    def _locked(session: Session, case_id: str, actor: Any = None) -> Optional[CaseRow]:
        """The row, locked until the end of the transaction (PostgreSQL; SQLite already
        holds the database's write lock since BEGIN IMMEDIATE); None when it belongs to
        another organisation than the actor's (its existence is not revealed)."""
        row = session.get(CaseRow, case_id, with_for_update=True, populate_existing=True)
        return row if row is not None and _visible(row, actor) else None

    @staticmethod
    def _audit(session: Session, actor: Any, action: str, case_id: Optional[str], detail: Optional[str] = None,
                organisation_id: Optional[str] = None) -> None:
        session.add(AuditRow(at=dt.datetime.now(dt.timezone.utc), user_id=getattr(actor, "id", None),
                             organisation_id=getattr(actor, "organisation_id", None) or organisation_id,
                             action=action, case_id=case_id, detail=detail))

    def audit_trail(self, case_id: Optional[str] = None) -> list[dict[str, Any]]:
        """The audit entries (of one case, or all), oldest first."""
        with self._session() as session:
            query = select(AuditRow).order_by(AuditRow.id)
            if case_id is not None:
                query = query.where(AuditRow.case_id == case_id)
            return [{"at": _aware(r.at), "user_id": r.user_id, "organisation_id": r.organisation_id,
                     "action": r.action, "case_id": r.case_id, "detail": r.detail} for r in session.scalars(query)]

    def save(self, case: Case, case_id: Optional[str] = None, expected_version: Optional[int] = None,
             actor: Any = None) -> str:
        """Create or replace a case file; returns its id. With `expected_version`, refuse
        (Conflict) to overwrite a case someone else changed meanwhile. With an `actor`
        (accounts.User), the case belongs to the actor's organisation."""
        _require(actor, "case.write")
        now = dt.datetime.now(dt.timezone.utc)
        payload = case.model_dump(mode="json")
        with self._session() as session, session.begin():
            row = self._locked(session, case_id, actor) if case_id else None
            if row is None and case_id and session.get(CaseRow, case_id) is not None:
                raise NotFound(case_id)      # another organisation's case: never overwritten
            if row is None:
                row = CaseRow(id=case_id or str(uuid.uuid4()), created_at=now, updated_at=now, case_json=payload,
                              version=1, organisation_id=getattr(actor, "organisation_id", None),
                              created_by=getattr(actor, "id", None))
                session.add(row)
                self._audit(session, actor, "case.create", row.id)
            else:
                if expected_version is not None and row.version != expected_version:
                    raise Conflict(f"case {case_id} is at version {row.version}, not {expected_version}")
                row.case_json, row.updated_at, row.version = payload, now, row.version + 1
                self._audit(session, actor, "case.update", row.id, f"version {row.version}")
            return row.id

    def get(self, case_id: str, actor: Any = None) -> SavedCase:
        _require(actor, "case.read")
        with self._session() as session:
            row = session.get(CaseRow, case_id)
            if row is None or not _visible(row, actor):
                raise NotFound(case_id)
            return _saved(row)

    def list(self, actor: Any = None) -> list[SavedCase]:
        """Every case (no actor: the local, single-person store) or the actor's organisation's."""
        _require(actor, "case.read")
        query = select(CaseRow).order_by(CaseRow.created_at, CaseRow.id)
        if actor is not None:
            query = query.where(CaseRow.organisation_id == actor.organisation_id)
        with self._session() as session:
            return [_saved(row) for row in session.scalars(query)]

    def record_sent(self, case_id: str, letter_id: str, on: dt.date, letter: Optional[dict] = None,
                    actor: Any = None) -> SavedCase:
        """Remember that a letter was sent: its text as sent, and the history field it fills."""
        _require(actor, "letter.send")
        with self._session() as session, session.begin():
            row = self._locked(session, case_id, actor)
            if row is None:
                raise NotFound(case_id)
            field = HISTORY_FIELD_OF_LETTER.get(letter_id)
            if field:
                data = json.loads(json.dumps(row.case_json))
                data.setdefault("history", {})[field] = on.isoformat()
                if data.get("today") and data["today"] < on.isoformat():
                    data["today"] = on.isoformat()  # the case's reference date moves with what was sent
                row.case_json = parse_case(data).model_dump(mode="json")
            row.updated_at = dt.datetime.now(dt.timezone.utc)
            row.version += 1
            row.events.append(EventRow(kind="sent", letter_id=letter_id, on=on, letter_json=letter))
            self._audit(session, actor, "letter.sent", case_id, letter_id)
        return self.get(case_id, actor)

    def delete(self, case_id: str, actor: Any = None) -> None:
        """Forget a case file and all its events, for good (the audit log keeps only that
        it was deleted, by whom and when)."""
        _require(actor, "case.delete")
        with self._session() as session, session.begin():
            row = self._locked(session, case_id, actor)
            if row is None:
                raise NotFound(case_id)
            session.delete(row)
            self._audit(session, actor, "case.delete", case_id)

    def export(self, case_id: str, actor: Any = None) -> dict[str, Any]:
        """Everything we hold about a case, as JSON-ready data (the person's copy)."""
        _require(actor, "case.export")
        saved = self.get(case_id, actor)
        with self._session() as session, session.begin():
            self._audit(session, actor, "case.export", case_id)
        return {
            "id": saved.id,
            "created_at": saved.created_at.isoformat(),
            "updated_at": saved.updated_at.isoformat(),
            "case": saved.case.model_dump(mode="json"),
            "events": [e.model_dump(mode="json") for e in saved.events],
            "analysis": analyse(saved.case).to_json_dict(),
        }


def _visible(row: CaseRow, actor: Any) -> bool:
    """No actor: the local store of one person or one office. An actor sees only the cases
    of their organisation."""
    return actor is None or row.organisation_id == actor.organisation_id


def _require(actor: Any, permission: str) -> None:
    if actor is not None:
        from .accounts import require

        require(actor, permission)


def _saved(row: CaseRow) -> SavedCase:
    return SavedCase(
        id=row.id,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        version=row.version,
        case=parse_case(row.case_json),
        events=[Event(kind=e.kind, letter_id=e.letter_id, on=e.on, letter=e.letter_json) for e in row.events],
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite forgets time zones; we always store UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
