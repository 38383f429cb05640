"""Letter versions under review (issue 12 groundwork in the store): an edit is a new
version and the generated text stays; a sent letter is frozen; only a lawyer or an admin
approves; where the organisation requires review, only approved letters go out."""

import datetime as dt

import pytest

from assistant.casefiles.accounts import Accounts, NotAllowed, Role
from assistant.casefiles.store import Frozen, NeedsApproval, NotFound
from tests.test_store import CASE, TODAY, _letter, postgres_url, store  # noqa: F401  (fixtures)

PASSWORD = "un mot de passe assez long"


@pytest.fixture
def team(store):  # noqa: F811
    accounts = Accounts(store)
    org = accounts.create_organisation("Association", requires_review=True)
    admin = accounts.add_user(org, f"admin-{org}@x.fr", "Admin", Role.admin, PASSWORD)
    people = {role: accounts.add_user(org, f"{role.value}-{org}@x.fr", role.value, role, PASSWORD, by=admin)
              for role in (Role.volunteer, Role.lawyer)}
    other = accounts.create_organisation("Autre")
    outsider = accounts.add_user(other, f"admin-{other}@x.fr", "Autre", Role.admin, PASSWORD)
    return store, people[Role.volunteer], people[Role.lawyer], outsider


def test_edit_keeps_the_generated_version_and_review_decides(team):
    store, volunteer, lawyer, outsider = team
    case_id = store.save(CASE, actor=volunteer)
    generated = store.add_letter(case_id, _letter(), actor=volunteer)
    edited_letter = {**generated.letter, "subject": generated.letter["subject"] + " (relu)"}
    edited = store.edit_letter(generated.id, edited_letter, actor=volunteer)
    versions = store.letters(case_id, actor=volunteer)
    assert [(v.number, v.status, v.parent_id) for v in versions] == [(1, "superseded", None), (2, "draft", generated.id)]
    assert versions[0].letter == generated.letter and versions[1].letter == edited_letter
    store.submit_letter(edited.id, actor=volunteer)
    with pytest.raises(NotAllowed):
        store.review_letter(edited.id, approve=True, actor=volunteer)     # a volunteer cannot approve
    with pytest.raises(NotFound):
        store.review_letter(edited.id, approve=True, actor=outsider)      # nor another organisation
    back = store.review_letter(edited.id, approve=False, comment="Citer R142-1", actor=lawyer)
    assert back.status == "draft" and back.comment == "Citer R142-1" and back.reviewed_by == lawyer.id
    with pytest.raises(NeedsApproval):
        store.record_sent(case_id, "appeal", TODAY, version_id=edited.id, actor=volunteer)
    approved = store.review_letter(edited.id, approve=True, actor=lawyer)
    assert approved.status == "approved"
    store.record_sent(case_id, "appeal", TODAY, version_id=edited.id, actor=volunteer)
    assert store.letters(case_id, actor=volunteer)[-1].status == "sent"
    with pytest.raises(Frozen):
        store.edit_letter(edited.id, edited_letter, actor=lawyer)          # sent: frozen
    with pytest.raises(Frozen):
        store.edit_letter(generated.id, edited_letter, actor=lawyer)       # superseded: frozen


def test_unreviewed_text_cannot_go_out_when_review_is_required(team):
    store, volunteer, _, _ = team
    case_id = store.save(CASE, actor=volunteer)
    with pytest.raises(NeedsApproval):
        store.record_sent(case_id, "appeal", TODAY, letter=_letter(), actor=volunteer)
    assert store.get(case_id, actor=volunteer).events == []
    store.record_sent(case_id, "appeal", TODAY + dt.timedelta(days=1), actor=volunteer)   # the date alone: fine


# --- Review never makes a person miss a date (issue 20, 7) ----------------------------------------

# The appeal's last day (the follow-up's, from the analysis' safe date) for a decision received
# then, the case's today being TODAY (23 November 2026): tomorrow, and in 43 days.
SOON = {"decision__date": "2026-09-20", "decision__received_on": "2026-09-24"}
TOMORROW, LATER = TODAY + dt.timedelta(days=1), dt.date(2027, 1, 5)
REASON = "Recours à déposer demain, aucun juriste joignable ce soir"


def _case(**changes):
    from assistant.law.model import parse_case
    from tests.conftest import with_changes
    from tests.test_store import RAW

    return parse_case(with_changes(RAW, **changes))


@pytest.fixture
def urgent_team(store):  # noqa: F811
    """An organisation that requires review: its admin, a volunteer and a lawyer."""
    accounts = Accounts(store)
    org = accounts.create_organisation("Association", requires_review=True)
    admin = accounts.add_user(org, f"admin-{org}@x.fr", "Admin", Role.admin, PASSWORD)
    volunteer, lawyer = (accounts.add_user(org, f"{role.value}-{org}@x.fr", role.value, role, PASSWORD, by=admin)
                         for role in (Role.volunteer, Role.lawyer))
    return store, admin, volunteer, lawyer


def _in_review(store, user, case, letter_id="appeal"):  # noqa: F811
    case_id = store.save(case, actor=user)
    version = store.add_letter(case_id, _letter(case, letter_id), actor=user)
    return case_id, store.submit_letter(version.id, actor=user)


