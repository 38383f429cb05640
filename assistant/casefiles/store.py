"""What we remember: saved case files, the letters generated and sent, the answers received
and the person's consent — only when the person chooses to save.

SQLite by default (a file outside the code tree, readable by its owner only), PostgreSQL
when `DATABASE_URL` says so; the schema is made and upgraded by the Alembic migrations of
`alembic/` when the store opens.

Privacy by design: everything that says who the person is or what they wrote (the case
file, letter texts, proofs, notes) is sealed with `crypto` before it reaches the database;
in clear stay only what the dashboard sorts and filters on (organism kind, benefit,
situation, status, next due date) and ids. The audit log says who did what when, never
the content.

Concurrent writers never lose an update: a write locks its row (PostgreSQL) or takes the
database's write lock at once (SQLite), and every write bumps the case's `version`, which
a caller may require (`expected_version`).

The rows are in `tables.py`, the permission check in `roles.py`, the key checks in `keys.py`. The store runs no law: what
it indexes on each write (the next due date) comes from its `follow_up`, which
`service.open_store` plugs in; the dashboard and the person's copy read it from outside
(`dashboard.py`, `export.py`).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, Iterator, Optional, Protocol, Sequence

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assistant.casefiles import keys
from assistant.core import logs
from assistant.casefiles.crypto import Sealer, sealer
from assistant.casefiles.roles import PERMISSIONS, NotAllowed, Role, current, require
from assistant.casefiles.tables import (
    AuditRow, CaseRow, ConsentRow, EventRow, LetterRow, OrganisationRow, TemplateRow,
)
from assistant.law.model import Case, parse_case

ROOT = Path(__file__).resolve().parents[2]
# A checkout's alembic/, or its copy inside the package after `pip install .` (pyproject.toml).
MIGRATIONS = ROOT / "alembic" if (ROOT / "alembic" / "env.py").is_file() else ROOT / "assistant" / "_data" / "alembic"
DEFAULT_RETENTION_DAYS = 365


def data_dir() -> Path:
    """Where the embedded database and the key file live: `MESDROITS_DATA_DIR`, else the
    user's data folder (never the code checkout, which may be shared or published)."""
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


def retention_days() -> int:
    """How long a closed case is kept before the automatic purge (`MESDROITS_RETENTION_DAYS`)."""
    raw = os.environ.get("MESDROITS_RETENTION_DAYS", "")
    return int(raw) if raw.strip().isdigit() else DEFAULT_RETENTION_DAYS


