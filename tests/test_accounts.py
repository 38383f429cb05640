"""Organisations, users and roles on SQLite and a real PostgreSQL server: each
organisation sees only its own cases, roles are enforced, passwords are Argon2id, and the
audit log says who did what when without any personal content."""

import copy
import datetime as dt

import pytest

from assistant.casefiles.accounts import Accounts, NotAllowed, Role
from assistant.casefiles.dashboard import dashboard
from assistant.casefiles.export import export_case, export_zip
from assistant.casefiles.service import open_store
from assistant.law.model import parse_case
from assistant.casefiles.store import NotFound
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

    from assistant.casefiles.accounts import UserRow

    with store.read() as session:
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
    export_case(store, case_id, actor=mediator_a)
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
    from assistant.casefiles.store import Consent

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
    for attempt in (lambda: export_case(store, case_id, actor=admin_b), lambda: export_zip(store, case_id, actor=admin_b),
                    lambda: store.delete(case_id, actor=admin_b), lambda: store.review_letter(letter.id, True,
                                                                                              actor=admin_b)):
        with pytest.raises(NotFound):
            attempt()
    store.set_status(case_id, "closed", actor=mediator_a)
    assert store.purge(days=0, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1), actor=admin_b) == []
    assert case_id not in [r.id for r in dashboard(store, CASE.reference_date, actor=admin_b, status=None).rows]
    assert store.audit_trail(case_id, actor=admin_b) == []
    assert store.get(case_id, actor=mediator_a).case == CASE


# --- revoking accounts (issue 16) --------------------------------------------------------------


def _signed_in(accounts, user):
    """The user as a sign-in returns them: the object a page keeps for the whole session."""
    return accounts.authenticate(user.email, PASSWORD, source=f"test-{user.id}")


def test_a_demoted_disabled_or_removed_users_open_session_loses_its_rights_at_the_next_call(two_organisations):
    from assistant.casefiles.accounts import current

    store, accounts, admin_a, mediator_a, _ = two_organisations
    second_admin = accounts.add_user(admin_a.organisation_id, f"admin2-{admin_a.id}@a.fr", "Admin A2", Role.admin,
                                     PASSWORD, by=admin_a)
    session_user = _signed_in(accounts, mediator_a)
    case_id = store.save(CASE, actor=session_user)
    accounts.set_role(mediator_a.id, Role.volunteer, by=second_admin)
    assert session_user.role is Role.mediator                    # the session's copy still says mediator…
    with pytest.raises(NotAllowed):
        store.delete(case_id, actor=session_user)                # …the store reads the role again
    store.get(case_id, actor=session_user)                       # what a volunteer may do still works
    accounts.disable(mediator_a.id, by=second_admin)
    for attempt in (lambda: store.get(case_id, actor=session_user), lambda: store.list(actor=session_user),
                    lambda: store.save(CASE, actor=session_user),
                    lambda: dashboard(store, CASE.reference_date, actor=session_user),
                    lambda: store.audit_trail(actor=session_user)):
        with pytest.raises(NotAllowed):
            attempt()
    assert accounts.authenticate(mediator_a.email, PASSWORD, source="test-disabled") is None
    assert accounts.refresh(session_user) is None
    accounts.enable(mediator_a.id, by=second_admin)
    assert accounts.refresh(session_user).role is Role.volunteer
    assert store.get(case_id, actor=session_user).case == CASE
    # An admin demoted by another admin loses the accounts and the template at once.
    admin_session = _signed_in(accounts, admin_a)
    accounts.set_role(admin_a.id, Role.mediator, by=second_admin)
    for attempt in (lambda: accounts.users(by=admin_session), lambda: accounts.disable(mediator_a.id, by=admin_session),
                    lambda: accounts.set_template(b"PK", by=admin_session),
                    lambda: accounts.set_requires_review(True, by=admin_session),
                    lambda: accounts.add_user(admin_a.organisation_id, f"x-{admin_a.id}@a.fr", "X", Role.admin,
                                              PASSWORD, by=admin_session)):
        with pytest.raises(NotAllowed):
            attempt()
    # Removed: nothing at all, and the store's one check says so.
    accounts.remove(mediator_a.id, by=second_admin)
    with pytest.raises(NotAllowed), store.read() as session:
        current(session, session_user)
    with pytest.raises(NotAllowed):
        store.get(case_id, actor=session_user)
    assert store.get(case_id, actor=second_admin).case == CASE   # the case stays with the organisation


