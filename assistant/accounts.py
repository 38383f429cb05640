"""Organisations, users and roles: who may see and do what with saved cases.

The anonymous flow needs none of this (saving is always the person's choice). When a
mediator, an association volunteer or a lawyer works with an account, every case belongs
to their organisation and nobody else sees it. Passwords are hashed with Argon2id
(argon2-cffi, the maintained binding of the reference implementation), never stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Boolean, DateTime, ForeignKey, LargeBinary, String, select
from sqlalchemy.orm import Mapped, mapped_column

from .store import Base, Store


class Role(str, Enum):
    mediator = "mediator"          # France Services, conseiller numérique
    volunteer = "volunteer"        # an association's volunteer
    lawyer = "lawyer"              # reviews and approves letters
    admin = "admin"                # manages the organisation's users


# What each role may do. A permission not listed is refused.
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.mediator: frozenset({"case.read", "case.write", "case.export", "case.delete", "letter.send", "letter.edit"}),
    Role.volunteer: frozenset({"case.read", "case.write", "letter.send", "letter.edit"}),
    Role.lawyer: frozenset({"case.read", "letter.edit", "letter.approve"}),
    Role.admin: frozenset({"case.read", "case.write", "case.export", "case.delete", "letter.send", "letter.edit",
                           "letter.approve", "user.manage", "template.manage"}),
}

_HASHER = PasswordHasher()   # Argon2id with the library's current recommended parameters


class OrganisationRow(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    requires_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


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


class User(BaseModel):
    """A signed-in person acting for an organisation (what the store needs to know)."""

    model_config = ConfigDict(frozen=True)
    id: str
    organisation_id: str
    email: str
    name: str
    role: Role

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]


class NotAllowed(PermissionError):
    """The user's role does not allow this action (French message for the page)."""


def require(user: Optional[User], permission: str) -> None:
    if user is not None and not user.can(permission):
        raise NotAllowed(f"votre rôle ({user.role.value}) ne permet pas cette action ({permission}).")


def _user(row: UserRow) -> User:
    return User(id=row.id, organisation_id=row.organisation_id, email=row.email, name=row.name, role=Role(row.role))


class Accounts:
    """Organisations and users, in the same database as the store."""

    def __init__(self, store: Store):
        self.store = store

    def create_organisation(self, name: str, requires_review: bool = False) -> str:
        with self.store._session() as session, session.begin():
            row = OrganisationRow(id=str(uuid.uuid4()), name=name, requires_review=requires_review,
                                  created_at=dt.datetime.now(dt.timezone.utc))
            session.add(row)
            return row.id

    def organisation_name(self, organisation_id: str) -> str:
        """The organisation's name, as shown to its users (empty for an unknown id)."""
        with self.store._session() as session:
            row = session.get(OrganisationRow, organisation_id)
            return row.name if row is not None else ""

    def add_user(self, organisation_id: str, email: str, name: str, role: Role, password: str,
                 by: Optional[User] = None) -> User:
        """A new account; `by` (an admin of that organisation) is required once it has users."""
        require(by, "user.manage")
        if by is not None and by.organisation_id != organisation_id:
            raise NotAllowed("vous ne gérez que les comptes de votre organisation.")
        if len(password) < 12:
            raise ValueError("mot de passe trop court (12 caractères au moins).")
        email = email.strip().lower()
        with self.store._session() as session, session.begin():
            if session.scalars(select(UserRow.id).where(UserRow.email == email)).first() is not None:
                raise ValueError(f"l'adresse {email} a déjà un compte.")
            row = UserRow(id=str(uuid.uuid4()), organisation_id=organisation_id, email=email,
                          name=name, role=Role(role).value, password_hash=_HASHER.hash(password),
                          created_at=dt.datetime.now(dt.timezone.utc))
            session.add(row)
            self.store._audit(session, by, "user.add", None, Role(role).value, organisation_id)
            return _user(row)

    def authenticate(self, email: str, password: str) -> Optional[User]:
        """The user, or None for an unknown e-mail, a wrong password or a disabled account
        (the same answer for all three)."""
        with self.store._session() as session, session.begin():
            row = session.scalars(select(UserRow).where(UserRow.email == email.strip().lower())).first()
            if row is None or not row.active:
                _HASHER.hash(password)   # same work either way: no timing hint that the e-mail exists
                return None
            try:
                _HASHER.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                self.store._audit(session, None, "login.failed", None, None, row.organisation_id)
                return None
            if _HASHER.check_needs_rehash(row.password_hash):
                row.password_hash = _HASHER.hash(password)
            user = _user(row)
            self.store._audit(session, user, "login", None, None)
            return user

    def set_template(self, docx: bytes, by: User) -> str:
        """Keep a new template for the admin's organisation (the caller checked it); returns
        its fingerprint."""
        import hashlib

        require(by, "template.manage")
        fingerprint = hashlib.sha256(docx).hexdigest()
        with self.store._session() as session, session.begin():
            session.add(TemplateRow(organisation_id=by.organisation_id, uploaded_at=dt.datetime.now(dt.timezone.utc),
                                    uploaded_by=by.id, fingerprint=fingerprint, docx=docx))
            self.store._audit(session, by, "template.set", None, fingerprint[:12])
        return fingerprint

    def template(self, organisation_id: str) -> Optional[bytes]:
        """The organisation's latest template, or None (the standard one is used)."""
        with self.store._session(read=True) as session:
            row = session.scalars(select(TemplateRow).where(TemplateRow.organisation_id == organisation_id)
                                  .order_by(TemplateRow.id.desc())).first()
            return row.docx if row else None

    def clear_template(self, by: User) -> None:
        """Back to the standard template (the organisation's templates are deleted)."""
        require(by, "template.manage")
        with self.store._session() as session, session.begin():
            for row in session.scalars(select(TemplateRow).where(TemplateRow.organisation_id == by.organisation_id)):
                session.delete(row)
            self.store._audit(session, by, "template.cleared", None)

    def requires_review(self, organisation_id: str) -> bool:
        with self.store._session(read=True) as session:
            row = session.get(OrganisationRow, organisation_id)
            return bool(row and row.requires_review)

    def set_requires_review(self, value: bool, by: User) -> None:
        """Whether the organisation's letters need a lawyer's approval before they go out."""
        require(by, "user.manage")
        with self.store._session() as session, session.begin():
            row = session.get(OrganisationRow, by.organisation_id)
            row.requires_review = bool(value)
            self.store._audit(session, by, "review.required" if value else "review.optional", None)
