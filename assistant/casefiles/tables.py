"""The tables: what the database holds, row by row (SQLAlchemy). The store and the accounts
read and write them; Alembic's migrations (`alembic/`) take their metadata from `Base`.

Sealed columns are named `sealed` or `…_sealed` (the key check and `rekey` find them by
that name); everything else is in clear because the dashboard sorts and filters on it."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class CaseRow(Base):
    __tablename__ = "case_files"
    __table_args__ = (Index("ix_case_files_dashboard", "organisation_id", "status", "next_due"),
                      Index("ix_case_files_due", "status", "next_due"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sealed: Mapped[str] = mapped_column(Text)          # the contract case file, sealed
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    organisation_id: Mapped[Optional[str]] = mapped_column(String(36), nullable=True, index=True)
    created_by: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    # In clear, for the dashboard only: no name, address, number or free text.
    organism_kind: Mapped[str] = mapped_column(String(20))
    benefit: Mapped[str] = mapped_column(String(40))
    situation: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    next_due: Mapped[Optional[dt.date]] = mapped_column(Date, nullable=True)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), nullable=True)
    events: Mapped[list["EventRow"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True, order_by="EventRow.id"
    )


class EventRow(Base):
    """Something that happened to the case: a letter sent, an answer received."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_files.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))          # "sent" | "answer"
    letter_id: Mapped[Optional[str]] = mapped_column(String(40))   # sent: the letter; answer: the letter answered
    on: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[Optional[str]] = mapped_column(String(20), nullable=True)
    answer_kind: Mapped[Optional[str]] = mapped_column(String(30), nullable=True)
    sealed: Mapped[Optional[str]] = mapped_column(Text, nullable=True)    # proof / note, sealed
    case: Mapped[CaseRow] = relationship(back_populates="events")


class LetterRow(Base):
    """A letter as generated (or edited): its exact text, what it cites, what made it."""

    __tablename__ = "letter_versions"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_files.id", ondelete="CASCADE"), index=True)
    letter_id: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column()                  # 1, 2… per case and letter id
    parent_id: Mapped[Optional[int]] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(20))        # draft | in_review | approved | sent | superseded
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    project_version: Mapped[str] = mapped_column(String(40))
    template_version: Mapped[str] = mapped_column(String(40))
    refs: Mapped[list] = mapped_column(JSON)              # legal_refs ids cited
    refs_verified: Mapped[dict] = mapped_column(JSON)     # id → verified_on at generation
    sealed: Mapped[str] = mapped_column(Text)             # the Letter, sealed
    reviewed_by: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    reviewed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), nullable=True)
    comment_sealed: Mapped[Optional[str]] = mapped_column(Text, nullable=True)   # the reviewer's comment


class ConsentRow(Base):
    """The person's consent to a mediator or association acting and keeping their file."""

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_files.id", ondelete="CASCADE"), index=True)
    given_on: Mapped[dt.date] = mapped_column(Date)
    scope: Mapped[list] = mapped_column(JSON)
    how: Mapped[str] = mapped_column(String(20))
    recorded_by: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    withdrawn_on: Mapped[Optional[dt.date]] = mapped_column(Date, nullable=True)


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
    # What a person typed to justify an action (an urgent sending's reason), sealed: it may
    # name the person.
    note_sealed: Mapped[Optional[str]] = mapped_column(Text, nullable=True)


class SealingKeyRow(Base):
    """The fingerprint (crypto.fingerprint, never the key) of each key that may have sealed
    something here: what a refusal names when the configured key does not open the data.
    `cases rekey` leaves only the sealing key's."""

    __tablename__ = "sealing_keys"
    fingerprint: Mapped[str] = mapped_column(String(16), primary_key=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# --- organisations and accounts (accounts.py) -----------------------------------------------

class OrganisationRow(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    requires_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where review is required, who may send a letter due within a few days without approval
    # (store.UrgentSend: nobody | admin | sender).
    urgent_send: Mapped[str] = mapped_column(String(10), default="admin", server_default="admin")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), nullable=True)
    last_sign_in_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), nullable=True)


class AccountLinkRow(Base):
    """A one-time link that lets a user choose their password (an invitation, or a reset by
    an admin): only a digest of its random token is kept, never the token; deleted when
    used, replaced or past `expires_at`."""

    __tablename__ = "account_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))          # "invite" | "reset"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SignInFailureRow(Base):
    """Recent failed sign-ins of one e-mail address or one source, under a digest (no
    address in clear); deleted once the window and the cooldown are over."""

    __tablename__ = "sign_in_failures"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column()
    first_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), nullable=True)


class TemplateRow(Base):
    """An organisation's own letter template (checked before it is accepted: see
    letters/org_templates.py); the latest one is used, the older ones kept."""

    __tablename__ = "organisation_templates"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    docx: Mapped[bytes] = mapped_column(LargeBinary)


class DraftRow(Base):
    """In-progress answers of the app (`drafts.py`), under a digest of the session's random
    key (never the key), sealed, deleted once `expires_at` is past."""

    __tablename__ = "drafts"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)                 # the snapshot of the answers, sealed
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
