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
