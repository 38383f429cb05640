"""Organisations, users and roles: who may see and do what with saved cases.

The anonymous flow needs none of this (saving is always the person's choice). When a
mediator, an association volunteer or a lawyer works with an account, every case belongs
to their organisation and nobody else sees it. Passwords are hashed with Argon2id
(argon2-cffi, the maintained binding of the reference implementation), never stored.

An organisation's admin lists its accounts, disables, re-enables or removes them and
changes their roles; the store reads the acting user's row again on every privileged
action (`roles.current`), so a revoked or demoted user's open session loses its rights at the
next click. Failed sign-ins are counted in the database, per e-mail address and per
source, so a lock holds whatever the browser session or the server process.

An admin invites a person or resets a password with a one-time link (`invite`,
`reset_password`): the page shows it once, the admin passes it on (e-mail, SMS), and
whoever opens it chooses the password (`use_link`). Only a digest of the link's random token
is stored; it serves once, for LINK_VALIDITY. Every user changes their own password with
the current one (`change_password`). Each of these is in the audit log (who, when, which
account), never a token or a password.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from functools import lru_cache
from typing import Callable, NamedTuple, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.casefiles.roles import CredentialsChanged, NotAllowed, Role, User, current, user_of
from assistant.casefiles.store import Store
from assistant.casefiles.tables import AccountLinkRow, OrganisationRow, SignInFailureRow, TemplateRow, UserRow

_HASHER = PasswordHasher()   # Argon2id with the library's current recommended parameters
MIN_PASSWORD_LENGTH = 12

# Sign-in throttling. An e-mail address (known or not: a lock must not tell which addresses
# have an account) is refused for COOLDOWN after MAX_FAILURES_PER_ACCOUNT failures within
# FAILURE_WINDOW; a source (the client's address, "local" without a proxy) after
# MAX_FAILURES_PER_SOURCE, higher because a France Services office signs in from one
# address and one person's typos must not lock out the others.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_SOURCE = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
COOLDOWN = dt.timedelta(minutes=15)
LOCAL_SOURCE = "local"

# One-time links to choose a password: how long one serves, and the query parameter that
# carries its token to « Espace professionnel » (the page removes it from the address).
LINK_VALIDITY = dt.timedelta(days=7)
LINK_PARAM = "lien"
INVITE, RESET = "invite", "reset"
# The password hash of an account without a password (invited, or reset by an admin): no
# Argon2 hash, so no password ever matches it.
NO_PASSWORD = "!"


class Member(BaseModel):
    """An account as its organisation's admin sees it."""

    model_config = ConfigDict(frozen=True)
    id: str
    email: str
    name: str
    role: Role
    created_at: dt.datetime
    disabled_at: Optional[dt.datetime] = None
    password_set: bool = True
    last_sign_in_at: Optional[dt.datetime] = None
    link_purpose: Optional[str] = None             # INVITE or RESET while a link waits to be used
    link_expires_at: Optional[dt.datetime] = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


class Link(BaseModel):
    """A one-time link just made: its token exists only here, to be shown once."""

    model_config = ConfigDict(frozen=True)
    token: str
    purpose: str
    expires_at: dt.datetime
    member: Member


class LinkHolder(BaseModel):
    """Whose password a link lets choose, shown to whoever opened it before they do."""

    model_config = ConfigDict(frozen=True)
    purpose: str
    name: str
    email: str
    organisation: str
    expires_at: dt.datetime


class TooManyAttempts(NotAllowed):
    """Sign-in refused without checking the password: too many failures lately for this
    e-mail address or this source."""


class AccountError(ValueError):
    """An account change that cannot be made (French message for the page and the CLI)."""


class EmailRefused(AccountError):
    """The address cannot get a new account. The same answer whether it is taken in this
    organisation or in another one: an admin does not learn who else has an account here."""


class LastAdmin(AccountError):
    """The organisation's last active admin cannot be disabled, removed or demoted."""


class UnknownAccount(AccountError):
    """No such account in the admin's organisation (another organisation's is not revealed)."""


class WeakPassword(AccountError):
    """The new password does not follow the rules (`_checked_password`)."""


class InvalidEmail(AccountError):
    """The address typed for a new account cannot be an e-mail address."""


