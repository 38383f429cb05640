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


def test_organisation_template_and_review_setting(two_organisations):
    store, accounts, admin_a, mediator_a, volunteer_b = two_organisations
    assert accounts.template(admin_a.organisation_id) is None
    with pytest.raises(NotAllowed):
        accounts.set_template(b"PK-fake", by=mediator_a)
    accounts.set_template(b"PK-first", by=admin_a)
    accounts.set_template(b"PK-second", by=admin_a)
    assert accounts.template(admin_a.organisation_id) == b"PK-second"
    assert accounts.template(volunteer_b.organisation_id) is None        # each organisation its own
    case_id = store.save(CASE, actor=mediator_a)
    stored = store.add_letter(case_id, {"id": "appeal", "paragraphs": []}, actor=mediator_a)
    import hashlib

    assert stored.template_version.endswith("+" + hashlib.sha256(b"PK-second").hexdigest()[:12])
    accounts.clear_template(by=admin_a)
    assert accounts.template(admin_a.organisation_id) is None
    assert not accounts.requires_review(admin_a.organisation_id)
    accounts.set_requires_review(True, by=admin_a)
    assert accounts.requires_review(admin_a.organisation_id)
    with pytest.raises(NotAllowed):
        accounts.set_requires_review(False, by=mediator_a)


def test_another_organisation_reaches_nothing_through_any_store_function(two_organisations):
    """Organisation B's user tries every store function on A's case: never found, never changed."""
    from assistant.store import Consent

    store, accounts, _, mediator_a, volunteer_b = two_organisations
    case_id = store.save(CASE, actor=mediator_a, consent=Consent(given_on=CASE.reference_date, scope=["keep_file"],
                                                                  how="oral"))
    letter = store.add_letter(case_id, {"id": "appeal", "paragraphs": []}, actor=mediator_a)
    attempts = {
        "get": lambda: store.get(case_id, actor=volunteer_b),
        "letters": lambda: store.letters(case_id, actor=volunteer_b),
        "consents": lambda: store.consents(case_id, actor=volunteer_b),
        "record_sent": lambda: store.record_sent(case_id, "appeal", dt.date(2026, 11, 20), actor=volunteer_b),
        "record_answer": lambda: store.record_answer(case_id, "appeal", dt.date(2026, 11, 20), "complete",
                                                     actor=volunteer_b),
        "add_letter": lambda: store.add_letter(case_id, {"id": "appeal", "paragraphs": []}, actor=volunteer_b),
        "edit_letter": lambda: store.edit_letter(letter.id, {"id": "appeal", "paragraphs": []}, actor=volunteer_b),
        "submit_letter": lambda: store.submit_letter(letter.id, actor=volunteer_b),
        "record_consent": lambda: store.record_consent(case_id, Consent(given_on=CASE.reference_date,
                                                                        scope=["keep_file"], how="oral"),
                                                       actor=volunteer_b),
        "withdraw_consent": lambda: store.withdraw_consent(case_id, CASE.reference_date, actor=volunteer_b),
        "set_status": lambda: store.set_status(case_id, "closed", actor=volunteer_b),
        "save": lambda: store.save(CASE, case_id, actor=volunteer_b),
    }
    for name, attempt in attempts.items():
        with pytest.raises(NotFound):
            attempt()
        assert store.get(case_id, actor=mediator_a).version == 2, name       # nothing changed
    # B's admin, who may export, delete and purge, reaches A's case no better
    admin_b = accounts.add_user(volunteer_b.organisation_id, f"admin-{volunteer_b.organisation_id}@b.fr", "Admin B",
                                Role.admin, PASSWORD)
    for attempt in (lambda: store.export(case_id, actor=admin_b), lambda: store.export_zip(case_id, actor=admin_b),
                    lambda: store.delete(case_id, actor=admin_b), lambda: store.review_letter(letter.id, True,
                                                                                              actor=admin_b)):
        with pytest.raises(NotFound):
            attempt()
    store.set_status(case_id, "closed", actor=mediator_a)
    assert store.purge(days=0, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1), actor=admin_b) == []
    assert case_id not in [r.id for r in store.dashboard(CASE.reference_date, actor=admin_b, status=None).rows]
    assert store.audit_trail(case_id, actor=admin_b) == []
    assert store.get(case_id, actor=mediator_a).case == CASE