def test_an_admin_manages_only_their_organisations_accounts_and_never_removes_the_last_admin(two_organisations):
    from assistant.casefiles.accounts import LastAdmin, UnknownAccount

    store, accounts, admin_a, mediator_a, volunteer_b = two_organisations
    assert [(m.email, m.role, m.active) for m in accounts.users(by=admin_a)] == [
        (admin_a.email, Role.admin, True), (mediator_a.email, Role.mediator, True)]
    for change in (lambda: accounts.disable(volunteer_b.id, by=admin_a), lambda: accounts.remove(volunteer_b.id, by=admin_a),
                   lambda: accounts.set_role(volunteer_b.id, Role.admin, by=admin_a),
                   lambda: accounts.enable("no-such-id", by=admin_a)):
        with pytest.raises(UnknownAccount):                       # B's account is not even said to exist
            change()
    assert accounts.refresh(volunteer_b) == volunteer_b
    with pytest.raises(NotAllowed):
        accounts.users(by=mediator_a)
    with pytest.raises(NotAllowed):
        accounts.disable(admin_a.id, by=mediator_a)
    # The last active admin stays: not demoted, disabled or removed, even by themselves.
    for change in (lambda: accounts.set_role(admin_a.id, Role.lawyer, by=admin_a),
                   lambda: accounts.disable(admin_a.id, by=admin_a), lambda: accounts.remove(admin_a.id, by=admin_a)):
        with pytest.raises(LastAdmin):
            change()
    accounts.set_role(mediator_a.id, Role.admin, by=admin_a)
    accounts.disable(mediator_a.id, by=admin_a)                   # a disabled admin does not count…
    with pytest.raises(LastAdmin):
        accounts.set_role(admin_a.id, Role.lawyer, by=admin_a)
    accounts.enable(mediator_a.id, by=admin_a)                    # …an active one does
    accounts.set_role(admin_a.id, Role.lawyer, by=admin_a)
    with pytest.raises(NotAllowed):
        accounts.users(by=admin_a)                                # demoted themselves: no longer an admin
    members = {m.id: m for m in accounts.users(by=mediator_a)}
    assert members[admin_a.id].role is Role.lawyer and members[mediator_a.id].role is Role.admin
    # Audited with ids only, in the organisation's log.
    trail = [(e["action"], e["user_id"], e["detail"]) for e in store.audit_trail(actor=mediator_a)
             if e["action"].startswith("user.") and e["action"] != "user.add"]
    assert trail == [("user.role.admin", admin_a.id, mediator_a.id), ("user.disable", admin_a.id, mediator_a.id),
                     ("user.enable", admin_a.id, mediator_a.id), ("user.role.lawyer", admin_a.id, admin_a.id)]
    assert mediator_a.email not in repr(store.audit_trail())


def test_an_email_taken_anywhere_gets_one_answer_that_names_no_one(two_organisations):
    from assistant.casefiles.accounts import EmailRefused

    _, accounts, admin_a, mediator_a, volunteer_b = two_organisations
    refusals = []
    for taken in (mediator_a.email, volunteer_b.email):          # in this organisation, in another one
        with pytest.raises(EmailRefused) as refused:
            accounts.add_user(admin_a.organisation_id, taken.upper(), "Quelqu'un", Role.volunteer, PASSWORD, by=admin_a)
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1]
    assert "@" not in refusals[0] and "déjà" not in refusals[0] and "organisation" not in refusals[0]


def test_an_organisation_whose_first_admin_is_refused_is_not_left_behind(two_organisations):
    from sqlalchemy import func, select

    from assistant.casefiles.accounts import EmailRefused, OrganisationRow

    store, accounts, _, mediator_a, _ = two_organisations

    def organisations() -> int:
        with store.read() as session:
            return session.scalar(select(func.count()).select_from(OrganisationRow))

    before = organisations()
    with pytest.raises(EmailRefused):
        accounts.create_organisation_with_admin("Nouvelle association", mediator_a.email, "Admin", PASSWORD)
    with pytest.raises(ValueError):
        accounts.create_organisation_with_admin("Nouvelle association", f"neuf-{mediator_a.id}@c.fr", "Admin", "court")
    assert organisations() == before
    organisation, admin = accounts.create_organisation_with_admin("Nouvelle association", f"neuf-{mediator_a.id}@c.fr",
                                                                  "Admin", PASSWORD)
    assert organisations() == before + 1 and admin.organisation_id == organisation and admin.role is Role.admin


