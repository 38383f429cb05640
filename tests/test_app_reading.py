"""Reading the letter in the app (issue 21): a photo or PDF of the decision fills the interview
as proposals the person confirms, screens all read wait on the review, a photo of the body's
answer pre-selects the case page's diagnosis. In-process (streamlit.testing AppTest), with a
reading injected where the point is the page, and the real reader on the corpus's photo of a
decision like Amina's for the journey's count of screens."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant import reading
from assistant.casefiles.followup import QUESTIONS as DIAGNOSIS, AnswerKind, classify
from assistant.law import interview as iv
from assistant.pages import session_memory
from assistant.reading import prefill_answers as prefill
from assistant.reading.model import Proposal, Reading, UnreadableLetter
from tests.test_app import APP, fill_step, texts, widget

TODAY = dt.date(2026, 11, 23)
AMINA = json.loads((Path(APP).parent.parent / "examples" / "amina-rsa.json").read_text(encoding="utf-8"))
HERS = iv.answers_from_case(AMINA)     # what Amina answers where nothing was read


def said(value, evidence: str) -> Proposal:
    return Proposal(value=value, evidence=evidence, confidence=0.95)


# What a decision like Amina's gives (bench/read_corpus.amina_decision): never the date she
# received it, nor whether there was a control or a hearing, nor what she already did.
AMINA_READ = Reading(pages=1, fields={
    "organism.kind": said("caf", "CAF de Loire-Atlantique"),
    "organism.name": said("CAF de Loire-Atlantique", "CAF de Loire-Atlantique"),
    "benefit": said("rsa", "Objet : suspension de votre revenu de solidarité active (RSA)"),
    "situation": said("suspension", "Objet : suspension de votre revenu de solidarité active (RSA)"),
    "decision.date": said("2026-10-02", "Nantes, le 2 octobre 2026"),
    "decision.reasons_given": said(False, "Courrier lu en entier : aucun texte de loi cité"),
    "decision.appeal_info_given": said(False, "Courrier lu en entier : aucune voie de recours"),
    "decision.algorithm_mentioned": said(False, "Courrier lu en entier : aucune mention d'algorithme"),
    "claimant.first_name": said("Amina", "Madame Amina BENALI"),
    "claimant.last_name": said("Benali", "Madame Amina BENALI"),
    "claimant.address": said("12 rue des Lilas", "12 rue des Lilas"),
    "claimant.postal_code": said("44000", "44000 NANTES"),
    "claimant.city": said("Nantes", "44000 NANTES"),
    "claimant.file_number": said("1234567", "N° allocataire : 1234567"),
    "context.amount_eur": said(607.75, "607,75 €"),
    "organism.address": said("22 rue de Malville, 44000 Nantes", "22 rue de Malville — 44000 Nantes"),
})


def start(monkeypatch, result=AMINA_READ) -> tuple[AppTest, list]:
    """The start screen, with `reading.read_letter` answering `result` (or raising it)."""
    given: list = []

    def read_letter(files):
        given.append(list(files))
        if isinstance(result, Exception):
            raise result
        return result

    monkeypatch.setattr(reading, "read_letter", read_letter, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["reference_date"] = TODAY
    at.run()
    assert not at.exception, at.exception
    return at, given


def give(at: AppTest, where: str, *files: tuple[str, bytes, str]) -> None:
    generation = at.session_state["reading.widgets"] if "reading.widgets" in at.session_state else 0
    at.file_uploader(key=f"reading.files.{where}.0-{generation}").set_value(list(files)).run()
    at.button(key=f"reading.read.{where}").click().run()
    assert not at.exception, at.exception


def progress(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


def answer_screens(at: AppTest) -> list[str]:
    """Amina answers what each screen shown asks and was not read; returns the screens, in
    order, until the review."""
    seen: list[str] = []
    for _ in range(len(iv.STEPS) + 1):
        if "Vérifiez vos réponses" in [t.value for t in at.title]:
            return seen
        step = at.session_state["step"]
        seen.append(step)
        fill_step(at, {qid: value for qid, value in HERS.items() if qid not in waiting(at)})
        at.button(key="nav.next").click().run()
        assert not at.exception, at.exception
    raise AssertionError(f"the review was not reached: {seen}")


def waiting(at: AppTest) -> dict:
    """The proposals of this session (read, not confirmed)."""
    return at.session_state["reading.proposals"] if "reading.proposals" in at.session_state else {}


def draft(at: AppTest) -> dict:
    """The sealed draft of this session, as the store gives it back."""
    return session_memory.store().load(at.session_state["memory_key"]) or {}


# --- The library: proposals as answers, screens folded ----------------------------------------


def test_proposals_become_answers_as_the_person_would_type_them() -> None:
    found = prefill.prefills(Reading(fields={
        "decision.date": said("2026-10-02", "le 2 octobre 2026"),
        "decision.received_on": said("2 octobre", "reçu"),                 # not a date: left for her
        "decision.reasons_given": said(False, "aucun motif"),
        "context.amount_eur": said(607.75, "607,75 €"),
        "organism.kind": said("france_travail", "France Travail"),
        "benefit": said("rsa", "RSA"),                                    # France Travail does not pay it
        "situation": said(["suspension", "overpayment"], "suspension et indu"),   # a list: hers to pick
        "claimant.last_name": said("Benali", "Madame Amina BENALI"),
        "organism.address": said("22 rue de Malville, 44000 Nantes", "22 rue de Malville"),
    }), answers={"claimant.last_name": "Ben Ali"})
    assert {qid: p.answer for qid, p in found.items()} == {
        "decision.date": dt.date(2026, 10, 2), "decision.reasons_given": iv.NO, "context.amount_eur": "607,75",
        "organism.kind": "france_travail", "organism.address": "22 rue de Malville, 44000 Nantes",
        "decision.received": iv.YES}     # a decision read is a decision received
    assert found["decision.received"].evidence == "le 2 octobre 2026"


def test_a_screen_is_folded_only_when_nothing_is_left_to_answer() -> None:
    proposals = prefill.prefills(AMINA_READ)
    asked = [step.id for step in prefill.steps_to_ask({}, proposals)]
    # Body, benefit, situation, what the decision says and her identity were all read;
    # the date she received it, the control and what she already did were not.
    assert asked == ["decision", "control", "history", "own_words"]
    assert "decision" not in [s.id for s in prefill.steps_to_ask({"decision.received_on": dt.date(2026, 10, 6)}, proposals)]
    # A screen read in part is asked; a screen opened from the review stays.
    partial = {k: v for k, v in proposals.items() if k != "decision.algorithm_mentioned"}
    assert "decision_content" in [s.id for s in prefill.steps_to_ask({}, partial)]
    assert "organism" in [s.id for s in prefill.steps_to_ask({}, proposals, opened={"organism"})]
    # Nothing read: every screen, as before.
    assert prefill.steps_to_ask({}, {}) == iv.visible_steps({})
    assert prefill.confirmed({"decision.date": dt.date(2026, 10, 3)}, proposals)["decision.date"] == dt.date(2026, 10, 3)


def test_each_answer_kind_has_the_diagnosis_replies_that_give_it() -> None:
    for kind in AnswerKind:
        replies = prefill.diagnosis_replies(kind)
        assert classify(replies) == kind
        assert list(replies) == [qid for qid, _ in DIAGNOSIS][:len(replies)]


# --- The interview ------------------------------------------------------------------------------


def test_a_read_decision_reaches_the_letters_in_six_screens_at_most(monkeypatch) -> None:
    at, given = start(monkeypatch)
    assert widget(at, "camera_input", "reading.photo.start.0-0") is None   # no camera asked for on a visit
    give(at, "start", ("decision.pdf", b"%PDF-1.7 la decision", "application/pdf"),
         ("verso.jpg", b"\xff\xd8 le verso", "image/jpeg"))
    assert given == [[("decision.pdf", b"%PDF-1.7 la decision"), ("verso.jpg", b"\xff\xd8 le verso")]]
    assert progress(at) == "Étape 1 sur 4" and at.session_state["step"] == "decision"
    # The read date is pre-filled with its evidence; the receipt date is hers to give.
    assert at.text_input(key="q.decision.date").value == "02/10/2026"
    assert "lu sur votre courrier : « Nantes\\, le 2 octobre 2026 »" in [c.value for c in at.caption]
    assert not at.text_input(key="q.decision.received_on").value
    screens = answer_screens(at)
    assert screens == ["decision", "control", "history", "own_words"] and len(screens) <= 6
    # The review shows every read answer with its words, to confirm.
    captions = [c.value for c in at.caption]
    assert "lu sur votre courrier : « Madame Amina BENALI »" in captions
    assert "lu sur votre courrier : « 22 rue de Malville — 44000 Nantes »" in captions   # asked on the letters page
    assert "Des réponses ont été lues sur votre courrier" in texts(at)
    at.button(key="reading.confirm").click().run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Vos droits"]
    at.button(key="to_letters_top").click().run()
    assert {"dl.zip", "dl.docx.appeal"} <= {d.key for d in at.download_button}
    case = iv.case_dict(at.session_state["answers"])
    assert case == iv.case_dict({**HERS, "organism.address": "22 rue de Malville, 44000 Nantes"})
    assert at.text_area(key="addr.organism.address").value == "22 rue de Malville, 44000 Nantes"
    assert not waiting(at)     # the evidence went with the confirmation


def test_proposals_are_not_in_the_sealed_draft_before_confirmation(monkeypatch) -> None:
    at, _ = start(monkeypatch)
    give(at, "start", ("decision.pdf", b"%PDF-1.7", "application/pdf"))
    fill_step(at, {"decision.received_on": dt.date(2026, 10, 6)})
    at.button(key="nav.next").click().run()
    sealed = draft(at)
    assert sealed["answers"] == {"decision.received_on": dt.date(2026, 10, 6)}
    assert not {"Benali", "caf", "CAF de Loire-Atlantique", "1234567"} & set(map(str, sealed["answers"].values()))
    assert "Benali" not in repr(sealed) and "Nantes, le 2 octobre" not in repr(sealed)
    # The upload widget's files are gone from the session once read.
    assert not [key for key in at.session_state if str(key).startswith("reading.files") and at.session_state[key]]
    # Confirmed, they are her answers: then, and only then, in the draft.
    at.switch_page("pages/review.py").run()
    at.button(key="reading.confirm").click().run()
    sealed = draft(at)
    assert sealed["answers"]["claimant.last_name"] == "Benali" and sealed["answers"]["organism.kind"] == "caf"


def test_an_unreadable_letter_keeps_every_answer_typed(monkeypatch) -> None:
    refused = UnreadableLetter("Le fichier « lettre.pdf » est protégé par un mot de passe : donnez une version sans mot de passe.")
    at, _ = start(monkeypatch, refused)
    at.switch_page("pages/interview.py").run()
    at.radio(key="q.organism.kind").set_value("msa").run()
    give(at, "interview", ("lettre.pdf", b"%PDF chiffre", "application/pdf"))
    assert [e.value for e in at.error] == ["Le fichier « lettre\\.pdf » est protégé par un mot de passe \\: donnez une version sans mot de passe\\."]
    assert at.session_state["answers"] == {"organism.kind": "msa"} and at.session_state["step"] == "organism"
    assert at.radio(key="q.organism.kind").value == "msa"


def test_nothing_sure_read_leaves_every_question(monkeypatch) -> None:
    at, _ = start(monkeypatch, Reading(fields={}, pages=1))
    give(at, "start", ("photo.jpg", b"\xff\xd8", "image/jpeg"))
    assert "Nous n'avons rien lu de sûr sur ce courrier" in texts(at)
    assert [t.value for t in at.title] == ["Mes droits face à l'algorithme"]
    at.button(key="nav.start").click().run()
    assert progress(at) == f"Étape 1 sur {len(iv.visible_steps({}))}"


def test_a_proposal_changed_is_her_answer_and_the_others_still_wait(monkeypatch) -> None:
    at, _ = start(monkeypatch)
    give(at, "start", ("decision.pdf", b"%PDF", "application/pdf"))
    read_date = "lu sur votre courrier : « Nantes\\, le 2 octobre 2026 »"     # under « received » and the date
    assert [c.value for c in at.caption].count(read_date) == 2
    at.text_input(key="q.decision.date").input("03/10/2026").run()
    assert at.session_state["answers"]["decision.date"] == dt.date(2026, 10, 3)
    assert [c.value for c in at.caption].count(read_date) == 1
    at.text_input(key="q.decision.received_on").input("06/10/2026").run()
    at.button(key="nav.next").click().run()
    assert set(at.session_state["answers"]) == {"decision.date", "decision.received_on"}   # « received » still waits


def test_modifier_opens_a_folded_screen_pre_filled(monkeypatch) -> None:
    at, _ = start(monkeypatch)
    give(at, "start", ("decision.pdf", b"%PDF", "application/pdf"))
    answer_screens(at)
    at.button(key="edit.organism").click().run()
    assert at.session_state["step"] == "organism" and at.radio(key="q.organism.kind").value == "caf"
    assert "lu sur votre courrier : « CAF de Loire\\-Atlantique »" in [c.value for c in at.caption]
    at.radio(key="q.benefit").set_value("prime_activite").run()
    at.button(key="nav.save_return").click().run()
    assert [t.value for t in at.title] == ["Vérifiez vos réponses"]
    assert at.session_state["answers"]["benefit"] == "prime_activite"
    assert "organism.kind" not in at.session_state["answers"]     # still to confirm
    at.button(key="reading.drop").click().run()
    assert "organism.kind" not in at.session_state["answers"] and not waiting(at)
    assert widget(at, "button", "reading.confirm") is None


def test_the_camera_is_asked_for_after_a_click_and_its_photo_is_read(monkeypatch) -> None:
    at, given = start(monkeypatch)
    at.button(key="reading.camera.start").click().run()
    at.camera_input(key="reading.photo.start.0-0").set_value(("image.jpg", b"\xff\xd8 photo", "image/jpeg")).run()
    at.button(key="reading.read.start").click().run()
    assert given == [[("image.jpg", b"\xff\xd8 photo")]]
    assert at.session_state["step"] == "decision"
    assert widget(at, "camera_input", "reading.photo.interview.0-1") is None   # closed once read


def test_mediator_mode_shows_every_question_pre_filled_and_the_review_confirms(monkeypatch) -> None:
    from tests.test_app import answer

    at, _ = start(monkeypatch)
    at.toggle(key="w.mediator").set_value(True).run()
    at.switch_page("pages/interview.py").run()
    assert at.radio(key="q.organism.kind").value is None      # drawn empty before the reading
    give(at, "interview", ("decision.pdf", b"%PDF", "application/pdf"))
    assert at.radio(key="q.organism.kind").value == "caf" and at.text_input(key="q.claimant.last_name").value == "Benali"
    for question in iv.QUESTIONS.values():
        if question.id in HERS and question.id not in waiting(at):
            answer(at, question, HERS[question.id])
    at.button(key="nav.check").click().run()
    assert [t.value for t in at.title] == ["Vérifiez vos réponses"]
    assert "claimant.last_name" not in at.session_state["answers"]     # shown, not yet hers
    at.button(key="reading.confirm").click().run()
    assert [t.value for t in at.title] == ["Vos droits"]
    assert iv.case_dict(at.session_state["answers"]) == iv.case_dict(
        {**HERS, "organism.address": "22 rue de Malville, 44000 Nantes"})


def test_files_read_are_dropped_from_streamlits_memory(monkeypatch) -> None:
    # Streamlit keeps an upload until the session ends; once read, the page removes it.
    from types import SimpleNamespace

    from streamlit.runtime import scriptrunner
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from assistant.pages import letter_reader

    files = MemoryUploadedFileManager("/_stcore/upload_file")
    files.add_file("session", UploadedFileRec(file_id="f1", name="decision.pdf", type="application/pdf", data=b"%PDF"))
    files.add_file("session", UploadedFileRec(file_id="f2", name="autre.pdf", type="application/pdf", data=b"%PDF"))
    monkeypatch.setattr(scriptrunner, "get_script_run_ctx", lambda: SimpleNamespace(session_id="session", uploaded_file_mgr=files))
    letter_reader._release([SimpleNamespace(file_id="f1")])
    assert [f.file_id for f in files.get_files("session", ["f1", "f2"])] == ["f2"]


# --- The real reader on a phone photo of a decision like Amina's ---------------------------------


@pytest.fixture(scope="module")
def amina_photo() -> bytes:
    from bench.read_corpus import amina_decision, photo

    return photo(amina_decision().pdf, 7)


@pytest.mark.slow
def test_a_phone_photo_of_aminas_decision_reaches_her_letters_in_six_screens_at_most(amina_photo) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["reference_date"] = TODAY
    at.run()
    give(at, "start", ("photo.jpg", amina_photo, "image/jpeg"))
    read = waiting(at)
    assert {"organism.kind", "benefit", "situation"} <= set(read)
    assert read["organism.kind"].answer == "caf" and read["benefit"].answer == "rsa"
    screens = answer_screens(at)
    assert len(screens) <= 6, screens
    at.button(key="reading.confirm").click().run()
    assert not at.exception, at.exception
    at.button(key="to_letters_top").click().run()
    assert "dl.zip" in {d.key for d in at.download_button}


# --- The case page: the body's answer ------------------------------------------------------------


def test_a_read_answer_preselects_the_diagnosis_and_says_the_next_letter(monkeypatch) -> None:
    from tests.test_app_case_files import ASKED, app, member, save_case
    from assistant.casefiles.service import open_store

    store = open_store()
    user = member(store)
    case_id = save_case(store, user, history__explanation_requested_on=ASKED.isoformat())
    evidence = "nous ne sommes pas en mesure de donner une suite favorable à votre demande"
    monkeypatch.setattr(reading, "read_answer_letter", lambda files: Reading(pages=1, fields={
        "answer.kind": said("refusal_without_reasons", evidence)}), raising=False)
    at = app(user, page="pages/case_file.py", case_id=case_id)
    at.selectbox(key="pro.answer.to.0").set_value("explanation_request")
    give(at, "answer.0", ("reponse.pdf", b"%PDF la reponse", "application/pdf"))
    assert any("Refus sans motifs" in i.value and evidence in i.value for i in at.info)
    replies = {qid: at.radio(key=f"pro.answer.{qid}.0").value for qid, _ in DIAGNOSIS}
    assert replies == {"withdrawn": "no", "wrong_body": "no", "asks_identity": "no", "asks_more_time": "no",
                       "given": "nothing", "reasons": "no"}
    nxt = [m.value for m in at.markdown if m.value.startswith("**Ensuite :**")]
    assert len(nxt) == 1 and "Recours" in nxt[0]
    at.button(key="pro.answer.save.0").click().run()     # her confirmation
    saved = store.get(case_id, actor=user)
    assert [(e.kind, e.answer_kind) for e in saved.events] == [("answer", "refusal_without_reasons")]
    assert "reading.answer" not in at.session_state


def test_a_generated_answer_letter_asking_for_an_identity_document_is_read_on_the_case_page() -> None:
    # The real reader on a body's answer made by the bench (a text PDF: no OCR needed).
    from bench.read_corpus import _answer
    from tests.test_app_case_files import ASKED, app, member, save_case
    from assistant.casefiles.service import open_store
    from assistant.pages.workspace import answer_label

    letter = _answer(4, 0)
    assert letter.expected == {"answer.kind": "asks_identity"}
    store = open_store()
    user = member(store)
    case_id = save_case(store, user, history__explanation_requested_on=ASKED.isoformat())
    at = app(user, page="pages/case_file.py", case_id=case_id)
    at.selectbox(key="pro.answer.to.0").set_value("explanation_request")
    give(at, "answer.0", ("reponse.pdf", letter.pdf, "application/pdf"))
    assert any(answer_label("asks_identity") in i.value and "lu sur la réponse" in i.value for i in at.info)
    assert [(r.key, r.value) for r in at.radio if r.key.startswith("pro.answer.")] == [
        ("pro.answer.withdrawn.0", "no"), ("pro.answer.wrong_body.0", "no"), ("pro.answer.asks_identity.0", "yes")]
    at.button(key="pro.answer.save.0").click().run()
    assert [e.answer_kind for e in store.get(case_id, actor=user).events] == ["asks_identity"]