class MissingName(AccountError):
    """A new account needs the person's name (the admin's list shows it)."""


class OwnAccount(AccountError):
    """An admin resets others' passwords; their own they change with the current one."""


class LinkRefused(AccountError):
    """The link is unknown, used, replaced, expired, or its account disabled or removed (one
    answer for all: whoever holds a stale link learns nothing more)."""


class WrongPassword(AccountError):
    """The current password given to change it is not the account's."""


LOCKED = "trop d'essais de connexion : réessayez dans {minutes} minutes."


def _member(row: UserRow, link: Optional[AccountLinkRow] = None) -> Member:
    return Member(id=row.id, email=row.email, name=row.name, role=Role(row.role), created_at=_aware(row.created_at),
                  disabled_at=_aware(row.disabled_at) if row.disabled_at else None,
                  password_set=row.password_hash != NO_PASSWORD,
                  last_sign_in_at=_aware(row.last_sign_in_at) if row.last_sign_in_at else None,
                  link_purpose=link.purpose if link else None,
                  link_expires_at=_aware(link.expires_at) if link else None)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _minutes(period: dt.timedelta) -> int:
    return int(period.total_seconds() // 60)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite forgets time zones; we always store UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """An Argon2 hash of nothing anyone types, checked for an unknown e-mail: the same work
    as for a real account, so the time taken does not tell whether the address exists."""
    return _HASHER.hash(uuid.uuid4().hex)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class _Stored(NamedTuple):
    """What a sign-in needs of the account, read before the password is checked."""

    id: str
    password_hash: str
    active: bool
    organisation_id: str


def _counter_key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8")).hexdigest()


def _checked_password(password: str) -> str:
    """The Argon2 hash of an acceptable new password (made before any write transaction)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"mot de passe trop court ({MIN_PASSWORD_LENGTH} caractères au moins).")
    return _HASHER.hash(password)


def _checked_email(email: str) -> str:
    """The address as stored (trimmed, lower case), or InvalidEmail: one « @ » between a name
    and a domain with a dot, no space (whether it receives mail, only sending tells)."""
    email = email.strip().lower()
    local, _at, domain = email.partition("@")
    if (not local or "." not in domain.strip(".") or "@" in domain or len(email) > 320
            or any(c.isspace() for c in email)):
        raise InvalidEmail("adresse e-mail invalide : elle s'écrit nom@domaine.fr.")
    return email