# --- signing in: counted in the store, hashed outside any write (issue 16) -----------------------


def test_failures_lock_the_address_for_any_session_and_process_and_an_unknown_one_alike(two_organisations,
                                                                                          monkeypatch):
    import assistant.casefiles.accounts as accounts_module
    from assistant.casefiles.accounts import COOLDOWN, MAX_FAILURES_PER_ACCOUNT, TooManyAttempts

    store, accounts, _, mediator_a, volunteer_b = two_organisations
    unknown = f"personne-{mediator_a.id}@nulle.part"
    for email in (mediator_a.email, unknown):
        for attempt in range(MAX_FAILURES_PER_ACCOUNT - 1):
            assert accounts.authenticate(email, "mauvais mot de passe", source=f"poste-{attempt}") is None
        with pytest.raises(TooManyAttempts) as locked:
            accounts.authenticate(email, "mauvais mot de passe", source="poste-x")
        assert str(locked.value) == "trop d'essais de connexion : réessayez dans 15 minutes."
    # Another Accounts over another Store (another browser session, another process): still locked,
    # even with the right password, from any source; the same message for the unknown address.
    again = Accounts(open_store(engine=store.engine, seal=store.sealer))
    for email, password in ((mediator_a.email, PASSWORD), (unknown, PASSWORD)):
        with pytest.raises(TooManyAttempts) as still:
            again.authenticate(email, password, source="ailleurs")
        assert str(still.value) == str(locked.value)
    assert again.authenticate(volunteer_b.email, PASSWORD, source="ailleurs") == volunteer_b   # others are not locked
    # After the cooldown, the right password works and the address starts again from zero.
    later = dt.datetime.now(dt.timezone.utc) + COOLDOWN + dt.timedelta(seconds=1)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    assert again.authenticate(mediator_a.email, PASSWORD, source="ailleurs") == mediator_a
    for _attempt in range(MAX_FAILURES_PER_ACCOUNT - 1):
        assert again.authenticate(mediator_a.email, "mauvais mot de passe", source="ailleurs") is None
    assert again.authenticate(mediator_a.email, PASSWORD, source="ailleurs") == mediator_a


def test_failures_lock_a_source_trying_many_addresses(two_organisations):
    from assistant.casefiles.accounts import MAX_FAILURES_PER_SOURCE, TooManyAttempts

    _, accounts, _, mediator_a, volunteer_b = two_organisations
    source = f"203.0.113.{len(mediator_a.id)}-{mediator_a.id}"
    for n in range(MAX_FAILURES_PER_SOURCE - 1):
        assert accounts.authenticate(f"essai-{n}-{mediator_a.id}@a.fr", PASSWORD, source=source) is None
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(f"essai-last-{mediator_a.id}@a.fr", PASSWORD, source=source)
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(volunteer_b.email, PASSWORD, source=source)       # the right password, too
    assert accounts.authenticate(volunteer_b.email, PASSWORD, source="198.51.100.9") == volunteer_b


def test_an_unknown_address_and_a_wrong_password_do_the_same_argon2_work_outside_any_write(two_organisations,
                                                                                            monkeypatch):
    """A spy on the password check: it runs for the unknown address too (against a dummy
    hash), and while it runs no connection is held and SQLite's write lock is free."""
    import sqlite3

    import assistant.casefiles.accounts as accounts_module

    store, accounts, _, mediator_a, _ = two_organisations
    real = accounts_module._HASHER
    checked = []

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, password_hash, password):
            checked.append(password_hash)
            assert store.engine.pool.checkedout() == 0 and store._reader.pool.checkedout() == 0
            if store.engine.dialect.name == "sqlite":
                other = sqlite3.connect(store.engine.url.database, timeout=0, isolation_level=None)
                other.execute("BEGIN IMMEDIATE")      # raises « database is locked » if a sign-in held it
                other.execute("ROLLBACK")
                other.close()
            return real.verify(password_hash, password)

    monkeypatch.setattr(accounts_module, "_HASHER", Spy())
    answers = [accounts.authenticate(mediator_a.email, "mauvais mot de passe", source="spy"),
               accounts.authenticate(f"inconnu-{mediator_a.id}@a.fr", "mauvais mot de passe", source="spy")]
    assert answers == [None, None] and len(checked) == 2
    assert all(h.startswith("$argon2id$") for h in checked) and checked[0] != checked[1]
    assert accounts.authenticate(mediator_a.email, PASSWORD, source="spy") == mediator_a and len(checked) == 3