class LetterStatus(str, Enum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    sent = "sent"
    superseded = "superseded"


class Frozen(RuntimeError):
    """A sent (or superseded) letter cannot be changed, only followed by a new version."""


class NeedsApproval(RuntimeError):
    """The organisation requires a lawyer's approval before a letter goes out."""


class NotUrgent(NeedsApproval):
    """An urgent sending without approval refused: the letter's last day is not close."""


class MissingReason(ValueError):
    """An urgent sending without approval needs the reason typed (French, names the field)."""


# A letter whose last day is this many days away or fewer is urgent: a review may pass the
# date. The lawyers are told, the sender warned, and the organisation's `UrgentSend` applies.
URGENT_DAYS = 3
MAX_REASON_CHARS = 500


def is_urgent(due: Optional[dt.date], on: dt.date) -> bool:
    """Due within URGENT_DAYS of `on` (or passed): a review may pass the date."""
    return due is not None and (due - on).days <= URGENT_DAYS


class UrgentSend(str, Enum):
    """Where review is required, who may send without approval a letter due within
    URGENT_DAYS (with a reason, in the audit log). Never a silent block: with `nobody` the
    letter waits, and the sender and the lawyers are told its date."""

    nobody = "nobody"     # only an approved letter goes out
    admin = "admin"       # an administrator of the organisation
    sender = "sender"     # an administrator or whoever records sendings (volunteer, mediator)


class ReviewSettings(BaseModel):
    """An organisation's review rules (none for a person alone or a local store)."""

    model_config = ConfigDict(frozen=True)
    requires_review: bool = False
    urgent_send: UrgentSend = UrgentSend.admin

    def may_send_urgently(self, role: Any) -> bool:
        """Whether a user of this role may send an urgent letter without approval."""
        role = Role(getattr(role, "value", role))
        if self.urgent_send is UrgentSend.sender:
            return "letter.send" in PERMISSIONS[role]
        return self.urgent_send is UrgentSend.admin and role is Role.admin


class Conflict(RuntimeError):
    """The case changed since the caller read it (`expected_version` no longer holds)."""


class NotFound(KeyError):
    """No saved case with that id visible to the caller (deleted, never saved, or another
    organisation's: its existence is not revealed)."""


def _sqlite_file(url: str) -> Optional[Path]:
    prefix = "sqlite:///"
    return Path(url[len(prefix):]) if url.startswith(prefix) and url[len(prefix):] not in ("", ":memory:") else None


def sqlite_file(url: str) -> Optional[Path]:
    """The embedded database's file that `url` names; None for a server or an in-memory base
    (for the health check and the backups)."""
    return _sqlite_file(url)


CONNECT_TIMEOUT = 5   # seconds to reach PostgreSQL before a click is told the store is unavailable
# SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100): the disk, not the server, failed.
_FULL_CODES = {13}
_FULL_STATES = {"53100"}


def failure_kind(error: BaseException) -> Optional[str]:
    """Why a store call failed, for the message people see: "full" (no room left on the
    database's disk: the write was refused and rolled back), "down" (the database cannot be
    reached or used now: a later click works again once it is back), None (not the
    database's state: a bug, shown as such)."""
    from sqlalchemy import exc

    if isinstance(error, exc.TimeoutError):    # no pooled connection came free in time
        return "down"
    if not isinstance(error, exc.DBAPIError) or not (
            isinstance(error, (exc.OperationalError, exc.InterfaceError)) or error.connection_invalidated):
        return None   # a constraint or a programming error: a bug, not an outage
    original = getattr(error, "orig", None)
    if getattr(original, "sqlite_errorcode", None) in _FULL_CODES or getattr(original, "sqlstate", None) in _FULL_STATES:
        return "full"
    return "down"


def make_engine(url: str, immediate: bool = True) -> Engine:
    """An engine; for SQLite: a private file (0600), WAL, a busy timeout, and (`immediate`,
    for writers) transactions that take the write lock at once (BEGIN IMMEDIATE) so that
    two writers queue instead of one losing its update. Readers begin normally: in WAL mode
    they never wait for a writer."""
    from sqlalchemy import event

    path = _sqlite_file(url)
    if path is None:
        # A dead connection is found and replaced at checkout (pool_pre_ping): the service
        # recovers by itself when PostgreSQL returns. A server that does not answer fails a
        # click in seconds, not after the system's TCP timeout.
        timeout = {} if "connect_timeout" in url or not url.startswith("postgresql") else {"connect_timeout": CONNECT_TIMEOUT}
        return create_engine(url, future=True, pool_pre_ping=True, connect_args=timeout)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    engine = create_engine(url, future=True, connect_args={"timeout": 60, "isolation_level": None,
                                                            "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")   # a deleted case is overwritten, not left in free pages
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def migrate(engine: Engine, seal: Optional[Sealer] = None, action: str = "upgrade", target: str = "head") -> None:
    """Bring the schema to the latest Alembic revision (idempotent), or run another Alembic
    command (`downgrade`, a revision). Migrations that seal old clear data get the sealer
    through the config."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["sealer"] = seal or sealer(data_dir())
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # SQLite rebuilds a table to alter it: with foreign keys on, dropping the old
            # case table would cascade-delete every event and letter. The pragma only
            # changes outside a transaction, hence on the driver connection, first.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                getattr(command, action)(config, target)
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
                # What a migration replaced (e.g. clear data it sealed) leaves the file now.
                connection.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Status(str, Enum):
    open = "open"
    closed = "closed"


class Channel(str, Enum):
    """How a letter went out (what proves it was sent differs)."""

    registered_post = "registered_post"   # lettre recommandée avec accusé de réception
    post = "post"
    online_account = "online_account"     # message on the body's online account
    email = "email"
    by_hand = "by_hand"                   # handed in at a counter, with a receipt


# --- what callers get ---------------------------------------------------------------------

class Event(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    kind: str                          # "sent" | "answer"
    letter_id: Optional[str]
    on: dt.date
    channel: Optional[str] = None
    answer_kind: Optional[str] = None
    note: Optional[str] = None         # proof of sending, or what the answer said (opened)


class StoredLetter(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    letter_id: str
    number: int
    parent_id: Optional[int]
    status: str
    created_at: dt.datetime
    created_by: Optional[str]
    project_version: str
    template_version: str
    refs: list[str]
    refs_verified: dict[str, str]
    letter: dict                       # letters.models.Letter as data
    reviewed_by: Optional[str] = None
    comment: Optional[str] = None


class Consent(BaseModel):
    """What the person agreed to, when and how (given by the page or the CLI)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    given_on: dt.date
    scope: list[str] = Field(min_length=1)   # e.g. ["keep_file", "appeal", "documents", "follow_up"]
    how: str = Field(pattern="^(signed|oral|electronic)$")
    id: Optional[int] = None
    withdrawn_on: Optional[dt.date] = None


class SavedCase(BaseModel):
    """A case file as stored: the contract case plus its history of events."""

    model_config = ConfigDict(frozen=True)
    id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    status: str
    next_due: Optional[dt.date]
    organisation_id: Optional[str]
    case: Case
    events: list[Event]


_MIGRATING = threading.Lock()
_MIGRATED: set[str] = set()


class FollowUp(Protocol):
    """What the store asks the follow-up ladder inside each write, under the case's lock (the
    store never runs the engine itself): `service.LadderFollowUp`, given by `service.open_store`."""

    def next_due(self, case: Case, events: Sequence[Any]) -> Optional[dt.date]:
        """The date to index for the dashboard, from the case and its events (kind, letter_id,
        on, answer_kind), oldest first."""

    def after_sending(self, case: Case, letter_id: str, on: dt.date) -> Case:
        """The case once that letter went out on that day (its history date filled)."""

    def answer_kind(self, kind: str) -> str:
        """The answer's kind, checked (ValueError for an unknown one)."""

    def letter_dues(self, case: Case, events: Sequence[Any]) -> dict[str, dt.date]:
        """Each letter's last day (the earliest due date of its open steps), from the case
        and its events as for `next_due`; a letter with no time limit is absent."""


class Store:
    """Case files in a SQL database; every method is one short transaction. `actor` (a
    roles.User) scopes every method to the actor's organisation and checks their role;
    no actor is the local store of one person or one office. `follow_up` computes what
    each write indexes (the next due date)."""

    def __init__(self, url: Optional[str] = None, engine: Optional[Engine] = None, seal: Optional[Sealer] = None,
                 *, follow_up: FollowUp):
        self.follow_up = follow_up
        self.engine = engine or make_engine(url or database_url())
        self._reader = (make_engine(self.engine.url.render_as_string(hide_password=False), immediate=False)
                        if self.engine.dialect.name == "sqlite" else self.engine)
        key = self.engine.url.render_as_string(hide_password=False)
        with _MIGRATING:   # once per database and process (Alembic's context is not thread-safe)
            self.sealer, openers = keys.checked_sealer(self._reader, key, data_dir(), seal)
            if key not in _MIGRATED:
                migrate(self.engine, self.sealer)
                _MIGRATED.add(key)
            keys.record_keys(self.read, self.write, key, self.sealer, openers)

    def close(self) -> None:
        """Close the connections (on SQLite the last one folds the WAL back into the file)."""
        self._reader.dispose()
        self.engine.dispose()

    def _session(self, read: bool = False) -> Session:
        return Session(self._reader if read else self.engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that only reads (on SQLite it does not take the write lock)."""
        with self._session(read=True) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction, committed at the end (rolled back on error)."""
        with self._session() as session, session.begin():
            yield session

    def require(self, actor: Any, permission: str) -> None:
        """Refuse (roles.NotAllowed) unless the actor may do this now: their role and
        status are read again from the database, never trusted from the session's copy, so
        a disabled, removed or demoted user loses the right at their next click. Every
        privileged path calls it (the store's methods and `accounts.Accounts`'). No actor:
        the local store of one person or one office."""
        if actor is None:
            return
        with self.read() as session:
            require(current(session, actor), permission)

    @staticmethod
    def _locked(session: Session, case_id: str, actor: Any = None) -> CaseRow:
        """The row, locked until the end of the transaction (PostgreSQL; SQLite already
        holds the database's write lock since BEGIN IMMEDIATE)."""
        row = session.get(CaseRow, case_id, with_for_update=True, populate_existing=True)
        if row is None or not _visible(row, actor):
            raise NotFound(case_id)
        return row

    def audit(self, session: Session, actor: Any, action: str, case_id: Optional[str], detail: Optional[str] = None,
              organisation_id: Optional[str] = None, note: Optional[str] = None) -> None:
        """One audit entry, in the caller's transaction: who, what, which case — never content
        in clear; `note` (a reason typed) is sealed."""
        session.add(AuditRow(at=_now(), user_id=getattr(actor, "id", None),
                             organisation_id=getattr(actor, "organisation_id", None) or organisation_id,
                             action=action, case_id=case_id, detail=detail,
                             note_sealed=self.sealer.seal(note) if note is not None else None))

    def audit_trail(self, case_id: Optional[str] = None, actor: Any = None) -> list[dict[str, Any]]:
        """The audit entries (of one case, or all), oldest first; an actor sees only their
        organisation's entries."""
        self.require(actor, "case.read")
        with self.read() as session:
            query = select(AuditRow).order_by(AuditRow.id)
            if case_id is not None:
                query = query.where(AuditRow.case_id == case_id)
            if actor is not None:
                query = query.where(AuditRow.organisation_id == actor.organisation_id)
            return [{"at": _aware(r.at), "user_id": r.user_id, "organisation_id": r.organisation_id,
                     "action": r.action, "case_id": r.case_id, "detail": r.detail,
                     "note": self.sealer.open(r.note_sealed) if r.note_sealed else None}
                    for r in session.scalars(query)]

    # --- the case file ---------------------------------------------------------------------

    def save(self, case: Case, case_id: Optional[str] = None, expected_version: Optional[int] = None,
             actor: Any = None, consent: Optional[Consent] = None) -> str:
        """Create or replace a case file; returns its id. With `expected_version`, refuse
        (Conflict) to overwrite a case someone else changed meanwhile. With an `actor`, the
        case belongs to the actor's organisation; `consent` records the person's agreement
        with the first save."""
        self.require(actor, "case.write")
        now = _now()
        with self.write() as session:
            row = None
            if case_id:
                existing = session.get(CaseRow, case_id, with_for_update=True, populate_existing=True)
                if existing is not None and not _visible(existing, actor):
                    raise NotFound(case_id)      # another organisation's case: never overwritten
                row = existing
            if row is None:
                row = CaseRow(id=case_id or str(uuid.uuid4()), created_at=now, updated_at=now, version=1,
                              status=Status.open.value, organisation_id=getattr(actor, "organisation_id", None),
                              created_by=getattr(actor, "id", None))
                self._write_case(row, case)
                session.add(row)
                session.flush()
                self.audit(session, actor, "case.create", row.id)
            else:
                if expected_version is not None and row.version != expected_version:
                    raise Conflict(f"case {case_id} is at version {row.version}, not {expected_version}")
                self._write_case(row, case)
                row.updated_at, row.version = now, row.version + 1
                self.audit(session, actor, "case.update", row.id, f"version {row.version}")
            if consent is not None:
                session.add(ConsentRow(case_id=row.id, given_on=consent.given_on, scope=list(consent.scope),
                                       how=consent.how, recorded_by=getattr(actor, "id", None)))
                self.audit(session, actor, "consent.given", row.id)
            return row.id

    def _write_case(self, row: CaseRow, case: Case) -> None:
        row.sealed = self.sealer.seal(case.model_dump(mode="json"))
        row.organism_kind, row.benefit, row.situation = case.organism.kind.value, case.benefit.value, case.situation.value
        row.next_due = self._next_due(case, row) if row.status == Status.open.value else None

    def _case_of(self, row: CaseRow) -> Case:
        return parse_case(self.sealer.open(row.sealed))

    def _next_due(self, case: Case, row: CaseRow) -> Optional[dt.date]:
        """The follow-up's next due date, from the case's events (read as plain columns: a
        write never loads and opens the whole history)."""
        from sqlalchemy.orm import object_session

        session = object_session(row)
        events = _event_columns(session, row) if session is not None and row.id is not None else []
        return self.follow_up.next_due(case, events)

    def get(self, case_id: str, actor: Any = None) -> SavedCase:
        self.require(actor, "case.read")
        with self.read() as session:
            return self._saved(_readable(session, case_id, actor))

    def _saved(self, row: CaseRow) -> SavedCase:
        return SavedCase(id=row.id, created_at=_aware(row.created_at), updated_at=_aware(row.updated_at),
                         version=row.version, status=row.status, next_due=row.next_due,
                         organisation_id=row.organisation_id, case=self._case_of(row),
                         events=[self._event(e) for e in row.events])

    def _event(self, e: EventRow) -> Event:
        return Event(id=e.id, kind=e.kind, letter_id=e.letter_id, on=e.on, channel=e.channel,
                     answer_kind=e.answer_kind, note=self.sealer.open(e.sealed))

    def list(self, actor: Any = None) -> list[SavedCase]:
        """Every case (no actor) or the actor's organisation's, oldest first."""
        self.require(actor, "case.read")
        query = select(CaseRow).order_by(CaseRow.created_at, CaseRow.id)
        if actor is not None:
            query = query.where(CaseRow.organisation_id == actor.organisation_id)
        with self.read() as session:
            return [self._saved(row) for row in session.scalars(query)]

    def set_status(self, case_id: str, status: Status, actor: Any = None) -> None:
        """Close a case (the purge counts from then) or reopen it."""
        self.require(actor, "case.write")
        status = Status(status)
        with self.write() as session:
            row = self._locked(session, case_id, actor)
            row.status = status.value
            row.closed_at = _now() if status is Status.closed else None
            row.next_due = self._next_due(self._case_of(row), row) if status is Status.open else None
            row.version += 1
            self.audit(session, actor, f"case.{'close' if status is Status.closed else 'reopen'}", case_id)

    # --- what happened: letters sent, answers received ------------------------------------

    def record_sent(self, case_id: str, letter_id: str, on: dt.date, letter: Optional[dict] = None,
                    actor: Any = None, channel: Optional[Channel] = None, proof: Optional[str] = None,
                    version_id: Optional[int] = None) -> SavedCase:
        """Remember that a letter was sent: when, how, the proof, and its text as sent — a
        stored version (`version_id`) marked sent, or `letter` kept as a new sent version.
        Where the organisation requires review, only an approved version goes out. The
        case's history date of that letter is filled, which drives the follow-ups."""
        self.require(actor, "letter.send")
        with self.write() as session:
            row = self._locked(session, case_id, actor)
            if version_id is not None:
                version = self._letter_row(session, version_id, actor)
                if version.case_id != case_id or version.letter_id != letter_id:
                    raise NotFound(version_id)
                if version.status in (LetterStatus.sent.value, LetterStatus.superseded.value):
                    raise Frozen("ce courrier a déjà été envoyé ou remplacé.")
                if self._requires_review(session, row) and version.status != LetterStatus.approved.value:
                    raise NeedsApproval("votre organisation demande qu'un courrier soit approuvé avant l'envoi.")
                version.status = LetterStatus.sent.value
            elif letter is not None and self._requires_review(session, row):
                raise NeedsApproval("votre organisation demande qu'un courrier soit approuvé avant l'envoi.")
            self._sent(session, row, letter_id, on, letter, actor, channel, proof)
            self.audit(session, actor, "letter.sent", case_id, letter_id)
        return self.get(case_id, actor)

    def _sent(self, session: Session, row: CaseRow, letter_id: str, on: dt.date, letter: Optional[dict], actor: Any,
              channel: Optional[Channel], proof: Optional[str]) -> None:
        """The sending's event, its letter kept if given, the case's history moved on."""
        case = self.follow_up.after_sending(self._case_of(row), letter_id, on)
        session.add(EventRow(case_id=row.id, kind="sent", letter_id=letter_id, on=on,
                             channel=Channel(channel).value if channel else None, sealed=self.sealer.seal(proof)))
        if letter is not None:
            self._add_letter(session, row, letter_id, letter, "sent", None, actor)
        self._write_case(row, case)
        row.updated_at, row.version = _now(), row.version + 1

    def send_urgent(self, case_id: str, version_id: int, on: dt.date, reason: str, actor: Any = None,
                    channel: Optional[Channel] = None, proof: Optional[str] = None) -> SavedCase:
        """Send a stored version without approval because its last day is close (within
        URGENT_DAYS of `on`), where the organisation lets the actor's role do so (its
        `UrgentSend`). The audit log keeps who, when, the last day and the reason typed
        (sealed). Refuses with MissingReason, NotAllowed, NotUrgent (no date, or not close),
        Frozen (already sent or replaced)."""
        self.require(actor, "letter.send")
        reason = (reason or "").strip()
        if not reason:
            raise MissingReason("Motif de l'envoi sans approbation (reason) : écrivez pourquoi ce courrier part "
                                "sans l'approbation d'un juriste.")
        if len(reason) > MAX_REASON_CHARS:
            raise MissingReason(f"Motif de l'envoi sans approbation (reason) : {MAX_REASON_CHARS} caractères au plus.")
        with self.write() as session:
            row = self._locked(session, case_id, actor)
            version = self._letter_row(session, version_id, actor)
            if version.case_id != case_id:
                raise NotFound(version_id)
            if version.status in (LetterStatus.sent.value, LetterStatus.superseded.value):
                raise Frozen("ce courrier a déjà été envoyé ou remplacé.")
            settings = self._settings(session, row.organisation_id)
            if actor is not None and settings.requires_review and not settings.may_send_urgently(
                    current(session, actor).role):
                raise NotAllowed("votre organisation ne permet pas à votre rôle d'envoyer un courrier sans approbation.")
            due = self.follow_up.letter_dues(self._case_of(row), _event_columns(session, row)).get(version.letter_id)
            if not is_urgent(due, on):
                raise NotUrgent(f"ce courrier n'a pas de date limite dans les {URGENT_DAYS} jours : "
                                "il attend l'approbation d'un juriste.")
            previous = version.status
            version.status = LetterStatus.sent.value
            self._sent(session, row, version.letter_id, on, None, actor, channel, proof)
            self.audit(session, actor, "letter.urgent_sent", case_id,
                       f"{version.letter_id} v{version.number} {previous} due {due.isoformat()}", note=reason)
        return self.get(case_id, actor)

    def record_answer(self, case_id: str, to_letter: str, on: dt.date, kind: str, note: Optional[str] = None,
                      actor: Any = None) -> SavedCase:
        """Remember the body's answer to a sent letter, as classified by the answer
        diagnosis (followup.AnswerKind): the ladder's next steps follow from it."""
        self.require(actor, "case.write")
        kind = self.follow_up.answer_kind(kind)
        with self.write() as session:
            row = self._locked(session, case_id, actor)
            session.add(EventRow(case_id=row.id, kind="answer", letter_id=to_letter, on=on, answer_kind=kind,
                                       sealed=self.sealer.seal(note)))
            self._write_case(row, self._case_of(row))
            row.updated_at, row.version = _now(), row.version + 1
            self.audit(session, actor, "answer.recorded", case_id, f"{to_letter} {kind}")
        return self.get(case_id, actor)

    # --- letters as generated --------------------------------------------------------------

    def add_letter(self, case_id: str, letter: dict, status: str = "draft", parent_id: Optional[int] = None,
                   actor: Any = None) -> StoredLetter:
        """Keep a letter exactly as generated (or edited: `parent_id` is the version it
        changes), with the project and template versions and each cited reference's
        verification date. A new letter is a draft: its status changes only through
        submit_letter, review_letter and record_sent, which record who, when and why."""
        self.require(actor, "case.write")
        if status != LetterStatus.draft.value:
            raise ValueError(f"un courrier s'enregistre comme brouillon (draft), pas « {status} » : son statut "
                             "change ensuite par la relecture (submit_letter, review_letter) ou l'envoi (record_sent).")
        with self.write() as session:
            row = self._locked(session, case_id, actor)
            stored = self._add_letter(session, row, letter["id"], letter, status, parent_id, actor)
            row.version += 1
            self.audit(session, actor, "letter.stored", case_id, f"{letter['id']} {status}")
            session.flush()
            organisation = row.organisation_id
            result = self._letter(stored)
        logs.event("letter_stored", source="casefiles", case_id=case_id, organisation_id=organisation,
                   letter=letter["id"])
        return result

    def _add_letter(self, session: Session, row: CaseRow, letter_id: str, letter: dict, status: str,
                    parent_id: Optional[int], actor: Any) -> LetterRow:
        from assistant.letters.provenance import project_version, refs_verified, template_version

        refs = list(dict.fromkeys(c for p in letter.get("paragraphs", []) for c in p.get("cites", [])))
        number = (session.scalar(select(func.max(LetterRow.number)).where(
            LetterRow.case_id == row.id, LetterRow.letter_id == letter_id)) or 0) + 1
        version = template_version(letter_id)
        if row.organisation_id is not None:
            # The organisation's own layout, when it has one.
            own = session.scalar(select(TemplateRow.fingerprint).where(TemplateRow.organisation_id == row.organisation_id)
                                 .order_by(TemplateRow.id.desc()).limit(1))
            if own:
                version = f"{version}+{own[:12]}"
        stored = LetterRow(case_id=row.id, letter_id=letter_id, number=number, parent_id=parent_id, status=status,
                           created_at=_now(), created_by=getattr(actor, "id", None),
                           project_version=project_version(), template_version=version,
                           refs=refs, refs_verified=refs_verified(refs), sealed=self.sealer.seal(letter))
        session.add(stored)
        return stored

    def _letter(self, r: LetterRow) -> StoredLetter:
        return StoredLetter(id=r.id, letter_id=r.letter_id, number=r.number, parent_id=r.parent_id, status=r.status,
                            created_at=_aware(r.created_at), created_by=r.created_by,
                            project_version=r.project_version, template_version=r.template_version,
                            refs=list(r.refs), refs_verified=dict(r.refs_verified), letter=self.sealer.open(r.sealed),
                            reviewed_by=r.reviewed_by, comment=self.sealer.open(r.comment_sealed))

    @staticmethod
    def _requires_review(session: Session, row: CaseRow) -> bool:
        if row.organisation_id is None:
            return False
        organisation = session.get(OrganisationRow, row.organisation_id)
        return bool(organisation and organisation.requires_review)

    @staticmethod
    def _settings(session: Session, organisation_id: Optional[str]) -> ReviewSettings:
        organisation = session.get(OrganisationRow, organisation_id) if organisation_id else None
        if organisation is None:
            return ReviewSettings()
        return ReviewSettings(requires_review=bool(organisation.requires_review),
                              urgent_send=UrgentSend(organisation.urgent_send or UrgentSend.admin.value))

    def review_settings(self, actor: Any = None) -> ReviewSettings:
        """The actor's organisation's review rules (the defaults without an actor)."""
        self.require(actor, "case.read")
        with self.read() as session:
            return self._settings(session, getattr(actor, "organisation_id", None))

    def set_urgent_send(self, value: UrgentSend, actor: Any) -> None:
        """An administrator chooses who may send an urgent letter without approval."""
        self.require(actor, "user.manage")
        value = UrgentSend(value)
        with self.write() as session:
            organisation = session.get(OrganisationRow, actor.organisation_id)
            organisation.urgent_send = value.value
            self.audit(session, actor, "review.urgent_send", None, value.value)

    def _letter_row(self, session: Session, version_id: int, actor: Any) -> LetterRow:
        """A stored letter version, locked with its case, if the actor may see the case."""
        version = session.get(LetterRow, version_id)
        if version is None:
            raise NotFound(version_id)
        self._locked(session, version.case_id, actor)
        return session.get(LetterRow, version_id, with_for_update=True, populate_existing=True)

    def edit_letter(self, version_id: int, letter: dict, actor: Any = None) -> StoredLetter:
        """A changed letter becomes a new version whose parent is the one changed (the
        generated text stays as it was, superseded); under review it stays under review.
        A sent letter is frozen."""
        self.require(actor, "letter.edit")
        with self.write() as session:
            parent = self._letter_row(session, version_id, actor)
            if parent.status in (LetterStatus.sent.value, LetterStatus.superseded.value):
                raise Frozen("ce courrier a déjà été envoyé ou remplacé : il ne peut plus être modifié.")
            case_row = session.get(CaseRow, parent.case_id)
            status = LetterStatus.in_review if parent.status in ("in_review", "approved") else LetterStatus.draft
            stored = self._add_letter(session, case_row, parent.letter_id, letter, status.value, parent.id, actor)
            parent.status = LetterStatus.superseded.value
            case_row.version += 1
            self.audit(session, actor, "letter.edited", parent.case_id, f"{parent.letter_id} v{stored.number}")
            session.flush()
            return self._letter(stored)

    def submit_letter(self, version_id: int, actor: Any = None) -> StoredLetter:
        """Ask for a lawyer's review."""
        return self._set_letter_status(version_id, LetterStatus.in_review, "letter.edit", actor,
                                       allowed_from=(LetterStatus.draft,))

    def review_letter(self, version_id: int, approve: bool, comment: Optional[str] = None,
                      actor: Any = None) -> StoredLetter:
        """A reviewer approves the letter, or sends it back (draft) with a comment."""
        return self._set_letter_status(version_id, LetterStatus.approved if approve else LetterStatus.draft,
                                       "letter.approve", actor, comment=comment,
                                       allowed_from=(LetterStatus.draft, LetterStatus.in_review))

    def _set_letter_status(self, version_id: int, status: LetterStatus, permission: str, actor: Any,
                           allowed_from: tuple[LetterStatus, ...], comment: Optional[str] = None) -> StoredLetter:
        self.require(actor, permission)
        with self.write() as session:
            version = self._letter_row(session, version_id, actor)
            if LetterStatus(version.status) not in allowed_from:
                raise Frozen(f"ce courrier est « {version.status} » : cette étape n'est plus possible.")
            version.status = status.value
            if permission == "letter.approve":
                version.reviewed_by, version.reviewed_at = getattr(actor, "id", None), _now()
                version.comment_sealed = self.sealer.seal(comment)
            self.audit(session, actor, f"letter.{status.value}", version.case_id, f"{version.letter_id} v{version.number}")
            session.flush()
            return self._letter(version)

    def letters(self, case_id: str, actor: Any = None) -> list[StoredLetter]:
        self.require(actor, "case.read")
        with self.read() as session:
            _readable(session, case_id, actor)
            query = select(LetterRow).where(LetterRow.case_id == case_id).order_by(LetterRow.id)
            return [self._letter(r) for r in session.scalars(query)]

    def letters_in(self, statuses: Sequence[str], actor: Any = None) -> list[tuple[SavedCase, list[StoredLetter]]]:
        """The open cases holding letter versions in these statuses, each with those versions
        (oldest first): one query finds them, only their cases are opened."""
        self.require(actor, "case.read")
        query = (select(LetterRow).join(CaseRow, CaseRow.id == LetterRow.case_id)
                 .where(LetterRow.status.in_([LetterStatus(s).value for s in statuses]),
                        CaseRow.status == Status.open.value)
                 .order_by(LetterRow.case_id, LetterRow.id))
        if actor is not None:
            query = query.where(CaseRow.organisation_id == actor.organisation_id)
        with self.read() as session:
            found: dict[str, list[StoredLetter]] = {}
            for r in session.scalars(query):
                found.setdefault(r.case_id, []).append(self._letter(r))
            return [(self._saved(session.get(CaseRow, case_id)), versions) for case_id, versions in found.items()]

    # --- consent -------------------------------------------------------------------------

    def record_consent(self, case_id: str, consent: Consent, actor: Any = None) -> None:
        self.require(actor, "case.write")
        with self.write() as session:
            self._locked(session, case_id, actor)
            session.add(ConsentRow(case_id=case_id, given_on=consent.given_on, scope=list(consent.scope),
                                   how=consent.how, recorded_by=getattr(actor, "id", None)))
            self.audit(session, actor, "consent.given", case_id)

    def withdraw_consent(self, case_id: str, on: dt.date, actor: Any = None) -> None:
        """The person withdraws their consent: every consent of the case ends that day
        (deleting the file is then a separate, explicit step)."""
        self.require(actor, "case.write")
        with self.write() as session:
            self._locked(session, case_id, actor)
            for consent in session.scalars(select(ConsentRow).where(ConsentRow.case_id == case_id,
                                                                    ConsentRow.withdrawn_on.is_(None))):
                consent.withdrawn_on = on
            self.audit(session, actor, "consent.withdrawn", case_id)

    def consents(self, case_id: str, actor: Any = None) -> list[Consent]:
        self.require(actor, "case.read")
        with self.read() as session:
            _readable(session, case_id, actor)
            query = select(ConsentRow).where(ConsentRow.case_id == case_id).order_by(ConsentRow.id)
            return [Consent(id=c.id, given_on=c.given_on, scope=list(c.scope), how=c.how, withdrawn_on=c.withdrawn_on)
                    for c in session.scalars(query)]

    # --- delete, purge --------------------------------------------------------------

    def delete(self, case_id: str, actor: Any = None) -> None:
        """Forget a case file with its events, letters and consents, for good (the audit log
        keeps only that it was deleted, by whom and when)."""
        self.require(actor, "case.delete")
        with self.write() as session:
            row = self._locked(session, case_id, actor)
            session.delete(row)
            self.audit(session, actor, "case.delete", case_id)

    def purge(self, now: Optional[dt.datetime] = None, days: Optional[int] = None, actor: Any = None) -> list[str]:
        """Delete the closed cases whose closing is older than the retention period; returns
        their ids. Run at start (`python -m assistant migrate`) and by `cases purge`."""
        self.require(actor, "case.delete")
        limit = (now or _now()) - dt.timedelta(days=retention_days() if days is None else days)
        query = select(CaseRow).where(CaseRow.status == Status.closed.value, CaseRow.closed_at < limit)
        if actor is not None:
            query = query.where(CaseRow.organisation_id == actor.organisation_id)
        with self.write() as session:
            rows = list(session.scalars(query.with_for_update()))
            for row in rows:
                session.delete(row)
                self.audit(session, actor, "case.purge", row.id)
            return [row.id for row in rows]

    # --- keys ----------------------------------------------------------------------------

    def rekey(self, batch_size: int = 500) -> dict[str, int]:
        """Seal every sealed value of every table again under the sealing key (the first of
        MESDROITS_KEY), one transaction per batch of rows; then only that key's fingerprint
        stays recorded and the older keys can be removed. Returns the values re-sealed per
        `table.column`. For the server's operator: it touches every organisation's data."""
        done = keys.reseal_all(self.engine, self._reader, self.sealer, batch_size)
        sealing = self.sealer.fingerprints[0]
        with self.write() as session:
            keys.keep_only(session, sealing, _now())
            self.audit(session, None, "key.rekey", None, f"clé {sealing}")
        if self.engine.dialect.name == "sqlite":
            # The old tokens leave the write-ahead log too (secure_delete already blanks pages).
            raw = self.engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        return done


def _event_columns(session: Session, row: CaseRow) -> list[Any]:
    """The case's events as plain columns (kind, letter_id, on, answer_kind), oldest first:
    what the follow-up reads, without opening the sealed notes."""
    session.flush()
    return list(session.execute(select(EventRow.kind, EventRow.letter_id, EventRow.on, EventRow.answer_kind)
                                .where(EventRow.case_id == row.id).order_by(EventRow.id)).all())


def _readable(session: Session, case_id: str, actor: Any) -> CaseRow:
    """The case row if the actor may see it; NotFound otherwise (another organisation's
    case is not revealed to exist)."""
    row = session.get(CaseRow, case_id)
    if row is None or not _visible(row, actor):
        raise NotFound(case_id)
    return row


def _visible(row: CaseRow, actor: Any) -> bool:
    """No actor: the local store of one person or one office. An actor sees only the cases
    of their organisation."""
    return actor is None or row.organisation_id == actor.organisation_id


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite forgets time zones; we always store UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