def _token_hash(token: str) -> str:
    """What is stored of a link's token: a random 256-bit token needs no slow hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_address(page_url: str, token: str) -> str:
    """The address to pass on: the « Espace professionnel » page with the token as LINK_PARAM."""
    from urllib.parse import urlencode, urlsplit, urlunsplit

    parts = urlsplit(page_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode({LINK_PARAM: token}), ""))


class Accounts:
    """Organisations and users, in the same database as the store."""

    def __init__(self, store: Store):
        self.store = store

    # --- organisations and new accounts ------------------------------------------------------

    def create_organisation(self, name: str, requires_review: bool = False) -> str:
        with self.store.write() as session:
            return self._insert_organisation(session, name, requires_review)

    def create_organisation_with_admin(self, name: str, email: str, admin_name: str, password: str,
                                       requires_review: bool = False) -> tuple[str, User]:
        """A new organisation and its first admin in one transaction: when the admin is
        refused (password, e-mail), no organisation is left behind."""
        password_hash = _checked_password(password)
        with self.store.write() as session:
            organisation_id = self._insert_organisation(session, name, requires_review)
            admin = self._insert_user(session, organisation_id, email, admin_name, Role.admin, password_hash, None)
            return organisation_id, admin

    @staticmethod
    def _insert_organisation(session: Session, name: str, requires_review: bool) -> str:
        row = OrganisationRow(id=str(uuid.uuid4()), name=name, requires_review=requires_review, created_at=_now())
        session.add(row)
        session.flush()
        return row.id

    def organisation_name(self, organisation_id: str) -> str:
        """The organisation's name, as shown to its users (empty for an unknown id)."""
        with self.store.read() as session:
            row = session.get(OrganisationRow, organisation_id)
            return row.name if row is not None else ""

    def add_user(self, organisation_id: str, email: str, name: str, role: Role, password: str,
                 by: Optional[User] = None) -> User:
        """A new account; `by` (an admin of that organisation) is required once it has users."""
        self.store.require(by, "user.manage")
        if by is not None and by.organisation_id != organisation_id:
            raise NotAllowed("vous ne gérez que les comptes de votre organisation.")
        password_hash = _checked_password(password)
        with self.store.write() as session:
            return self._insert_user(session, organisation_id, email, name, role, password_hash, by)

    def _insert_user(self, session: Session, organisation_id: str, email: str, name: str, role: Role,
                     password_hash: str, by: Optional[User], action: str = "user.add") -> User:
        email = email.strip().lower()
        if session.scalars(select(UserRow.id).where(UserRow.email == email)).first() is not None:
            raise EmailRefused("cette adresse e-mail ne peut pas recevoir de nouveau compte : vérifiez-la, "
                               "ou demandez à la personne une autre adresse.")
        row = UserRow(id=str(uuid.uuid4()), organisation_id=organisation_id, email=email, name=name,
                      role=Role(role).value, password_hash=password_hash, created_at=_now())
        session.add(row)
        session.flush()
        self.store.audit(session, by, action, None, f"{row.id} {row.role}", organisation_id)
        return user_of(row)

    # --- an organisation's accounts, managed by its admins ---------------------------------

    def users(self, by: User) -> list[Member]:
        """The accounts of the admin's organisation, by name, with the link each one has
        waiting (an expired one too: the page says so)."""
        self.store.require(by, "user.manage")
        with self.store.read() as session:
            query = (select(UserRow).where(UserRow.organisation_id == by.organisation_id)
                     .order_by(UserRow.name, UserRow.email))
            rows = list(session.scalars(query))
            links = {link.user_id: link for link in session.scalars(
                select(AccountLinkRow).where(AccountLinkRow.user_id.in_([row.id for row in rows]))
                .order_by(AccountLinkRow.expires_at))}
            return [_member(row, links.get(row.id)) for row in rows]

    def refresh(self, user: User) -> Optional[User]:
        """The signed-in user as the database knows them now, or None once disabled or
        removed, or once the password was changed or reset after this session signed in
        (the pages show the current role, the store enforces it)."""
        with self.store.read() as session:
            try:
                return current(session, user)
            except NotAllowed:
                return None

    def password_changed(self, user: User) -> bool:
        """Why a session ended (`refresh` gave None): its password changed, rather than the
        account being disabled or removed — the page says which."""
        with self.store.read() as session:
            try:
                current(session, user)
            except CredentialsChanged:
                return True
            except NotAllowed:
                return False
            return False

    def disable(self, user_id: str, by: User) -> None:
        """The account can no longer sign in, and its open sessions lose every right."""
        def change(session: Session, row: UserRow) -> None:
            if row.disabled_at is None:
                self._keep_an_admin(session, row)
                row.disabled_at = _now()
        self._manage(user_id, by, "user.disable", change)

    def enable(self, user_id: str, by: User) -> None:
        self._manage(user_id, by, "user.enable", lambda _session, row: setattr(row, "disabled_at", None))

    def remove(self, user_id: str, by: User) -> None:
        """The account is deleted (its cases and letters stay with the organisation; the audit
        log keeps its id)."""
        def change(session: Session, row: UserRow) -> None:
            self._keep_an_admin(session, row)
            session.delete(row)
        self._manage(user_id, by, "user.remove", change)

    def set_role(self, user_id: str, role: Role, by: User) -> None:
        role = Role(role)

        def change(session: Session, row: UserRow) -> None:
            if role is not Role.admin:
                self._keep_an_admin(session, row)
            row.role = role.value
        self._manage(user_id, by, f"user.role.{role.value}", change)

    def _manage(self, user_id: str, by: User, action: str, change: Callable[[Session, UserRow], None]) -> None:
        """One change to an account of the admin's own organisation, audited; another
        organisation's account is answered as unknown."""
        self.store.require(by, "user.manage")
        with self.store.write() as session:
            # One account change at a time per organisation (PostgreSQL; SQLite already holds
            # its write lock), so two admins demoting each other cannot leave none.
            session.get(OrganisationRow, by.organisation_id, with_for_update=True)
            row = session.get(UserRow, user_id, with_for_update=True, populate_existing=True)
            if row is None or row.organisation_id != by.organisation_id:
                raise UnknownAccount("ce compte n'existe pas dans votre organisation.")
            change(session, row)
            self.store.audit(session, by, action, None, user_id)

    # --- passwords: invitations, resets by an admin, changes by the user ------------------------

    def invite(self, email: str, name: str, role: Role, by: User) -> Link:
        """A new account of the admin's organisation, without a password, and the one-time
        link with which the person chooses it."""
        self.store.require(by, "user.invite")
        email, name = _checked_email(email), name.strip()
        if not name:
            raise MissingName("nom manquant : indiquez le nom de la personne.")
        with self.store.write() as session:
            user = self._insert_user(session, by.organisation_id, email, name, Role(role), NO_PASSWORD, by,
                                     action="user.invite")
            row = session.get(UserRow, user.id)
            token, link = self._new_link(session, row, INVITE, by)
            return Link(token=token, purpose=INVITE, expires_at=_aware(link.expires_at), member=_member(row, link))

    def reset_password(self, user_id: str, by: User) -> Link:
        """Another account's password stops working now, and a one-time link lets its owner
        choose a new one; for an invited account that never chose one, a new invitation
        link (the old link stops working either way). Never the admin's own account."""
        self.store.require(by, "user.reset_password")
        if user_id == by.id:
            raise OwnAccount("votre propre mot de passe se change avec l'actuel, dans « Mon mot de passe ».")
        made: list = []

        def change(session: Session, row: UserRow) -> None:
            purpose = INVITE if row.password_hash == NO_PASSWORD and row.last_sign_in_at is None else RESET
            row.password_hash = NO_PASSWORD
            token, link = self._new_link(session, row, purpose, by)
            made.append(Link(token=token, purpose=purpose, expires_at=_aware(link.expires_at),
                             member=_member(row, link)))
        self._manage(user_id, by, "user.password.reset", change)
        return made[0]

    @staticmethod
    def _new_link(session: Session, row: UserRow, purpose: str, by: User) -> tuple[str, AccountLinkRow]:
        """A fresh token for `row` (its older links and everyone's expired ones deleted)."""
        now = _now()
        session.execute(delete(AccountLinkRow).where(or_(AccountLinkRow.user_id == row.id,
                                                         AccountLinkRow.expires_at < now)))
        token = secrets.token_urlsafe(32)
        link = AccountLinkRow(token_hash=_token_hash(token), user_id=row.id, purpose=purpose, created_at=now,
                              created_by=by.id, expires_at=now + LINK_VALIDITY)
        session.add(link)
        session.flush()
        return token, link

    def link_holder(self, token: str) -> Optional[LinkHolder]:
        """Whose password the link lets choose, or None when it cannot serve."""
        with self.store.read() as session:
            found = self._usable_link(session, token)
            if found is None:
                return None
            link, row = found
            organisation = session.get(OrganisationRow, row.organisation_id)
            return LinkHolder(purpose=link.purpose, name=row.name, email=row.email,
                              organisation=organisation.name if organisation else "",
                              expires_at=_aware(link.expires_at))

    @staticmethod
    def _usable_link(session: Session, token: str, lock: bool = False) -> Optional[tuple[AccountLinkRow, UserRow]]:
        if not token or len(token) > 100:
            return None
        link = session.get(AccountLinkRow, _token_hash(token), with_for_update=lock, populate_existing=lock)
        if link is None or _aware(link.expires_at) <= _now():
            return None
        row = session.get(UserRow, link.user_id, with_for_update=lock, populate_existing=lock)
        if row is None or row.disabled_at is not None:
            return None
        return link, row

    def use_link(self, token: str, password: str) -> User:
        """The password chosen through a link: the link is spent (used once only), the
        account can sign in with it. LinkRefused when the link cannot serve."""
        password_hash = _checked_password(password)
        with self.store.write() as session:
            found = self._usable_link(session, token, lock=True)
            if found is None:
                raise LinkRefused("ce lien ne sert plus : il a déjà servi, il a expiré ou il a été remplacé.")
            link, row = found
            row.password_hash = password_hash
            session.delete(link)
            user = user_of(row)
            self.store.audit(session, user, "user.invite.accepted" if link.purpose == INVITE else "user.password.set",
                             None, row.id)
            return user

    def change_password(self, user: User, current_password: str, new_password: str,
                        source: str = LOCAL_SOURCE) -> User:
        """The user's own password, changed with the current one. A wrong current password
        counts as a failed sign-in (a session left open must not let anyone try passwords).
        Returns the user with the new credentials, for the session that changed it; every
        other session of the account ends (`roles.current`)."""
        self.store.require(user, "account.password")
        account_key = _counter_key("account", user.email)
        keys = {account_key: MAX_FAILURES_PER_ACCOUNT,
                _counter_key("source", source or LOCAL_SOURCE): MAX_FAILURES_PER_SOURCE}
        with self.store.read() as session:
            if self._locked(session, list(keys), _now()):
                raise TooManyAttempts(LOCKED.format(minutes=_minutes(COOLDOWN)))
            row = session.get(UserRow, user.id)
            stored = row.password_hash if row is not None else NO_PASSWORD
        if not _verify(stored, current_password):
            if self._failed(keys, organisation_id=user.organisation_id):
                raise TooManyAttempts(LOCKED.format(minutes=_minutes(COOLDOWN)))
            raise WrongPassword("mot de passe actuel incorrect.")
        password_hash = _checked_password(new_password)
        with self.store.write() as session:
            row = session.get(UserRow, user.id, with_for_update=True, populate_existing=True)
            if row is None or row.password_hash != stored:     # changed or reset meanwhile
                raise WrongPassword("mot de passe actuel incorrect.")
            row.password_hash = password_hash
            session.execute(delete(AccountLinkRow).where(AccountLinkRow.user_id == row.id))
            self.store.audit(session, user, "user.password.changed", None, row.id)
            return user_of(row)

    @staticmethod
    def _keep_an_admin(session: Session, row: UserRow) -> None:
        """Refuse to disable, remove or demote the organisation's last active admin: nobody
        could manage its accounts any more."""
        if row.role != Role.admin.value or row.disabled_at is not None:
            return
        others = session.scalar(select(func.count()).select_from(UserRow).where(
            UserRow.organisation_id == row.organisation_id, UserRow.role == Role.admin.value,
            UserRow.disabled_at.is_(None), UserRow.id != row.id))
        if not others:
            raise LastAdmin("c'est le dernier administrateur actif de l'organisation : nommez-en un autre d'abord.")

    # --- signing in ------------------------------------------------------------------------------

    def authenticate(self, email: str, password: str, source: str = LOCAL_SOURCE) -> Optional[User]:
        """The user, or None for an unknown e-mail, a wrong password or a disabled account
        (the same answer and the same Argon2 work for all three). TooManyAttempts while the
        address or the source (`source`: the client's address, "local" without a proxy)
        cools down. The password is checked between a read and a short write, never inside
        a write transaction: a sign-in does not hold SQLite's write lock for a hash."""
        email = email.strip().lower()
        account_key = _counter_key("account", email)
        keys = {account_key: MAX_FAILURES_PER_ACCOUNT,
                _counter_key("source", source or LOCAL_SOURCE): MAX_FAILURES_PER_SOURCE}
        with self.store.read() as session:
            if self._locked(session, list(keys), _now()):
                raise TooManyAttempts(LOCKED.format(minutes=_minutes(COOLDOWN)))
            row = session.scalars(select(UserRow).where(UserRow.email == email)).first()
            found = (_Stored(row.id, row.password_hash, row.disabled_at is None, row.organisation_id)
                     if row is not None else None)
        matches = _verify(found.password_hash if found else _dummy_hash(), password)
        if found is not None and matches and found.active:
            rehashed = _HASHER.hash(password) if _HASHER.check_needs_rehash(found.password_hash) else None
            user = self._signed_in(found.id, found.password_hash, rehashed, account_key)
            if user is not None:
                return user
        if self._failed(keys, organisation_id=found.organisation_id if found else None):
            raise TooManyAttempts(LOCKED.format(minutes=_minutes(COOLDOWN)))
        return None

    @staticmethod
    def _locked(session: Session, keys: list[str], now: dt.datetime) -> bool:
        until = session.scalars(select(SignInFailureRow.locked_until).where(
            SignInFailureRow.key.in_(keys), SignInFailureRow.locked_until.is_not(None))).all()
        return any(_aware(moment) > now for moment in until)

    def _signed_in(self, user_id: str, checked_hash: str, rehashed: Optional[str], account_key: str) -> Optional[User]:
        """The short write of a good sign-in: the account's counter reset, the hash upgraded
        if the parameters changed, the audit entry. None if the account changed meanwhile."""
        with self.store.write() as session:
            row = session.get(UserRow, user_id, populate_existing=True)
            if row is None or row.disabled_at is not None or row.password_hash != checked_hash:
                return None
            if rehashed:
                row.password_hash = rehashed
            row.last_sign_in_at = _now()
            session.execute(delete(SignInFailureRow).where(SignInFailureRow.key == account_key))
            user = user_of(row)
            self.store.audit(session, user, "login", None)
            return user

    def _failed(self, keys: dict[str, int], organisation_id: Optional[str]) -> bool:
        """Count a failure for the address and the source (a short write); True when it locks
        one of them."""
        for attempt in range(3):   # two first failures at once on PostgreSQL: one insert wins
            try:
                with self.store.write() as session:
                    now = _now()
                    session.execute(delete(SignInFailureRow).where(
                        SignInFailureRow.first_at < now - FAILURE_WINDOW - COOLDOWN))
                    locked = False
                    for key, limit in keys.items():
                        row = session.get(SignInFailureRow, key, with_for_update=True, populate_existing=True)
                        if row is None or _aware(row.first_at) < now - FAILURE_WINDOW or (
                                row.locked_until is not None and _aware(row.locked_until) <= now):
                            if row is not None:
                                session.delete(row)
                                session.flush()
                            row = SignInFailureRow(key=key, failures=0, first_at=now)
                            session.add(row)
                        row.failures += 1
                        if row.failures >= limit:
                            row.locked_until, locked = now + COOLDOWN, True
                    if organisation_id is not None:
                        self.store.audit(session, None, "login.failed", None, None, organisation_id)
                    return locked
            except IntegrityError:
                if attempt == 2:
                    raise
        return False

    def set_template(self, docx: bytes, by: User) -> str:
        """Keep a new template for the admin's organisation (the caller checked it); returns
        its fingerprint."""
        self.store.require(by, "template.manage")
        fingerprint = hashlib.sha256(docx).hexdigest()
        with self.store.write() as session:
            session.add(TemplateRow(organisation_id=by.organisation_id, uploaded_at=_now(),
                                    uploaded_by=by.id, fingerprint=fingerprint, docx=docx))
            self.store.audit(session, by, "template.set", None, fingerprint[:12])
        return fingerprint

    def template(self, organisation_id: str) -> Optional[bytes]:
        """The organisation's latest template, or None (the standard one is used)."""
        with self.store.read() as session:
            row = session.scalars(select(TemplateRow).where(TemplateRow.organisation_id == organisation_id)
                                  .order_by(TemplateRow.id.desc())).first()
            return row.docx if row else None

    def clear_template(self, by: User) -> None:
        """Back to the standard template (the organisation's templates are deleted)."""
        self.store.require(by, "template.manage")
        with self.store.write() as session:
            for row in session.scalars(select(TemplateRow).where(TemplateRow.organisation_id == by.organisation_id)):
                session.delete(row)
            self.store.audit(session, by, "template.cleared", None)

    def requires_review(self, organisation_id: str) -> bool:
        with self.store.read() as session:
            row = session.get(OrganisationRow, organisation_id)
            return bool(row and row.requires_review)

    def set_requires_review(self, value: bool, by: User) -> None:
        """Whether the organisation's letters need a lawyer's approval before they go out."""
        self.store.require(by, "user.manage")
        with self.store.write() as session:
            row = session.get(OrganisationRow, by.organisation_id)
            row.requires_review = bool(value)
            self.store.audit(session, by, "review.required" if value else "review.optional", None)

