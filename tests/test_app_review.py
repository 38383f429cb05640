"""The lawyers' review in the app (issue 12), in-process with AppTest: a volunteer asks for
a review and cannot approve; a lawyer reads why each paragraph is there, edits (a new
version, the generated one kept), sees exactly the changed words, sends back with a
comment that the volunteer sees, approves; where the organisation requires review only an
approved version is recorded as sent; a DOCX edited in Word comes back as a new version;
the case page's mandate; the dashboard's line. Users and organisations are made in the
tests' own database (tests/conftest.py), each test with its own organisation."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from assistant.casefiles.accounts import Accounts, Role, User
from assistant.law.analysis import analyse
from assistant.letters.diffing import letter_text
from assistant.core.formatting import long_date
from assistant.law.legal_refs import load_refs
from assistant.letters import Letter, build_letters, render_docx
from assistant.letters.mandate import Scope
from assistant.pages.workspace import (
    LETTER_STATUS_LABELS, MANDATE_SCOPE_LABELS, NEEDS_APPROVAL, REVIEW_CASE, REVIEW_VERSION, USER,
)
from assistant.casefiles.service import open_store
from assistant.casefiles.store import LetterStatus, Store
from tests.test_app import texts, widget
from tests.test_app_case_files import TODAY, app, member, save_case, shown

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

REFUSED = "Votre rôle ne permet pas cette action. Demandez à un médiateur ou à l'administrateur de votre organisation."
COMMENT = "Citez aussi l'article R. 421-5 du code de justice administrative."


@pytest.fixture(scope="module")
def store() -> Store:
    return open_store()


def team(store: Store, requires_review: bool = True) -> tuple[User, User]:
    """A volunteer and a lawyer of a new organisation."""
    organisation = Accounts(store).create_organisation(f"Association {uuid.uuid4().hex[:6]}",
                                                        requires_review=requires_review)
    return member(store, Role.volunteer, organisation), member(store, Role.lawyer, organisation)


def stored_appeal(store: Store, user: User, case_id: str, submit: bool = True, letter_id: str = "appeal"):
    """The appeal (or `letter_id`) of the saved case, kept as generated (and sent for review)."""
    case = store.get(case_id, actor=user).case
    [letter] = build_letters(case, analyse(case), only=[letter_id])
    version = store.add_letter(case_id, letter.model_dump(mode="json"), actor=user)
    return store.submit_letter(version.id, actor=user) if submit else version


def review_app(user: User, case_id: str | None = None, version_id: int | None = None) -> AppTest:
    """« Relecture », on the list or (case_id, version_id) on one letter."""
    at = app(user)
    if case_id is not None:
        at.session_state[REVIEW_CASE] = case_id
        at.session_state[REVIEW_VERSION] = version_id
    at.switch_page("pages/letter_review.py").run()
    assert not at.exception, at.exception
    return at


def submit_form(at: AppTest, form: str) -> None:
    next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}")).click().run()
    assert not at.exception, at.exception


def diff_changes(at: AppTest) -> list[tuple[str, str]]:
    """The changes shown: (« supprimé » | « ajouté », visible text), in order."""
    [block] = [m.value for m in at.markdown if 'class="mda-diff"' in m.value]
    found = []
    for tag, inner in re.findall(r"<(del|ins)[^>]*>(.*?)</\1>", block):
        spoken = re.search(r'<span class="mda-sr-only">\[([^:]+) : </span>', inner).group(1)
        visible = re.sub(r'<span class="mda-sr-only">.*?</span>', "", inner)
        assert spoken == ("supprimé" if tag == "del" else "ajouté")
        found.append((spoken, visible))
    return found


def statuses(store: Store, user: User, case_id: str) -> list[tuple[int, str, int | None]]:
    return [(v.number, v.status, v.parent_id) for v in store.letters(case_id, actor=user)]


def test_every_letter_status_and_mandate_power_has_its_words() -> None:
    assert set(LETTER_STATUS_LABELS) == set(LetterStatus)
    assert set(MANDATE_SCOPE_LABELS) == {s.value for s in Scope}


# --- Asking for a review; who may decide --------------------------------------------------------


def test_a_volunteer_asks_for_a_review_and_cannot_approve(store) -> None:
    volunteer, lawyer = team(store)
    case_id = save_case(store, volunteer)
    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    at.button(key="pro.prepare.first.appeal").click().run()
    assert not at.exception, at.exception
    assert statuses(store, volunteer, case_id) == [(1, "draft", None)]   # prepared = kept as a draft
    assert "Statut : Brouillon" in shown(at)
    assert NEEDS_APPROVAL in texts(at)                                     # not approved: no sending
    assert not [b for b in at.button if b.key and b.key.startswith("FormSubmitter:pro.sent.first.appeal")]
    at.button(key="pro.submit.first.appeal").click().run()
    assert [s.value for s in at.success] == [
        "Relecture demandée : Recours contre la décision. Elle apparaît dans « Relecture » pour les juristes de votre organisation."]
    assert statuses(store, volunteer, case_id) == [(1, "in_review", None)]
    assert "Statut : En relecture" in shown(at) and "Version 1 du" in shown(at)

    # The volunteer opens it in « Relecture »: no decision buttons, and why.
    [version] = store.letters(case_id, actor=volunteer)
    at = review_app(volunteer)
    assert [h.value for h in at.header] == ["En attente de relecture (1)", "Brouillons (0)"]
    at.button(key=f"pro.review.open.{version.id}").click().run()
    assert [t.value for t in at.title] == ["Relecture : Recours contre la décision"]
    assert widget(at, "button", "pro.review.approve") is None and widget(at, "button", "pro.review.back") is None
    assert "Approuver un courrier est réservé aux avocats" in texts(at)

    # A page drawn for the lawyer, clicked by the volunteer (a stale page, a forged click).
    at = review_app(lawyer, case_id, version.id)
    at.session_state[USER] = volunteer
    at.button(key="pro.review.approve").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [REFUSED]
    assert statuses(store, volunteer, case_id) == [(1, "in_review", None)]


# --- The lawyer's review, end to end ----------------------------------------------------------


def test_the_lawyer_reads_edits_sends_back_and_approves(store) -> None:
    volunteer, lawyer = team(store)
    case_id = save_case(store, volunteer)
    generated = stored_appeal(store, volunteer, case_id)
    letter = Letter.model_validate(generated.letter)

    at = review_app(lawyer)
    at.button(key=f"pro.review.open.{generated.id}").click().run()
    assert not at.exception, at.exception
    page = shown(at)
    # Each paragraph with its references: citation, link to the official text, verified date.
    refs = load_refs()
    for paragraph in letter.paragraphs:
        assert paragraph.text in page
        for ref_id in paragraph.cites:
            ref = refs[ref_id]
            assert f"**{ref.citation}** — {ref.summary}" in page
            assert f"]({ref.url})" in page and f"vérifiée le {long_date(ref.verified_on)}" in page
            if ref.in_force_from:
                assert f"en vigueur depuis le {long_date(ref.in_force_from)}" in page
    assert "**Droits :** Contester la décision" in page
    assert f"Version de l'outil : {generated.project_version}" in page
    assert "Aucune modification : c'est le texte tel qu'il a été généré." in page
    assert {d.key for d in at.download_button} >= {"pro.review.annotated", "pro.review.memo", "pro.review.docx"}
    assert [d.label for d in at.download_button][:2] == ["Courrier annoté (DOCX)", "Note juridique (DOCX)"]

    # One paragraph edited: a new version, the generated one kept as it was.
    form = f"pro.review.edit.{generated.id}"
    first = letter.paragraphs[0].text
    assert first.startswith("Je conteste la décision")
    at.text_area(key=f"{form}.p0").input(first.replace("Je conteste", "Je refuse", 1))
    submit_form(at, form)
    assert [s.value for s in at.success] == ["Nouvelle version enregistrée (version 2). Le texte généré reste conservé."]
    versions = store.letters(case_id, actor=lawyer)
    assert statuses(store, lawyer, case_id) == [(1, "superseded", None), (2, "in_review", generated.id)]
    assert versions[0].letter == generated.letter
    assert versions[1].letter["paragraphs"][0]["text"].startswith("Je refuse la décision")
    assert versions[1].letter["paragraphs"][0]["cites"] == letter.paragraphs[0].cites
    assert at.session_state[REVIEW_VERSION] == versions[1].id
    # Exactly the changed word, struck through then underlined, and said to screen readers.
    assert diff_changes(at) == [("supprimé", "conteste"), ("ajouté", "refuse")]
    assert "Barré : texte supprimé. Souligné : texte ajouté." in texts(at)

    # Nothing changed: no new version.
    submit_form(at, f"pro.review.edit.{versions[1].id}")
    assert [e.value for e in at.error] == ["Rien n'a changé : aucune nouvelle version enregistrée."]
    assert len(store.letters(case_id, actor=lawyer)) == 2

    # Sent back: a comment is required, then the volunteer sees it on the case page.
    edited = versions[1]
    at.button(key="pro.review.back").click().run()
    assert [e.value for e in at.error] == ["Écrivez d'abord un commentaire : il dit à l'équipe ce qu'il faut changer."]
    at.text_area(key=f"pro.review.comment.{edited.id}").input(COMMENT)
    at.button(key="pro.review.back").click().run()
    assert [s.value for s in at.success] == ["Courrier renvoyé avec votre commentaire : Recours contre la décision."]
    back = store.letters(case_id, actor=lawyer)[-1]
    assert (back.status, back.comment, back.reviewed_by) == ("draft", COMMENT, lawyer.id)

    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    page = shown(at)
    assert f"Commentaire de relecture : {COMMENT}" in page and "Statut : Brouillon" in page
    assert "Version 2 du" in page and "(modifiée à partir de la version 1)" in page
    at.button(key="pro.submit.first.appeal").click().run()
    assert store.letters(case_id, actor=volunteer)[-1].status == "in_review"

    # The lawyer approves; the case page says « Approuvé » and the sending can be recorded.
    at = review_app(lawyer)
    at.button(key=f"pro.review.open.{edited.id}").click().run()
    at.button(key="pro.review.approve").click().run()
    assert [s.value for s in at.success] == [
        "Courrier approuvé : Recours contre la décision.",
        "Ce courrier est approuvé : il peut être envoyé depuis la page du dossier."]
    assert statuses(store, lawyer, case_id) == [(1, "superseded", None), (2, "approved", generated.id)]
    assert widget(at, "button", "pro.review.approve") is None

    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    form = "pro.sent.first.appeal.0"
    assert "Statut : Approuvé" in shown(at)
    assert [b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}")]   # approved: it may go out
    at.text_input(key=f"{form}.on").input(TODAY.strftime("%d/%m/%Y"))
    at.selectbox(key=f"{form}.channel").set_value("registered_post")
    submit_form(at, form)
    assert [s.value for s in at.success] == [f"Envoi enregistré : Recours contre la décision, le {long_date(TODAY)}."]
    assert statuses(store, volunteer, case_id) == [(1, "superseded", None), (2, "sent", generated.id)]
    sent = store.letters(case_id, actor=volunteer)[-1]
    assert sent.letter["paragraphs"][0]["text"].startswith("Je refuse")   # what went out is what was approved
    assert f"Version 2 du {long_date(dt.date.today())} : Envoyé" in shown(at)


def test_with_review_required_an_unapproved_version_cannot_be_recorded_as_sent(store) -> None:
    volunteer, lawyer = team(store)
    case_id = save_case(store, volunteer)
    version = stored_appeal(store, volunteer, case_id)
    store.review_letter(version.id, True, actor=lawyer)
    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    form = "pro.sent.first.appeal.0"
    at.text_input(key=f"{form}.on").input(TODAY.strftime("%d/%m/%Y"))
    # Meanwhile the lawyer changes it again: the new version is not approved yet.
    store.edit_letter(version.id, {**version.letter, "subject": version.letter["subject"] + " (relu)"}, actor=lawyer)
    submit_form(at, form)
    assert [e.value for e in at.error] == [NEEDS_APPROVAL]
    assert store.get(case_id, actor=volunteer).events == []
    assert statuses(store, volunteer, case_id) == [(1, "superseded", None), (2, "in_review", version.id)]
    assert not [b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}")]


def test_without_required_review_a_draft_goes_out_as_it_is(store) -> None:
    volunteer, _lawyer = team(store, requires_review=False)
    case_id = save_case(store, volunteer)
    version = stored_appeal(store, volunteer, case_id, submit=False)
    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    assert NEEDS_APPROVAL not in texts(at)
    form = "pro.sent.first.appeal.0"
    at.text_input(key=f"{form}.on").input(TODAY.strftime("%d/%m/%Y"))
    submit_form(at, form)
    assert statuses(store, volunteer, case_id) == [(1, "sent", None)]
    assert store.letters(case_id, actor=volunteer)[0].id == version.id


# --- A DOCX edited outside the app ---------------------------------------------------------------


def edited_in_word(letter: Letter, old: str, new: str) -> bytes:
    document = Document(io.BytesIO(render_docx(letter)))
    paragraph = next(p for p in document.paragraphs if old in p.text)
    paragraph.text = paragraph.text.replace(old, new)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_docx_uploaded_back_becomes_a_new_version(store) -> None:
    volunteer, lawyer = team(store)
    case_id = save_case(store, volunteer)
    generated = stored_appeal(store, volunteer, case_id)
    letter = Letter.model_validate(generated.letter)
    at = review_app(lawyer, case_id, generated.id)
    upload = f"pro.review.upload.{generated.id}"
    at.file_uploader(key=upload).upload("courrier.docx", b"%PDF-1.7 un PDF renomme", "application/pdf").run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Ce fichier n'est pas un document Word (.docx) lisible : enregistrez le courrier au format .docx dans "
        "votre traitement de texte, puis déposez-le à nouveau."]
    assert len(store.letters(case_id, actor=lawyer)) == 1

    at = review_app(lawyer, case_id, generated.id)
    data = edited_in_word(letter, "n'est pas motivée", "n'est en rien motivée & reste <vague>")
    at.file_uploader(key=upload).upload("recours-relu.docx", data,
                                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document").run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        "Document déposé : nouvelle version enregistrée (version 2). Les modifications sont affichées ci-dessous."]
    first, second = store.letters(case_id, actor=lawyer)
    assert (first.status, second.status, second.parent_id) == ("superseded", "in_review", first.id)
    assert [p["key"] for p in second.letter["paragraphs"]] == [p.key for p in letter.paragraphs]
    assert [p["cites"] for p in second.letter["paragraphs"]] == [p.cites for p in letter.paragraphs]
    assert letter_text(second.letter) == letter_text(generated.letter).replace(
        "n'est pas motivée", "n'est en rien motivée & reste <vague>")
    assert diff_changes(at) == [("supprimé", "pas"), ("ajouté", "en rien"), ("ajouté", "&amp; reste &lt;vague&gt; ")]


def test_a_reference_checked_again_since_the_letter_is_flagged(store, monkeypatch) -> None:
    import assistant.letters.provenance as provenance

    volunteer, lawyer = team(store)
    case_id = save_case(store, volunteer)
    real = provenance.refs_verified
    monkeypatch.setattr(provenance, "refs_verified",
                        lambda ids: {i: "2025-01-15" for i in real(ids)})   # as verified then
    generated = stored_appeal(store, volunteer, case_id)
    monkeypatch.undo()
    at = review_app(lawyer, case_id, generated.id)
    ref = load_refs()[generated.refs[0]]
    assert (f"{ref.citation} ({ref.id}) : vérifiée le {long_date(dt.date(2025, 1, 15))} quand le courrier a été préparé."
            in shown(at))
    assert (f"{ref.citation} a été revérifiée ou corrigée depuis : vérifiée le {long_date(dt.date(2025, 1, 15))} pour "
            f"ce courrier, le {long_date(ref.verified_on)} aujourd'hui. Relisez le paragraphe qui la cite."
            in [w.value for w in at.warning])


def test_a_paragraph_without_a_right_of_its_own_says_why_it_is_there(store) -> None:
    volunteer, lawyer = team(store)
    case_id = save_case(store, volunteer)
    version = stored_appeal(store, volunteer, case_id, letter_id="document_access")
    at = review_app(lawyer, case_id, version.id)
    title = version.letter["title"]
    assert ("**Pourquoi :** Le catalogue ne rattache ce paragraphe à aucun droit ni condition : il figure dans tout "
            f"courrier « {title} »") in shown(at)


# --- The dashboard, the mandate ----------------------------------------------------------------


def test_the_dashboard_says_how_many_letters_are_in_review(store) -> None:
    volunteer, _lawyer = team(store)
    reviewed = save_case(store, volunteer, claimant__first_name="Aline")
    quiet = save_case(store, volunteer, claimant__first_name="Bruno")
    stored_appeal(store, volunteer, reviewed)
    at = app(volunteer, page="pages/dashboard.py")
    lines = [m.value for m in at.markdown if m.value.startswith("**Courriers :**")]
    assert lines == ["**Courriers :** 1 courrier en relecture"]
    assert widget(at, "button", f"pro.open.{quiet}") is not None


def test_the_mandate_names_the_person_and_the_powers_chosen(store) -> None:
    mediator = member(store, Role.mediator)
    case_id = save_case(store, mediator)
    at = app(mediator, page="pages/case_file.py", case_id=case_id)
    assert "Mandat à faire signer" in [h.value for h in at.header]
    for scope, ticked in (("appeal", True), ("documents", False), ("follow_up", True), ("court", True)):
        box = at.checkbox(key=f"pro.mandate.scope.{scope}")
        box.check() if ticked else box.uncheck()
    at.run()
    at.button(key="pro.mandate.prepare").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors and all(e.startswith("Adresse du mandataire (representative.address)") for e in errors), errors
    at.text_area(key="pro.mandate.address.box").input("3 place du Marché\n69001 Lyon").run()
    at.button(key="pro.mandate.prepare").click().run()
    assert not at.exception and not at.error, at.error
    assert {d.key for d in at.download_button} >= {"pro.mandate.docx", "pro.mandate.pdf"}
    made_for, docx, pdf = at.session_state["pro.mandate.made"]
    assert made_for == case_id and pdf.startswith(b"%PDF")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert mediator.name in text and "3 place du Marché" in text and "médiateur ou médiatrice" in text
    assert "Recours : le mandataire peut former en mon nom" in text          # appeal
    assert "m'accompagner à l'audience" in text                              # court
    assert "Suites : le mandataire peut envoyer en mon nom les courriers de relance" in text   # follow_up
    assert "Documents et données :" not in text                             # not chosen
    # The address stays for the next case of the session.
    other = save_case(store, mediator, claimant__first_name="Chloé")
    at.session_state["pro.case_id"] = other
    at.run()
    assert at.text_area(key="pro.mandate.address.box").value == "3 place du Marché\n69001 Lyon"


def test_a_lawyer_gets_no_mandate_form(store) -> None:
    volunteer, lawyer = team(store)
    case_id = save_case(store, volunteer)
    at = app(lawyer, page="pages/case_file.py", case_id=case_id)
    assert widget(at, "button", "pro.mandate.prepare") is None
    assert "Le mandat est préparé par le médiateur, le bénévole ou l'administrateur qui agit pour la personne." in texts(at)


def test_the_review_page_in_english(store) -> None:
    volunteer, lawyer = team(store)
    case_id = save_case(store, volunteer)
    version = stored_appeal(store, volunteer, case_id)
    at = app(lawyer)
    at.session_state["lang"] = "en"
    at.session_state[REVIEW_CASE] = case_id
    at.session_state[REVIEW_VERSION] = version.id
    at.run()
    at.switch_page("pages/letter_review.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Review: Appeal against the decision"]   # the catalogue title, translated
    assert at.button(key="pro.review.approve").label == "Approve"
    assert "Changes since the generated text" in [h.value for h in at.header]


# --- Typed text shown as text (issue 16) ----------------------------------------------------


def test_typed_urls_and_markdown_show_as_text_in_the_list_and_the_annotated_letter(store) -> None:
    from tests.test_app import TYPED, assert_shown_as_text

    volunteer, lawyer = team(store)
    first = "Karim [clic](javascript:alert(1))"
    case_id = save_case(store, volunteer, claimant__first_name=first, context__own_words=TYPED)
    version = stored_appeal(store, volunteer, case_id)
    assert TYPED in letter_text(version.letter)  # the person's own words are in the letter
    at = review_app(lawyer)
    assert_shown_as_text(at, first)  # « Dossier de … » and the « Ouvrir : … » button
    at = review_app(lawyer, case_id, version.id)
    assert_shown_as_text(at, TYPED)  # the annotated paragraph
    assert_shown_as_text(at, first)


# --- Review never makes a person miss a date (issue 20, 7) ----------------------------------------

# A decision received on 24 September: the appeal's last day is tomorrow (TODAY is 23 November).
SOON = {"decision__date": "2026-09-20", "decision__received_on": "2026-09-24"}
SOON_WORDS = f"au plus tard le {long_date(TODAY + dt.timedelta(days=1))} (demain)"
LATER_WORDS = f"Au plus tard le {long_date(dt.date(2027, 1, 5))} (dans 43 jours)"
TELL_LAWYERS = "1 courrier en attente de relecture doit partir dans 3 jours ou moins : relisez-le en premier."
REVIEW_MAY_PASS = f"Ce courrier doit partir {SOON_WORDS} : la relecture risque de dépasser cette date."
ADMIN_MAY_SEND = "S'il n'est pas approuvé à temps, un administrateur de votre organisation peut l'envoyer sans approbation."
REASON = "Recours à déposer demain, aucun juriste joignable ce soir"


def due_lines(at: AppTest) -> list[str]:
    """The last days shown on the review list, as read."""
    import html as html_module

    return [html_module.unescape(re.sub(r"<[^>]+>", "", m.value)) for m in at.markdown if '<p class="mda-' in m.value]


def warnings_with(at: AppTest, part: str) -> list[str]:
    return [w.value for w in at.warning if part in w.value]


def test_the_review_list_dates_each_letter_most_urgent_first_and_tells_the_lawyers(store) -> None:
    volunteer, lawyer = team(store)
    later = save_case(store, volunteer, claimant__first_name="Aline")
    soon = save_case(store, volunteer, claimant__first_name="Bruno", **SOON)
    later_version = stored_appeal(store, volunteer, later)      # asked first, due in 43 days
    soon_version = stored_appeal(store, volunteer, soon)        # asked second, due tomorrow
    at = review_app(lawyer)
    assert [b.key for b in at.button if b.key and b.key.startswith("pro.review.open.")] == [
        f"pro.review.open.{soon_version.id}", f"pro.review.open.{later_version.id}"]
    assert due_lines(at) == [f"Urgent — {SOON_WORDS[:1].upper() + SOON_WORDS[1:]}", LATER_WORDS]
    [told] = [w.replace("\\", "") for w in warnings_with(at, TELL_LAWYERS)]   # as read, without markdown escapes
    assert "Recours contre la décision (Bruno" in told and SOON_WORDS[1:] in told and "Aline" not in told
    # The lawyers' dashboard says it too, with the way to the review; the volunteer's does not.
    board = app(lawyer, page="pages/dashboard.py")
    assert warnings_with(board, TELL_LAWYERS) and "Ouvrir la relecture" in [p.proto.label for p in board.get("page_link")]
    assert not warnings_with(app(volunteer, page="pages/dashboard.py"), TELL_LAWYERS)
    # The letter opened: its last day, and why to read it now.
    at = review_app(lawyer, soon, soon_version.id)
    assert due_lines(at) == [f"Urgent — {SOON_WORDS[:1].upper() + SOON_WORDS[1:]}"]
    assert warnings_with(at, "Ce courrier doit partir vite : relisez-le maintenant")


def test_the_volunteer_is_warned_when_the_review_would_pass_the_date(store) -> None:
    volunteer, _lawyer = team(store)
    case_id = save_case(store, volunteer, **SOON)
    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    assert warnings_with(at, "Ce courrier doit partir") == [f"{REVIEW_MAY_PASS} {ADMIN_MAY_SEND}"]   # once
    assert not [t for t in at.text_area if t.key and t.key.startswith("pro.urgent.")]   # admins only, here
    at.button(key="pro.prepare.first.appeal").click().run()
    at.button(key="pro.submit.first.appeal").click().run()
    assert not at.exception, at.exception
    assert statuses(store, volunteer, case_id) == [(1, "in_review", None)]     # asked all the same
    assert f"{REVIEW_MAY_PASS} Prévenez un juriste dès maintenant. {ADMIN_MAY_SEND}" in [w.value for w in at.warning]
    # A letter whose last day is far: no warning.
    quiet = save_case(store, volunteer)
    stored_appeal(store, volunteer, quiet, submit=False)
    at = app(volunteer, page="pages/case_file.py", case_id=quiet)
    at.button(key="pro.submit.first.appeal").click().run()
    assert not warnings_with(at, "doit partir")


def test_an_urgent_appeal_goes_out_unapproved_with_its_reason_where_the_organisation_allows(store) -> None:
    from assistant.casefiles.store import UrgentSend

    volunteer, _lawyer = team(store)
    admin = member(store, Role.admin, volunteer.organisation_id)
    store.set_urgent_send(UrgentSend.sender, actor=admin)
    case_id = save_case(store, volunteer, **SOON)
    stored_appeal(store, volunteer, case_id)
    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    assert warnings_with(at, REVIEW_MAY_PASS)[0].endswith(
        "vous pouvez l'envoyer sans approbation depuis la page du dossier, en disant pourquoi.")
    [reason] = [t.key for t in at.text_area if t.key and t.key.startswith("pro.urgent.")]
    form = reason.rsplit(".", 1)[0]
    submit_form(at, form)                                                       # no reason: refused
    assert [e.value for e in at.error] == [
        "Motif de l'envoi sans approbation : écrivez pourquoi ce courrier part sans l'approbation d'un juriste."]
    assert store.get(case_id, actor=volunteer).events == []
    at.text_area(key=reason).input(REASON)
    submit_form(at, form)
    assert [s.value for s in at.success] == [
        f"Envoi enregistré sans approbation : Recours contre la décision, le {long_date(TODAY)}. "
        "Le motif est gardé dans le journal de votre organisation."]
    assert statuses(store, volunteer, case_id) == [(1, "sent", None)]
    [entry] = [e for e in store.audit_trail(case_id, actor=admin) if e["action"] == "letter.urgent_sent"]
    assert (entry["user_id"], entry["note"]) == (volunteer.id, REASON)


def test_an_admin_chooses_who_may_send_an_urgent_letter(store) -> None:
    from assistant.casefiles.store import UrgentSend

    admin = member(store, Role.admin)
    Accounts(store).set_requires_review(True, by=admin)
    at = app(admin, page="pages/org_template.py")
    assert at.radio(key="pro.template.urgent").value == UrgentSend.admin.value
    at.radio(key="pro.template.urgent").set_value(UrgentSend.sender.value).run()
    assert not at.exception, at.exception
    assert store.review_settings(admin).urgent_send is UrgentSend.sender
    lawyer = member(store, Role.lawyer, admin.organisation_id)
    assert "Un administrateur, ou le bénévole ou le médiateur qui suit le dossier" in shown(
        app(lawyer, page="pages/org_template.py"))
