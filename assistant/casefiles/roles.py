"""Roles and what each may do: the one permission check, which the store runs before every
privileged action (its own and the accounts'). The user's row is read again each time
(`current`), so a disabled, removed or demoted account loses its rights at the next click, and
a session opened before the account's password was changed or reset ends there."""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import Optional

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from assistant.casefiles.tables import UserRow


class Role(str, Enum):
    mediator = "mediator"          # France Services, conseiller numérique
    volunteer = "volunteer"        # an association's volunteer
    lawyer = "lawyer"              # reviews and approves letters
    admin = "admin"                # manages the organisation's users


# What each role may do. A permission not listed is refused. Every role changes its own
# password ("account.password"); only an admin invites ("user.invite") and resets
# another account's password ("user.reset_password").
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.mediator: frozenset({"case.read", "case.write", "case.export", "case.delete", "letter.send", "letter.edit",
                              "account.password"}),
    Role.volunteer: frozenset({"case.read", "case.write", "letter.send", "letter.edit", "account.password"}),
    Role.lawyer: frozenset({"case.read", "letter.edit", "letter.approve", "account.password"}),
    Role.admin: frozenset({"case.read", "case.write", "case.export", "case.delete", "letter.send", "letter.edit",
                           "letter.approve", "user.manage", "template.manage", "user.invite", "user.reset_password",
                           "account.password"}),
}

REVOKED = "ce compte a été désactivé ou supprimé : voyez l'administrateur de votre organisation."
PASSWORD_CHANGED = "le mot de passe de ce compte a changé : reconnectez-vous."


class User(BaseModel):
    """A signed-in person acting for an organisation (what the store needs to know)."""

    model_config = ConfigDict(frozen=True)
    id: str
    organisation_id: str
    email: str
    name: str
    role: Role
    # A digest of the password hash the session signed in with (`credentials_of`): when the
    # password is changed elsewhere or reset by an admin, the stored hash changes and every
    # session opened before ends at its next privileged action. Never the hash itself.
    credentials: str

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]


class NotAllowed(PermissionError):
    """The user's role does not allow this action (French message for the page)."""


def require(user: Optional[User], permission: str) -> None:
    if user is not None and not user.can(permission):
        raise NotAllowed(f"votre rôle ({user.role.value}) ne permet pas cette action ({permission}).")


def current(session: Session, actor: User) -> User:
    """The actor as the database knows them now (role, enabled), never the session's copy:
    the store calls it before every privileged action. NotAllowed when the account was
    disabled or removed."""
    row = session.get(UserRow, actor.id)
    if row is None or row.disabled_at is not None or row.organisation_id != actor.organisation_id:
        raise NotAllowed(REVOKED)
    if credentials_of(row) != actor.credentials:
        raise CredentialsChanged(PASSWORD_CHANGED)
    return user_of(row)


class CredentialsChanged(NotAllowed):
    """The account's password changed (or was reset) after this session signed in."""


def credentials_of(row: UserRow) -> str:
    return hashlib.sha256(f"{row.id}:{row.password_hash}".encode()).hexdigest()[:32]


def user_of(row: UserRow) -> User:
    return User(id=row.id, organisation_id=row.organisation_id, email=row.email, name=row.name, role=Role(row.role),
                credentials=credentials_of(row))
