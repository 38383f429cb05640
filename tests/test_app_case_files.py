"""The professional pages in-process (streamlit.testing AppTest): signing in and out, the
dashboard, one saved case file (steps, letters, answers, consent, delete), saving from the
letters page; organisations kept apart and roles enforced; a person alone never touches
the store.

Organisations and users are made in-process in the tests' own database
(MESDROITS_DATA_DIR, tests/conftest.py), each test with its own organisation."""

from __future__ import annotations

import copy
import datetime as dt
import uuid

import pytest
from streamlit.testing.v1 import AppTest

from assistant.casefiles import accounts
from assistant.casefiles.accounts import Accounts, Role, User
from assistant.casefiles.followup import Answer, AnswerKind, Sent, ladder
from assistant.core.formatting import long_date
from assistant.law.model import parse_case
from assistant.pages.workspace import CASE_ID, PREPARED, USER
from assistant.casefiles.service import open_store
from assistant.casefiles.store import Consent, Store
from tests.conftest import VALID_SCENARIOS, with_changes
from tests.test_app import APP, texts, told_to_show, walk_interview, widget

PASSWORD = "un-mot-de-passe-solide"
RAW = copy.deepcopy(dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"])
TODAY = dt.date.fromisoformat(RAW["today"])
ASKED = TODAY - dt.timedelta(days=14)            # an explanation request two weeks ago
# A decision of last summer and an explanation request whose CADA limit has passed.
LATE = {"decision__date": (TODAY - dt.timedelta(days=150)).isoformat(),
        "decision__received_on": (TODAY - dt.timedelta(days=147)).isoformat(),
        "history__explanation_requested_on": (TODAY - dt.timedelta(days=120)).isoformat()}

# Payments stopped with no written decision: no time limit runs yet, the ladder is empty.
UNWRITTEN = {"decision__received": False, "decision__date": None, "decision__received_on": None,
             "decision__reasons_given": None, "decision__appeal_info_given": None,
             "context__started_on": (TODAY - dt.timedelta(days=10)).isoformat()}


@pytest.fixture(scope="module")
def store() -> Store:
    return open_store()


def member(store: Store, role: Role = Role.mediator, organisation: str | None = None) -> User:
    """A user of a new organisation (or of `organisation`), with a unique e-mail."""
    accounts = Accounts(store)
    organisation = organisation or accounts.create_organisation(f"France Services {uuid.uuid4().hex[:6]}")
    return accounts.add_user(organisation, f"{role.value}-{uuid.uuid4().hex[:8]}@exemple.fr", f"Camille {role.value}",
                             role, PASSWORD)


def save_case(store: Store, user: User, **changes) -> str:
    case = parse_case(with_changes(RAW, **changes))
    return store.save(case, actor=user, consent=Consent(given_on=TODAY, scope=["keep_file"], how="oral"))


def app(user: User | None = None, page: str | None = None, case_id: str | None = None) -> AppTest:
    """The app with the date pinned, signed in as `user` (as the account page leaves it)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["reference_date"] = TODAY
    if user is not None:
        at.session_state[USER] = user
        at.session_state["pro.organisation"] = Accounts(open_store()).organisation_name(user.organisation_id)
    if case_id is not None:
        at.session_state[CASE_ID] = case_id
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def sign_in(at: AppTest, email: str, password: str) -> None:
    at.text_input(key="pro.email").input(email)
    at.text_input(key="pro.password").input(password)
    button(at, "Se connecter").click().run()
    assert not at.exception, at.exception


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def shown(at: AppTest) -> str:
    """The page's text as read (without the markdown escapes of typed or generated text)."""
    return texts(at).replace("\\", "")


def test_every_role_status_channel_answer_and_period_has_its_words() -> None:
    from assistant.pages import workspace
    from assistant.casefiles.dashboard import BUCKETS
    from assistant.casefiles.store import Channel, Status

    assert set(workspace.ROLE_LABELS) == set(Role) and set(workspace.STATUS_LABELS) == set(Status)
    assert set(workspace.CHANNEL_LABELS) == set(Channel) and set(workspace.ANSWER_LABELS) == set(AnswerKind)
    assert set(workspace.BUCKET_LABELS) == set(BUCKETS)
    how = Consent.model_fields["how"].metadata[0].pattern.strip("^$()").split("|")
    assert sorted(workspace.CONSENT_HOW) == sorted(how)


# --- Signing in and out --------------------------------------------------------------------


def test_a_wrong_password_or_an_unknown_email_get_the_same_message(store) -> None:
    user = member(store)
    at = app(page="pages/account.py")
    sign_in(at, user.email, "pas-le-bon-mot-de-passe")
    assert [e.value for e in at.error] == ["Adresse e-mail ou mot de passe incorrect."]
    sign_in(at, "personne@exemple.fr", PASSWORD)
    assert [e.value for e in at.error] == ["Adresse e-mail ou mot de passe incorrect."]
    assert USER not in at.session_state and titles(at) == ["Espace professionnel"]
    assert PASSWORD not in str(at.session_state["pro.password"])


def test_five_failures_refuse_any_attempt_until_the_cooldown_ends(monkeypatch, store) -> None:
    user = member(store)
    at = app(page="pages/account.py")
    for _attempt in range(5):
        sign_in(at, user.email, "pas-le-bon-mot-de-passe")
    assert "Trop d'essais" in at.error[0].value
    sign_in(at, user.email, PASSWORD)  # the right password, but too soon
    assert USER not in at.session_state and "Trop d'essais" in at.error[0].value
    later = accounts._now() + accounts.COOLDOWN + dt.timedelta(seconds=1)
    monkeypatch.setattr(accounts, "_now", lambda: later)
    sign_in(at, user.email, PASSWORD)
    assert at.session_state[USER].id == user.id


def test_signing_in_shows_the_dashboard_with_the_organisations_cases(store) -> None:
    user = member(store)
    case_id = save_case(store, user, history__explanation_requested_on=ASKED.isoformat())
    at = app(page="pages/account.py")
    sign_in(at, user.email, PASSWORD)
    assert titles(at) == ["Dossiers"]
    due = store.get(case_id, actor=user).next_due
    assert due is not None and f"Prochaine échéance : au plus tard le {long_date(due)} (dans {(due - TODAY).days} jours)" in texts(at)
    assert widget(at, "button", f"pro.open.{case_id}").label == "Ouvrir le dossier : Karim H\\."  # Markdown, escaped


def test_signing_out_forgets_the_user_and_the_answers(store) -> None:
    user = member(store)
    at = app(user, page="pages/account.py")
    at.session_state["answers"] = {"claimant.last_name": "Haddad"}
    at.run()
    assert "Camille mediator" in texts(at) and "**Rôle :** Médiateur" in texts(at)
    at.button(key="pro.logout").click().run()
    assert USER not in at.session_state
    assert at.session_state["answers"] == {} and "Haddad" not in str(at.session_state)
    assert widget(at, "text_input", "pro.email") is not None  # the sign-in form again


def test_an_unreachable_database_gets_a_french_message(monkeypatch, store) -> None:
    from sqlalchemy.exc import OperationalError

    def down(self, email, password, source="local"):
        raise OperationalError("SELECT", {}, ConnectionError("base arrêtée"))

    monkeypatch.setattr(Accounts, "authenticate", down)
    at = app(page="pages/account.py")
    sign_in(at, "mediatrice@exemple.fr", PASSWORD)
    assert [e.value for e in at.error] == ["Connexion impossible pour l'instant : les dossiers enregistrés ne sont pas accessibles. Réessayez plus tard ou prévenez la personne qui gère ce service."]
    assert USER not in at.session_state


# --- The dashboard -----------------------------------------------------------------------------


def test_dashboard_counts_sorts_and_filters(store) -> None:
    user = member(store)
    late = save_case(store, user, claimant__first_name="Aline", **LATE)
    soon = save_case(store, user, history__explanation_requested_on=ASKED.isoformat(), claimant__first_name="Bruno")
    undated = save_case(store, user, claimant__first_name="Chloé", **UNWRITTEN)   # nothing runs yet
    at = app(user, page="pages/dashboard.py")
    counts = {m.label: m.value for m in at.metric}
    assert counts == {"En retard": "1", "Cette semaine": "0", "Plus tard": "1", "Sans échéance": "1"}, counts
    opened = [b.key for b in at.button if b.key and b.key.startswith("pro.open.")]
    assert opened == [f"pro.open.{late}", f"pro.open.{soon}", f"pro.open.{undated}"]  # overdue first, undated last
    overdue = store.get(late, actor=user).next_due
    assert f"En retard : échéance du {long_date(overdue)}" in texts(at)
    at.selectbox(key="pro.f.bucket").set_value("overdue").run()
    assert [b.key for b in at.button if b.key and b.key.startswith("pro.open.")] == [f"pro.open.{late}"]
    at.selectbox(key="pro.f.bucket").set_value("").run()
    at.selectbox(key="pro.f.organism").set_value("msa").run()
    assert "Aucun dossier ne correspond à ces filtres." in texts(at)
    # The filters show the registry's labels, not codes.
    assert "La MSA (mutualité sociale agricole)" in at.selectbox(key="pro.f.organism").options
    # Issue 20 §12: the filter outlives a switch of language (the browser is told the English label).
    at.radio(key="w.lang").set_value("en").run()
    assert "No case file matches these filters." in texts(at)
    assert told_to_show(at.selectbox(key="pro.f.organism")) == "The MSA (agricultural social insurance)"


def test_one_click_opens_the_case_file(store) -> None:
    user = member(store)
    case_id = save_case(store, user)
    at = app(user, page="pages/dashboard.py")
    at.button(key=f"pro.open.{case_id}").click().run()
    assert at.session_state[CASE_ID] == case_id
    assert titles(at) == ["Dossier de Karim Haddad"]


def test_another_organisations_case_is_never_shown(store) -> None:
    ours, theirs = member(store), member(store)
    their_case = save_case(store, theirs, claimant__first_name="Zoé", claimant__last_name="Autre-Organisation")
    at = app(ours, page="pages/dashboard.py")
    assert "Zoé" not in texts(at) and widget(at, "button", f"pro.open.{their_case}") is None
    at = app(ours, page="pages/case_file.py", case_id=their_case)
    assert [e.value for e in at.error] == ["Ce dossier n'existe pas ou n'est pas accessible avec votre compte."]
    assert "Autre-Organisation" not in texts(at)


def test_the_dashboard_and_case_pages_ask_to_sign_in_until_signed_in(store) -> None:
    at = app(page="pages/account.py")
    assert widget(at, "text_input", "pro.email") is not None
    # Known to the menu (hidden) so that a reload of /dossiers is never « page not found »
    # (issue 20): each asks to sign in first.
    for page in ("pages/dashboard.py", "pages/case_file.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert "Cette page est réservée aux professionnels connectés." in texts(at)
        assert titles(at) in ([], ["Dossier"])
    signed_in = app(member(store), page="pages/dashboard.py")
    assert titles(signed_in) == ["Dossiers"]


# --- One case file -------------------------------------------------------------------------------


def step_texts(case_raw: dict, sent: list, answers: list) -> list[str]:
    return [s.text for s in ladder(parse_case(case_raw), sent, answers)]


def test_recording_an_answer_changes_the_proposed_next_step(store) -> None:
    user = member(store)
    raw = with_changes(RAW, history__explanation_requested_on=ASKED.isoformat())
    case_id = save_case(store, user, history__explanation_requested_on=ASKED.isoformat())
    at = app(user, page="pages/case_file.py", case_id=case_id)
    before = step_texts(raw, [], [])
    assert before and all(text in shown(at) for text in before)
    assert "Relance" in [s.value for s in at.subheader]

    at.selectbox(key="pro.answer.to.0").set_value("explanation_request")
    at.text_input(key="pro.answer.on.0").input(TODAY.strftime("%d/%m/%Y"))
    assert at.button(key="pro.answer.save.0").disabled  # not before the questions are answered
    for question, reply in (("withdrawn", "no"), ("wrong_body", "no"), ("asks_identity", "no"),
                            ("asks_more_time", "no"), ("given", "nothing"), ("reasons", "yes")):
        at.radio(key=f"pro.answer.{question}.0").set_value(reply).run()
    assert "**Type de réponse :** Refus motivé" in texts(at)
    at.button(key="pro.answer.save.0").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Réponse enregistrée : Refus motivé. Les prochaines étapes sont à jour."]

    saved = store.get(case_id, actor=user)
    assert [(e.kind, e.letter_id, e.answer_kind) for e in saved.events] == [
        ("answer", "explanation_request", "refusal_with_reasons")]
    after = step_texts(raw, [], [Answer(to_letter="explanation_request", on=TODAY, kind=AnswerKind.refusal_with_reasons)])
    assert after != before
    page = shown(at)
    assert all(text in page for text in after), (after, page)
    assert not any(text in page for text in set(before) - set(after))
    assert "Relance" not in [s.value for s in at.subheader]


def test_recording_a_sending_starts_the_ladder_with_the_letter_kept(store) -> None:
    user = member(store)
    case_id = save_case(store, user, **UNWRITTEN)
    at = app(user, page="pages/case_file.py", case_id=case_id)
    assert "Aucune étape de suivi pour l'instant" in texts(at)
    at.button(key="pro.prepare.first.explanation_request").click().run()
    letter, docx = at.session_state[PREPARED]["first.explanation_request"]
    assert docx[:2] == b"PK" and letter.id == "explanation_request"
    form = "pro.sent.first.explanation_request.0"
    at.text_input(key=f"{form}.on").input(TODAY.strftime("%d/%m/%Y"))
    at.selectbox(key=f"{form}.channel").set_value("registered_post")
    at.text_input(key=f"{form}.proof").input("1A 234 567 8901 2")
    next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}")).click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [f"Envoi enregistré : Demande d'explication, le {long_date(TODAY)}."]
    [stored] = store.letters(case_id, actor=user)
    assert stored.status == "sent" and stored.letter["id"] == "explanation_request"
    steps = ladder(store.get(case_id, actor=user).case, [Sent(letter_id="explanation_request", on=TODAY)], [])
    assert steps and all(s.text in shown(at) for s in steps)
    assert widget(at, "download_button", "pro.ics") is not None
    # A date in the future is refused, in words.
    at.text_input(key="pro.answer.on.1").input((TODAY + dt.timedelta(days=3)).strftime("%d/%m/%Y"))
    for question, reply in (("withdrawn", "yes"),):
        at.radio(key=f"pro.answer.{question}.1").set_value(reply).run()
    at.button(key="pro.answer.save.1").click().run()
    assert [e.value for e in at.error] == ["Cette date est après aujourd'hui : vérifiez-la."]


def test_the_case_page_says_each_last_day_one_way_in_its_language(store) -> None:
    """Issue 20 §5: « Au plus tard le 7 December 2026 » mixed languages on an English case page."""
    user = member(store)
    case_id = save_case(store, user, **UNWRITTEN)
    store.record_sent(case_id, "explanation_request", TODAY, actor=user)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["reference_date"], at.session_state["lang"] = TODAY, "en"
    at.session_state[USER], at.session_state[CASE_ID] = user, case_id
    at.session_state["pro.organisation"] = Accounts(store).organisation_name(user.organisation_id)
    at.run()
    at.switch_page("pages/case_file.py").run()
    assert not at.exception, at.exception
    steps = ladder(store.get(case_id, actor=user).case, [Sent(letter_id="explanation_request", on=TODAY)], [], "en")
    due = [s.due for s in steps if s.due is not None]
    assert due
    page = texts(at)
    for day in due:
        assert f"By {long_date(day, 'en_GB')} at the latest (in {(day - TODAY).days} days)" in page, page
    assert "Au plus tard" not in page and "au plus tard" not in page


def test_a_volunteer_has_no_working_delete_button(store) -> None:
    volunteer = member(store, Role.volunteer)
    case_id = save_case(store, volunteer)
    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    delete = at.button(key="pro.delete")
    assert delete.disabled and at.checkbox(key="pro.delete.confirm.0").disabled
    assert "Votre rôle ne permet pas d'effacer un dossier" in texts(at)
    assert at.download_button(key="pro.export").disabled
    assert widget(at, "button", "pro.delete") is not None
    # A page drawn for a mediator, used by a volunteer (a stale page, a forged click):
    # the store refuses, in French, and the case stays.
    mediator = member(store, Role.mediator, volunteer.organisation_id)
    at = app(mediator, page="pages/case_file.py", case_id=case_id)
    at.checkbox(key="pro.delete.confirm.0").check()
    at.session_state[USER] = volunteer
    at.button(key="pro.delete").click().run()
    assert not at.exception, at.exception
    assert store.get(case_id, actor=volunteer).id == case_id
    assert [e.value for e in at.error] == [
        "Votre rôle ne permet pas cette action. Demandez à un médiateur ou à l'administrateur de votre organisation."]


def test_a_lawyer_reads_but_changes_nothing(store) -> None:
    mediator = member(store)
    lawyer = member(store, Role.lawyer, mediator.organisation_id)
    case_id = save_case(store, mediator, history__explanation_requested_on=ASKED.isoformat())
    at = app(lawyer, page="pages/case_file.py", case_id=case_id)
    assert titles(at) == ["Dossier de Karim Haddad"] and "Relance" in [s.value for s in at.subheader]
    assert "Votre rôle permet de lire ce dossier, pas d'y enregistrer une réponse." in texts(at)
    assert not [b for b in at.button if b.label == "Enregistrer l'envoi"]
    assert widget(at, "button", "pro.close") is None and at.button(key="pro.delete").disabled
    assert at.download_button(key="pro.export").disabled
    # Reading a letter is allowed: preparing one writes nothing.
    at.button(key="pro.prepare.first.appeal").click().run()
    assert not at.exception and store.letters(case_id, actor=lawyer) == []


def test_a_mediator_deletes_after_confirming(store) -> None:
    user = member(store)
    case_id = save_case(store, user)
    at = app(user, page="pages/case_file.py", case_id=case_id)
    at.button(key="pro.delete").click().run()
    assert [e.value for e in at.error] == ["Cochez d'abord la case de confirmation."]
    at.checkbox(key="pro.delete.confirm.0").check()
    at.button(key="pro.delete").click().run()
    assert not at.exception, at.exception
    assert titles(at) == ["Dossiers"]
    assert [s.value for s in at.success] == ["Dossier effacé, avec ses courriers et son historique."]
    assert case_id not in [c.id for c in store.list(actor=user)]


def test_consent_withdrawn_then_given_again_and_closing(store) -> None:
    user = member(store)
    case_id = save_case(store, user)
    at = app(user, page="pages/case_file.py", case_id=case_id)
    at.button(key="pro.consent.withdraw").click().run()
    assert store.consents(case_id, actor=user)[0].withdrawn_on == TODAY
    assert "Aucun accord en cours" in texts(at)
    at.button(key="pro.consent.give").click().run()
    assert [e.value for e in at.error] == ["Cochez d'abord l'accord de la personne : sans lui, rien n'est enregistré."]
    round_ = at.session_state["pro.case.round"]  # the forms are new after each write
    at.checkbox(key=f"pro.consent.yes.{round_}").check()
    at.radio(key=f"pro.consent.how.{round_}").set_value("signed")
    at.button(key="pro.consent.give").click().run()
    assert [(c.how, c.withdrawn_on) for c in store.consents(case_id, actor=user)] == [("oral", TODAY), ("signed", None)]
    at.button(key="pro.close").click().run()
    assert store.get(case_id, actor=user).status == "closed"
    at.button(key="pro.reopen").click().run()
    assert store.get(case_id, actor=user).status == "open"


# --- Saving from the letters page; the anonymous flow ----------------------------------------------


def to_letters(at: AppTest) -> None:
    walk_interview(at, RAW)
    at.button(key="to_rights").click().run()
    at.button(key="to_letters_top").click().run()
    assert not at.exception, at.exception
    assert "Vos courriers" in titles(at)
    at.switch_page("pages/letters.py").run()  # where a browser now is (AppTest stays on the last page it was sent to)


def interview_app(user: User | None = None) -> AppTest:
    at = app(user)
    if widget(at, "button", "nav.start") is not None:
        at.switch_page("pages/interview.py").run()
    return at


def test_saving_from_the_letters_page_needs_the_consent_box(store) -> None:
    user = member(store)
    at = interview_app(user)
    to_letters(at)
    assert "Enregistrer ce dossier" in [h.value for h in at.header]
    at.button(key="pro.save").click().run()
    assert [e.value for e in at.error] == ["Cochez d'abord l'accord de la personne : sans lui, rien n'est enregistré."]
    assert store.list(actor=user) == []
    at.checkbox(key="pro.consent#0").check()
    at.radio(key="pro.consent.how#0").set_value("oral")
    at.button(key="pro.save").click().run()
    assert not at.exception, at.exception
    [saved] = store.list(actor=user)
    assert saved.case.claimant.last_name == RAW["claimant"]["last_name"] and saved.organisation_id == user.organisation_id
    assert [(c.how, c.scope) for c in store.consents(saved.id, actor=user)] == [("oral", ["keep_file"])]
    assert any(s.value.startswith("Dossier enregistré pour France Services") for s in at.success)
    at.button(key="pro.open.saved").click().run()
    assert titles(at) == ["Dossier de Karim Haddad"]


def test_a_person_alone_never_makes_a_case_file(monkeypatch) -> None:
    # Her answers are kept as a sealed draft (casefiles.drafts, issue 19); no case file, letter
    # or consent is ever written for her: those belong to the professional space.
    calls: list[str] = []
    for name in ("save", "add_letter", "record_sent", "record_consent", "record_answer"):
        real = getattr(Store, name)

        def spy(*args, _name=name, _real=real, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(Store, name, spy)
    at = interview_app()
    to_letters(at)
    assert "Enregistrer ce dossier" not in [h.value for h in at.header]
    assert widget(at, "button", "pro.save") is None
    assert "'pro." not in str(at.session_state)  # no key of the professional space
    assert calls == []


# --- Typed text shown as text (issue 16) ----------------------------------------------------


def test_typed_urls_and_markdown_show_as_text_on_the_dashboard_and_the_case_page(store) -> None:
    from tests.test_app import TYPED, assert_shown_as_text

    user = member(store)
    first, last = "Karim [clic](javascript:alert(1))", "Haddad https://evil.example/x"
    save_case(store, user, claimant__first_name=first, claimant__last_name=last, context__own_words=TYPED,
              claimant__file_number="www.evil.example/**gras**", history__explanation_requested_on=ASKED.isoformat())
    at = app(user, page="pages/dashboard.py")
    assert_shown_as_text(at, f"{first} H.")  # the card's heading and its « Ouvrir le dossier » button
    next(b for b in at.button if b.key and b.key.startswith("pro.open.")).click().run()
    assert not at.exception, at.exception
    assert titles(at)[0].startswith("Dossier de Karim")
    assert_shown_as_text(at, f"{first} {last}")
    assert_shown_as_text(at, "www.evil.example/**gras**")



def test_the_choices_made_on_a_case_page_outlive_a_switch_of_language(store) -> None:
    """Issue 20 §12, principle 4: Streamlit keeps a choice as its shown label; the French one,
    matched against the English labels of the next run, was no answer (the consent's « how »
    fell back to the first, the answer's questions emptied). The English page now tells the
    browser each choice. (AppTest reads lazy labels outside the run, in French: no run after.)"""
    user = member(store)
    case_id = save_case(store, user, **UNWRITTEN)
    store.record_sent(case_id, "explanation_request", TODAY, actor=user)
    store.withdraw_consent(case_id, TODAY, actor=user)       # the consent's question is shown
    at = app(user, page="pages/case_file.py", case_id=case_id)
    at.radio(key="pro.consent.how.0").set_value("electronic")
    at.radio(key="pro.answer.withdrawn.0").set_value("no").run()
    at.radio(key="w.lang").set_value("en").run()
    assert not at.exception, at.exception
    chosen = {"pro.consent.how.0": ("electronic", "Electronically"), "pro.answer.withdrawn.0": ("no", "No")}
    assert {key: (at.radio(key=key).value, told_to_show(at.radio(key=key))) for key in chosen} == chosen
