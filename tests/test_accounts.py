"""Organisations, users and roles on SQLite and a real PostgreSQL server: each
organisation sees only its own cases, roles are enforced, passwords are Argon2id, and the
audit log says who did what when without any personal content."""

import copy
import datetime as dt

import pytest

from assistant.accounts import Accounts, NotAllowed, Role
from assistant.model import parse_case
from assistant.store import NotFound
from tests.conftest import VALID_SCENARIOS
from tests.test_store import postgres_url, store  # noqa: F401  (fixtures)

CASE = parse_case(copy.deepcopy(VALID_SCENARIOS[0][1]["case"]))
PASSWORD = "un mot de passe assez long"


@pytest.fixture
def two_organisations(store):  # noqa: F811
    accounts = Accounts(store)
    a, b = accounts.create_organisation("France Services A"), accounts.create_organisation("Association B")
    admin_a = accounts.add_user(a, f"admin-{a}@a.fr", "Admin A", Role.admin, PASSWORD)
    mediator_a = accounts.add_user(a, f"med-{a}@a.fr", "Médiatrice A", Role.mediator, PASSWORD, by=admin_a)
    volunteer_b = accounts.add_user(b, f"vol-{b}@b.fr", "Bénévole B", Role.volunteer, PASSWORD)
    return store, accounts, admin_a, mediator_a, volunteer_b


def test_each_organisation_sees_only_its_own_cases(two_organisations):
    store, _, _, mediator_a, volunteer_b = two_organisations
    case_id = store.save(CASE, actor=mediator_a)
    assert [c.id for c in store.list(actor=mediator_a)] == [case_id]
    assert store.list(actor=volunteer_b) == []
    with pytest.raises(NotFound):
        store.get(case_id, actor=volunteer_b)
    with pytest.raises(NotFound):
        store.record_sent(case_id, "appeal", dt.date(2026, 11, 20), actor=volunteer_b)
    with pytest.raises(NotFound):
        store.save(CASE, case_id, actor=volunteer_b)     # never overwritten from outside
    assert store.get(case_id, actor=mediator_a).case == CASE


def test_roles_are_enforced(two_organisations):
    store, accounts, admin_a, mediator_a, volunteer_b = two_organisations
    with pytest.raises(NotAllowed):
        store.delete(store.save(CASE, actor=volunteer_b), actor=volunteer_b)   # a volunteer cannot delete
    assert not volunteer_b.can("letter.approve") and admin_a.can("letter.approve")
    with pytest.raises(NotAllowed):
        accounts.add_user(admin_a.organisation_id, "x@a.fr", "X", Role.admin, PASSWORD, by=mediator_a)
    with pytest.raises(NotAllowed):
        accounts.add_user(volunteer_b.organisation_id, "y@b.fr", "Y", Role.volunteer, PASSWORD, by=admin_a)


def test_passwords_are_argon2_and_login_says_nothing_more(two_organisations):
    store, accounts, _, mediator_a, _ = two_organisations
    from sqlalchemy import select

    from assistant.accounts import UserRow

    with store._session() as session:
        stored = session.scalars(select(UserRow).where(UserRow.id == mediator_a.id)).one().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.authenticate(mediator_a.email.upper(), PASSWORD) == mediator_a
    assert accounts.authenticate(mediator_a.email, "mauvais mot de passe") is None
    assert accounts.authenticate("personne@nulle.part", PASSWORD) is None
    with pytest.raises(ValueError):
        accounts.add_user(mediator_a.organisation_id, "z@a.fr", "Z", Role.mediator, "court")


def test_audit_log_without_personal_content(two_organisations):
    store, _, _, mediator_a, _ = two_organisations
    case_id = store.save(CASE, actor=mediator_a)
    store.record_sent(case_id, "appeal", dt.date(2026, 11, 20), actor=mediator_a)
    store.export(case_id, actor=mediator_a)
    store.delete(case_id, actor=mediator_a)
    trail = store.audit_trail(case_id)
    assert [e["action"] for e in trail] == ["case.create", "letter.sent", "case.export", "case.delete"]
    assert all(e["user_id"] == mediator_a.id and e["organisation_id"] == mediator_a.organisation_id for e in trail)
    text = repr(store.audit_trail())
    claimant = CASE.claimant
    for secret in (claimant.last_name, claimant.first_name, claimant.address, claimant.city, claimant.file_number or "§"):
        assert secret not in text
