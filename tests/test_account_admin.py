"""Accounts an admin runs (accounts.invite, reset_password, use_link, change_password) on
SQLite and a real PostgreSQL server: a one-time link serves once, before its expiry, and
only its digest is stored; a reset stops the old password at once; nobody acts across
organisations or beyond their role; each change is audited without a token or password."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from assistant.casefiles import accounts as accounts_module
from assistant.casefiles.accounts import (
    INVITE, LINK_PARAM, LINK_VALIDITY, RESET, Accounts, EmailRefused, InvalidEmail, LinkRefused, NotAllowed,
    OwnAccount, Role, TooManyAttempts, UnknownAccount, WeakPassword, WrongPassword, link_address,
)
from assistant.casefiles.tables import AccountLinkRow, AuditRow, UserRow
from tests.test_store import postgres_url, store  # noqa: F401  (fixtures)

PASSWORD = "un mot de passe assez long"
CHOSEN = "celui que je choisis moi-même"


@pytest.fixture
def offices(store):  # noqa: F811
    """Organisation A (an admin, a mediator) and B (an admin, a volunteer, a lawyer)."""
    accounts = Accounts(store)
    a, b = accounts.create_organisation("France Services A"), accounts.create_organisation("Association B")
    admin_a = accounts.add_user(a, f"admin-{a}@a.fr", "Admin A", Role.admin, PASSWORD)
    mediator_a = accounts.add_user(a, f"med-{a}@a.fr", "Médiatrice A", Role.mediator, PASSWORD, by=admin_a)
    admin_b = accounts.add_user(b, f"admin-{b}@b.fr", "Admin B", Role.admin, PASSWORD)
    volunteer_b = accounts.add_user(b, f"vol-{b}@b.fr", "Bénévole B", Role.volunteer, PASSWORD, by=admin_b)
    lawyer_b = accounts.add_user(b, f"law-{b}@b.fr", "Juriste B", Role.lawyer, PASSWORD, by=admin_b)
    return store, accounts, admin_a, mediator_a, admin_b, volunteer_b, lawyer_b


def _audit(store, since: int = 0) -> list[tuple]:
    with store.read() as session:
        return [(r.user_id, r.organisation_id, r.action, r.detail)
                for r in session.scalars(select(AuditRow).where(AuditRow.id > since).order_by(AuditRow.id))]


def _last_audit_id(store) -> int:
    with store.read() as session:
        return session.scalar(select(AuditRow.id).order_by(AuditRow.id.desc())) or 0


def _everything_stored(store) -> str:
    """Every row of the account tables and the audit log, as one text to grep."""
    with store.read() as session:
        rows = [*session.scalars(select(UserRow)), *session.scalars(select(AccountLinkRow)),
                *session.scalars(select(AuditRow))]
        return "\n".join(repr({k: v for k, v in vars(r).items() if not k.startswith("_")}) for r in rows)


def test_an_invitation_link_serves_once_to_choose_the_password(offices):
    store, accounts, admin_a, *_ = offices
    since = _last_audit_id(store)
    link = accounts.invite("  Nouvelle@A.fr ", "Nadia Nouvelle", Role.volunteer, by=admin_a)
    assert link.purpose == INVITE and len(link.token) >= 40
    assert link.expires_at - dt.datetime.now(dt.timezone.utc) > LINK_VALIDITY - dt.timedelta(minutes=1)
    member = next(m for m in accounts.users(by=admin_a) if m.email == "nouvelle@a.fr")
    assert member.role is Role.volunteer and not member.password_set and member.last_sign_in_at is None
    assert member.link_purpose == INVITE and member.link_expires_at == link.expires_at
    # No password works before the invitee chooses one.
    assert accounts.authenticate("nouvelle@a.fr", "") is None and accounts.authenticate("nouvelle@a.fr", "!") is None

    holder = accounts.link_holder(link.token)
    assert (holder.name, holder.email, holder.organisation, holder.purpose) == (
        "Nadia Nouvelle", "nouvelle@a.fr", "France Services A", INVITE)
    with pytest.raises(WeakPassword):
        accounts.use_link(link.token, "court")
    user = accounts.use_link(link.token, CHOSEN)
    assert user.email == "nouvelle@a.fr" and user.organisation_id == admin_a.organisation_id
    assert accounts.authenticate("nouvelle@a.fr", CHOSEN) == user
    # Used once: the same link is refused, and says nothing more.
    assert accounts.link_holder(link.token) is None
    with pytest.raises(LinkRefused):
        accounts.use_link(link.token, "un autre mot de passe long")
    assert accounts.authenticate("nouvelle@a.fr", CHOSEN) == user
    member = next(m for m in accounts.users(by=admin_a) if m.email == "nouvelle@a.fr")
    assert member.password_set and member.link_purpose is None and member.last_sign_in_at is not None

    org = admin_a.organisation_id
    assert _audit(store, since) == [
        (admin_a.id, org, "user.invite", f"{user.id} volunteer"),
        (None, org, "login.failed", None),
        (None, org, "login.failed", None),
        (user.id, org, "user.invite.accepted", user.id),
        (user.id, org, "login", None),
        (user.id, org, "login", None),
    ]
    stored = _everything_stored(store)
    assert link.token not in stored and CHOSEN not in stored
    assert accounts_module._token_hash(link.token) not in stored      # used: the digest is gone too


def test_a_link_expires_and_a_newer_one_replaces_it(offices, monkeypatch):
    store, accounts, admin_a, *_ = offices
    first = accounts.invite("tard@a.fr", "Tom Tard", Role.mediator, by=admin_a)
    with store.read() as session:
        [digest] = session.scalars(select(AccountLinkRow.token_hash).where(
            AccountLinkRow.user_id == first.member.id)).all()
    assert digest == accounts_module._token_hash(first.token) and first.token not in digest
    later = dt.datetime.now(dt.timezone.utc) + LINK_VALIDITY + dt.timedelta(seconds=1)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    assert accounts.link_holder(first.token) is None
    with pytest.raises(LinkRefused):
        accounts.use_link(first.token, CHOSEN)
    member = next(m for m in accounts.users(by=admin_a) if m.email == "tard@a.fr")
    assert member.link_expires_at < later                  # the page says « expirée »
    # The admin makes a new invitation link; the first one stays refused.
    second = accounts.reset_password(first.member.id, by=admin_a)
    assert second.purpose == INVITE and second.token != first.token
    monkeypatch.undo()
    assert accounts.link_holder(first.token) is None
    third = accounts.reset_password(first.member.id, by=admin_a)
    with pytest.raises(LinkRefused):
        accounts.use_link(second.token, CHOSEN)          # replaced by the third
    assert accounts.use_link(third.token, CHOSEN).email == "tard@a.fr"
    # Garbage and made-up tokens are refused alike.
    for token in ("", "x" * 500, "pas-un-jeton"):
        assert accounts.link_holder(token) is None


def test_a_reset_stops_the_old_password_at_once_and_the_link_sets_a_new_one(offices):
    store, accounts, admin_a, mediator_a, *_ = offices
    assert accounts.authenticate(mediator_a.email, PASSWORD) == mediator_a
    since = _last_audit_id(store)
    link = accounts.reset_password(mediator_a.id, by=admin_a)
    assert link.purpose == RESET and link.member.id == mediator_a.id
    assert accounts.authenticate(mediator_a.email, PASSWORD) is None       # the old one stops now
    assert accounts.link_holder(link.token).purpose == RESET
    assert accounts.use_link(link.token, CHOSEN).id == mediator_a.id
    assert accounts.authenticate(mediator_a.email, PASSWORD) is None
    assert accounts.authenticate(mediator_a.email, CHOSEN).id == mediator_a.id
    org = admin_a.organisation_id
    assert _audit(store, since) == [
        (admin_a.id, org, "user.password.reset", mediator_a.id),
        (None, org, "login.failed", None),
        (mediator_a.id, org, "user.password.set", mediator_a.id),
        (None, org, "login.failed", None),
        (mediator_a.id, org, "login", None),
    ]
    stored = _everything_stored(store)
    assert link.token not in stored and CHOSEN not in stored and PASSWORD not in stored


def test_a_disabled_or_removed_account_cannot_use_its_link(offices):
    _store, accounts, admin_a, mediator_a, *_ = offices
    link = accounts.reset_password(mediator_a.id, by=admin_a)
    accounts.disable(mediator_a.id, by=admin_a)
    assert accounts.link_holder(link.token) is None
    with pytest.raises(LinkRefused):
        accounts.use_link(link.token, CHOSEN)
    invited = accounts.invite("parti@a.fr", "Paul Parti", Role.mediator, by=admin_a)
    accounts.remove(invited.member.id, by=admin_a)
    with pytest.raises(LinkRefused):
        accounts.use_link(invited.token, CHOSEN)


def test_only_an_admin_invites_or_resets_and_only_in_their_organisation(offices):
    store, accounts, admin_a, mediator_a, admin_b, volunteer_b, lawyer_b = offices
    before = _audit(store)
    for someone in (mediator_a, volunteer_b, lawyer_b):
        with pytest.raises(NotAllowed):
            accounts.invite(f"x-{someone.id}@exemple.fr", "X", Role.admin, by=someone)
        with pytest.raises(NotAllowed):
            accounts.reset_password(admin_a.id if someone is mediator_a else admin_b.id, by=someone)
    # The admin of B against A's users: unknown, and nothing changes.
    for target in (admin_a, mediator_a):
        with pytest.raises(UnknownAccount):
            accounts.reset_password(target.id, by=admin_b)
    assert accounts.authenticate(mediator_a.email, PASSWORD) == mediator_a
    # An admin never resets their own password through the admin path.
    with pytest.raises(OwnAccount):
        accounts.reset_password(admin_b.id, by=admin_b)
    assert accounts.authenticate(admin_b.email, PASSWORD) == admin_b
    # A new account lands in the admin's own organisation only; the address is checked.
    link = accounts.invite("nouveau@b.fr", "Nour", Role.lawyer, by=admin_b)
    assert link.member.id not in {m.id for m in accounts.users(by=admin_a)}
    with pytest.raises(EmailRefused):
        accounts.invite(mediator_a.email, "Copie", Role.volunteer, by=admin_b)     # taken in A: one answer
    for bad in ("sans-arobase", "a@b", "deux@@b.fr", "un espace@b.fr", "@b.fr"):
        with pytest.raises(InvalidEmail):
            accounts.invite(bad, "Nour", Role.lawyer, by=admin_b)
    assert [row for row in _audit(store) if row not in before] == [
        (mediator_a.id, mediator_a.organisation_id, "login", None),
        (admin_b.id, admin_b.organisation_id, "login", None),
        (admin_b.id, admin_b.organisation_id, "user.invite", f"{link.member.id} lawyer"),
    ]


def test_a_demoted_admin_loses_invite_and_reset_at_the_next_call(offices):
    _store, accounts, admin_a, mediator_a, *_ = offices
    other = accounts.add_user(admin_a.organisation_id, "admin2@a.fr", "Admin 2", Role.admin, PASSWORD, by=admin_a)
    accounts.set_role(other.id, Role.volunteer, by=admin_a)
    with pytest.raises(NotAllowed):
        accounts.reset_password(mediator_a.id, by=other)       # `other` still says admin: the row decides
    with pytest.raises(NotAllowed):
        accounts.invite("y@a.fr", "Y", Role.admin, by=other)


def test_everyone_changes_their_own_password_with_the_current_one(offices):
    store, accounts, _admin_a, mediator_a, _admin_b, volunteer_b, lawyer_b = offices
    since = _last_audit_id(store)
    with pytest.raises(WrongPassword):
        accounts.change_password(volunteer_b, "pas le bon mot de passe", CHOSEN)
    with pytest.raises(WeakPassword):
        accounts.change_password(volunteer_b, PASSWORD, "court")
    assert accounts.authenticate(volunteer_b.email, PASSWORD) == volunteer_b
    for user in (volunteer_b, lawyer_b, mediator_a):
        changed = accounts.change_password(user, PASSWORD, CHOSEN)
        assert accounts.authenticate(user.email, PASSWORD) is None
        assert accounts.authenticate(user.email, CHOSEN) == changed
        assert changed.id == user.id and changed.credentials != user.credentials
    actions = [(user_id, action) for user_id, _org, action, _detail in _audit(store, since)]
    assert (None, "login.failed") == actions[0]
    assert [a for a in actions if a[1] == "user.password.changed"] == [
        (volunteer_b.id, "user.password.changed"), (lawyer_b.id, "user.password.changed"),
        (mediator_a.id, "user.password.changed")]
    stored = _everything_stored(store)
    assert CHOSEN not in stored and PASSWORD not in stored


def test_a_password_change_or_reset_ends_every_other_session_of_the_account(offices):
    """A session opened before the password changed (a shared computer left signed in, a
    stolen session) loses its rights at its next action; the session that changed it goes on."""
    _store, accounts, admin_a, mediator_a, *_ = offices
    office_pc = accounts.authenticate(mediator_a.email, PASSWORD)     # left open at the office
    at_home = accounts.authenticate(mediator_a.email, PASSWORD)
    assert accounts.refresh(office_pc) == office_pc
    at_home = accounts.change_password(at_home, PASSWORD, CHOSEN)
    assert accounts.refresh(at_home) == at_home                          # this one goes on
    assert accounts.refresh(office_pc) is None and accounts.password_changed(office_pc)
    with pytest.raises(NotAllowed):
        accounts.change_password(office_pc, CHOSEN, "encore un autre mot de passe")
    # An admin's reset ends the sessions opened before it, including the one that changed it.
    accounts.reset_password(mediator_a.id, by=admin_a)
    assert accounts.refresh(at_home) is None and accounts.password_changed(at_home)
    # A disabled account is not a changed password: the page says which.
    other = accounts.authenticate(admin_a.email, PASSWORD)
    second = accounts.add_user(admin_a.organisation_id, "admin3@a.fr", "Admin 3", Role.admin, PASSWORD, by=admin_a)
    accounts.disable(other.id, by=second)
    assert accounts.refresh(other) is None and not accounts.password_changed(other)


def test_trying_current_passwords_locks_like_signing_in(offices):
    _store, accounts, *_rest, volunteer_b, _lawyer_b = offices
    for _ in range(accounts_module.MAX_FAILURES_PER_ACCOUNT - 1):
        with pytest.raises(WrongPassword):
            accounts.change_password(volunteer_b, "une supposition", CHOSEN, source="poste-1")
    with pytest.raises(TooManyAttempts):
        accounts.change_password(volunteer_b, "une autre supposition", CHOSEN, source="poste-1")
    with pytest.raises(TooManyAttempts):
        accounts.change_password(volunteer_b, PASSWORD, CHOSEN, source="poste-1")   # even the right one, for now
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(volunteer_b.email, PASSWORD)


def test_a_disabled_user_cannot_change_a_password(offices):
    _store, accounts, admin_a, mediator_a, *_ = offices
    accounts.disable(mediator_a.id, by=admin_a)
    with pytest.raises(NotAllowed):
        accounts.change_password(mediator_a, PASSWORD, CHOSEN)


def test_the_link_address_is_the_account_page_with_the_token_only():
    assert link_address("https://droits.exemple.fr:8443/espace-pro?lang=en#x", "abc-_123") == (
        f"https://droits.exemple.fr:8443/espace-pro?{LINK_PARAM}=abc-_123")


def test_migration_0008_fills_the_last_sign_in_from_the_audit_log_and_goes_back(offices):
    from assistant.casefiles.store import migrate

    store, accounts, admin_a, mediator_a, *_ = offices
    accounts.authenticate(mediator_a.email, PASSWORD)
    accounts.reset_password(mediator_a.id, by=admin_a)
    migrate(store.engine, store.sealer, "downgrade", "0007")
    migrate(store.engine, store.sealer, "upgrade", "head")
    members = {m.id: m for m in accounts.users(by=admin_a)}
    assert members[mediator_a.id].last_sign_in_at is not None and members[admin_a.id].last_sign_in_at is None
    assert members[mediator_a.id].link_purpose is None and not members[mediator_a.id].password_set


def test_the_accounts_command_invites_and_resets_with_a_link(tmp_path):
    """`accounts invite` and `accounts reset-password --as ADMIN --url PAGE`: the link on
    stdout, usable once; an admin's own account refused; a volunteer refused."""
    from urllib.parse import parse_qs, urlsplit

    from assistant.casefiles.service import open_store
    from tests.conftest import run_cli

    data = tmp_path / "data"
    env = {"MESDROITS_DATA_DIR": str(data), "MESDROITS_PASSWORD": PASSWORD, "DATABASE_URL": ""}
    page = "https://droits.exemple.fr/espace-pro"

    def cli(*args):
        return run_cli("accounts", *args, env=env, timeout=120)

    def token(out: str) -> str:
        [address] = out.splitlines()
        assert address.startswith(f"{page}?{LINK_PARAM}=")
        return parse_qs(urlsplit(address).query)[LINK_PARAM][0]

    assert cli("create-organisation", "France Services A", "--admin-email", "admin@a.fr", "--admin-name", "Admin").returncode == 0
    invited = cli("invite", "--as", "admin@a.fr", "--url", page, "vol@a.fr", "Valérie", "volunteer")
    assert invited.returncode == 0, invited.stderr
    assert "Lien à usage unique pour vol@a.fr, valable jusqu'au" in invited.stderr
    store = open_store(f"sqlite:///{data / 'mesdroits.sqlite3'}")
    accounts = Accounts(store)
    user = accounts.use_link(token(invited.stdout), CHOSEN)
    assert accounts.authenticate("vol@a.fr", CHOSEN) == user
    reset = cli("reset-password", "--as", "admin@a.fr", "--url", page, "vol@a.fr")
    assert reset.returncode == 0 and accounts.authenticate("vol@a.fr", CHOSEN) is None
    accounts.use_link(token(reset.stdout), PASSWORD)
    own = cli("reset-password", "--as", "admin@a.fr", "--url", page, "admin@a.fr")
    assert own.returncode == 2 and "votre propre mot de passe" in own.stderr and not own.stdout
    refused = cli("invite", "--as", "vol@a.fr", "--url", page, "x@a.fr", "X", "admin")
    assert refused.returncode == 2 and "ne permet pas cette action" in refused.stderr and not refused.stdout
    assert "Traceback" not in own.stderr + refused.stderr
    assert cli("list-users", "--as", "admin@a.fr").stdout.splitlines() == [
        "admin@a.fr\tadmin\tactif\tAdmin", "vol@a.fr\tvolunteer\tactif\tValérie"]