def test_letters_waiting_for_review_come_with_their_last_day_most_urgent_first(urgent_team):
    from assistant.casefiles.review_status import urgent_reviews, waiting

    store, _admin, volunteer, lawyer = urgent_team
    undated_case, undated = _in_review(store, volunteer, CASE, "explanation_request")   # no time limit of its own
    later_case, later = _in_review(store, volunteer, CASE)
    soon_case, soon = _in_review(store, volunteer, _case(**SOON))
    found = waiting(store, TODAY, actor=lawyer)
    assert [(w.case.id, w.version.id, w.due, w.days_left, w.urgent) for w in found] == [
        (soon_case, soon.id, TOMORROW, 1, True),
        (later_case, later.id, LATER, (LATER - TODAY).days, False),
        (undated_case, undated.id, None, None, False)]
    assert [w.version.id for w in urgent_reviews(store, TODAY, actor=lawyer)] == [soon.id]
    # Three days before the last day it is urgent; the day after, too (passed, still waiting).
    assert [w.version.id for w in urgent_reviews(store, LATER - dt.timedelta(days=3), actor=lawyer)] == [soon.id, later.id]
    assert [w.version.id for w in urgent_reviews(store, LATER - dt.timedelta(days=4), actor=lawyer)] == [soon.id]
    # Approved or sent letters no longer wait; another organisation sees none of them.
    store.review_letter(soon.id, True, actor=lawyer)
    assert [w.version.id for w in waiting(store, TODAY, actor=lawyer)] == [later.id, undated.id]
    other = Accounts(store).create_organisation("Autre")
    outsider = Accounts(store).add_user(other, f"admin-{other}@x.fr", "Autre", Role.admin, PASSWORD)
    assert waiting(store, TODAY, actor=outsider) == []


def test_an_urgent_letter_goes_out_unapproved_only_as_the_organisation_allows_and_is_audited(urgent_team):
    from assistant.casefiles.store import MissingReason, NotUrgent, UrgentSend

    store, admin, volunteer, lawyer = urgent_team
    assert store.review_settings(volunteer).urgent_send is UrgentSend.admin       # the default
    case_id, version = _in_review(store, volunteer, _case(**SOON))
    with pytest.raises(NotAllowed):
        store.send_urgent(case_id, version.id, TODAY, REASON, actor=volunteer)    # admins only, by default
    with pytest.raises(NotAllowed):
        store.set_urgent_send(UrgentSend.sender, actor=volunteer)                 # the admin chooses
    with pytest.raises(NotAllowed):
        store.send_urgent(case_id, version.id, TODAY, REASON, actor=lawyer)       # a lawyer sends nothing
    store.set_urgent_send(UrgentSend.sender, actor=admin)
    assert store.review_settings(lawyer).urgent_send is UrgentSend.sender
    with pytest.raises(MissingReason, match=r"Motif de l'envoi sans approbation \(reason\)"):
        store.send_urgent(case_id, version.id, TODAY, "   ", actor=volunteer)
    later_case, later = _in_review(store, volunteer, CASE)
    with pytest.raises(NotUrgent):
        store.send_urgent(later_case, later.id, TODAY, REASON, actor=volunteer)  # 43 days left: it waits
    assert store.get(later_case, actor=volunteer).events == []

    store.send_urgent(case_id, version.id, TODAY, REASON, actor=volunteer)
    saved = store.get(case_id, actor=volunteer)
    assert [(e.kind, e.letter_id, e.on) for e in saved.events] == [("sent", "appeal", TODAY)]
    assert saved.case.history.appeal_filed_on == TODAY
    assert [v.status for v in store.letters(case_id, actor=volunteer)] == ["sent"]
    [entry] = [e for e in store.audit_trail(case_id, actor=admin) if e["action"] == "letter.urgent_sent"]
    assert (entry["user_id"], entry["note"]) == (volunteer.id, REASON)
    assert entry["detail"] == f"appeal v1 in_review due {TOMORROW.isoformat()}"
    assert isinstance(entry["at"], dt.datetime)
    with pytest.raises(Frozen):
        store.send_urgent(case_id, version.id, TODAY, REASON, actor=volunteer)    # sent once
    # « Personne »: even an admin's urgent letter waits for a lawyer (and everyone is told).
    store.set_urgent_send(UrgentSend.nobody, actor=admin)
    third_case, third = _in_review(store, volunteer, _case(**SOON))
    with pytest.raises(NotAllowed):
        store.send_urgent(third_case, third.id, TODAY, REASON, actor=admin)


def test_the_reason_is_sealed_in_the_audit_log(tmp_path):
    from assistant.casefiles.service import open_store
    from assistant.casefiles.store import UrgentSend

    store = open_store(f"sqlite:///{tmp_path / 'reason.sqlite3'}")
    accounts = Accounts(store)
    org = accounts.create_organisation("Association", requires_review=True)
    admin = accounts.add_user(org, "admin@x.fr", "Admin", Role.admin, PASSWORD)
    store.set_urgent_send(UrgentSend.admin, actor=admin)
    case_id, version = _in_review(store, admin, _case(**SOON))
    store.send_urgent(case_id, version.id, TODAY, "Marguerite Zimmerlin part demain", actor=admin)
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("reason.sqlite3*"))
    assert b"Zimmerlin" not in raw


def test_an_organisation_made_before_the_setting_lets_its_admins_send_urgently(store):  # noqa: F811
    """Migration 0009 on a database at 0008: existing organisations get « admin », and the
    audit log its sealed note column."""
    from assistant.casefiles.store import UrgentSend, migrate

    accounts = Accounts(store)
    org = accounts.create_organisation("Ancienne", requires_review=True)
    admin = accounts.add_user(org, f"admin-{org}@x.fr", "Admin", Role.admin, PASSWORD)
    migrate(store.engine, store.sealer, "downgrade", "0008")
    migrate(store.engine, store.sealer, "upgrade", "head")
    assert store.review_settings(admin).urgent_send is UrgentSend.admin
    case_id, version = _in_review(store, admin, _case(**SOON))
    store.send_urgent(case_id, version.id, TODAY, REASON, actor=admin)
    assert store.audit_trail(case_id, actor=admin)[-1]["note"] == REASON