def test_migration_0005_keeps_who_is_disabled_both_ways(two_organisations):
    from sqlalchemy import text

    from assistant.casefiles.store import migrate

    store, accounts, admin_a, mediator_a, _ = two_organisations
    accounts.disable(mediator_a.id, by=admin_a)
    migrate(store.engine, store.sealer, "downgrade", "0004")
    with store.engine.connect() as connection:
        active = dict(connection.execute(text("SELECT id, active FROM users WHERE id IN (:a, :m)"),
                                         {"a": admin_a.id, "m": mediator_a.id}).all())
    assert {k: bool(v) for k, v in active.items()} == {admin_a.id: True, mediator_a.id: False}
    migrate(store.engine, store.sealer, "upgrade", "head")
    assert {m.id: m.active for m in accounts.users(by=admin_a)} == {admin_a.id: True, mediator_a.id: False}


def test_the_accounts_command_lists_changes_roles_disables_and_removes(tmp_path):
    """`accounts list-users|set-role|disable|enable|remove --as ADMIN`, and a refused
    `create-organisation` that leaves no organisation behind."""
    import sqlite3

    from tests.conftest import run_cli

    env = {"MESDROITS_DATA_DIR": str(tmp_path / "data"), "MESDROITS_PASSWORD": PASSWORD,
           "MESDROITS_NEW_PASSWORD": PASSWORD, "DATABASE_URL": ""}

    def cli(*args, **extra):
        return run_cli("accounts", *args, env={**env, **extra}, timeout=120)

    assert cli("create-organisation", "France Services A", "--admin-email", "admin@a.fr", "--admin-name", "Admin").returncode == 0
    assert cli("add-user", "--as", "admin@a.fr", "med@a.fr", "Médiatrice", "mediator").returncode == 0
    refused = cli("create-organisation", "Association B", "--admin-email", "MED@a.fr", "--admin-name", "Admin B")
    assert refused.returncode == 2 and "ne peut pas recevoir de nouveau compte" in refused.stderr
    assert "Traceback" not in refused.stderr and "@" not in refused.stderr
    with sqlite3.connect(tmp_path / "data" / "mesdroits.sqlite3") as db:
        assert db.execute("SELECT name FROM organisations").fetchall() == [("France Services A",)]

    listed = cli("list-users", "--as", "admin@a.fr")
    assert listed.returncode == 0 and listed.stdout.splitlines() == [
        "admin@a.fr\tadmin\tactif\tAdmin", "med@a.fr\tmediator\tactif\tMédiatrice"]
    assert cli("list-users", "--as", "med@a.fr").returncode == 2                    # not an admin
    assert cli("set-role", "--as", "admin@a.fr", "med@a.fr", "lawyer").returncode == 0
    assert cli("disable", "--as", "admin@a.fr", "med@a.fr").returncode == 0
    assert "med@a.fr\tlawyer\tdésactivé le " in cli("list-users", "--as", "admin@a.fr").stdout
    disabled = run_cli("cases", "list", "--as", "med@a.fr", env=env, timeout=120)
    assert disabled.returncode == 2 and "mot de passe incorrect" in disabled.stderr
    assert cli("enable", "--as", "admin@a.fr", "med@a.fr").returncode == 0
    last = cli("disable", "--as", "admin@a.fr", "admin@a.fr")
    assert last.returncode == 2 and "dernier administrateur" in last.stderr
    unknown = cli("disable", "--as", "admin@a.fr", "personne@b.fr")
    assert unknown.returncode == 2 and "compte introuvable dans votre organisation" in unknown.stderr
    unconfirmed = cli("remove", "--as", "admin@a.fr", "med@a.fr")
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    assert cli("remove", "--as", "admin@a.fr", "med@a.fr", "--yes").returncode == 0
    assert cli("list-users", "--as", "admin@a.fr").stdout.splitlines() == ["admin@a.fr\tadmin\tactif\tAdmin"]
