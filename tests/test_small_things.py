"""Issue 20, « small things that add up » (points 11–13), in-process: a text longer than its
field is cut and said, a half-done answers file resumes on its first question, « d'Amina »,
one approval notice per case page, a case-law link named by the site it opens. The
browser-only ones (focus, language leftovers, phone layout, reload of a sub-page) are in
tests/browser/test_session.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from assistant.core.elision import elides, with_name
from assistant.law import interview as iv
from assistant.law.legal_refs import SITE_NAMES, load_refs
from assistant.pages.workspace import NEEDS_APPROVAL
from tests.test_app import AMINA, APP, go_to_step, new_app, texts
from tests.test_app_case_files import app, save_case, store  # noqa: F401  (fixture)
from tests.test_app_review import team
from tests.test_session_memory import tabs  # noqa: F401  (fixture)


# --- A paste longer than the field: what fits is kept, and said -----------------------------


def test_a_text_longer_than_its_field_is_cut_to_the_limit_and_said() -> None:
    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    answers = iv.answers_from_case(AMINA)
    go_to_step(at, answers, "identity")
    box = at.text_input(key="q.claimant.last_name")
    # Streamlit's browser field drops a whole change longer than its max_chars, silently.
    assert not box.proto.max_chars
    limit = iv.QUESTIONS["claimant.last_name"].limit
    pasted = "Benali-" + "x" * (limit + 43)
    box.input(pasted).run()
    assert not at.exception, at.exception
    assert at.session_state["answers"]["claimant.last_name"] == pasted[:limit]
    assert at.text_input(key="q.claimant.last_name").value == pasted[:limit]
    said = [w.value for w in at.warning]
    assert f"Votre texte faisait {len(pasted)} caractères : seuls les {limit} premiers sont gardés. Relisez la fin." in said
    at.text_input(key="q.claimant.last_name").input("Benali").run()
    assert not [w for w in at.warning if "seuls les" in w.value]


def _texts_limited_in_the_browser(at: AppTest) -> list[str]:
    """Boxes whose browser limit would drop a paste silently (dates and passwords apart: a
    date is 10 characters, a password is never cut)."""
    boxes = [*at.text_input, *at.text_area]
    return [b.key for b in boxes
            if b.proto.max_chars and not (b.proto.max_chars == 10 or getattr(b.proto, "type", 0) == 1)]


def test_the_review_editor_cuts_a_long_paste_says_it_and_saves_nothing_until_read_again(store) -> None:  # noqa: F811
    from assistant.letters.diffing import MAX_PARAGRAPH_CHARS
    from tests.test_app_review import review_app, stored_appeal, submit_form

    volunteer, lawyer = team(store)
    case_id = save_case(store, volunteer)
    generated = stored_appeal(store, volunteer, case_id)
    at = review_app(lawyer, case_id, generated.id)
    assert _texts_limited_in_the_browser(at) == []
    form = f"pro.review.edit.{generated.id}"
    pasted = "Je conteste " + "x" * MAX_PARAGRAPH_CHARS
    at.text_area(key=f"{form}.p0").input(pasted)
    submit_form(at, form)
    said = [w.value for w in at.warning]
    assert (f"Votre texte faisait {len(pasted):,} caractères : seuls les {MAX_PARAGRAPH_CHARS:,} premiers sont "
            "gardés. Relisez la fin.").replace(",", "\u202f") in said
    assert at.text_area(key=f"{form}.p0").value == pasted[:MAX_PARAGRAPH_CHARS]
    assert len(store.letters(case_id, actor=lawyer)) == 1      # nothing saved before it is read again
    submit_form(at, form)                                       # read again, saved as it is now
    versions = store.letters(case_id, actor=lawyer)
    assert len(versions) == 2 and versions[1].letter["paragraphs"][0]["text"] == pasted[:MAX_PARAGRAPH_CHARS]
    assert not [w for w in at.warning if "seuls les" in w.value]


def test_the_case_page_cuts_a_long_proof_of_sending_and_says_it(store) -> None:  # noqa: F811
    from assistant.pages.case_file_actions import PROOF_CHARS
    from tests.test_app_case_files import TODAY, UNWRITTEN, member

    user = member(store)
    case_id = save_case(store, user, **UNWRITTEN)
    at = app(user, page="pages/case_file.py", case_id=case_id)
    at.button(key="pro.prepare.first.explanation_request").click().run()
    assert _texts_limited_in_the_browser(at) == []
    form = "pro.sent.first.explanation_request.0"
    at.text_input(key=f"{form}.on").input(TODAY.strftime("%d/%m/%Y"))
    pasted = "1A 234 567 8901 2 " + "y" * PROOF_CHARS
    at.text_input(key=f"{form}.proof").input(pasted)
    submit = next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}"))
    submit.click().run()
    assert not at.exception, at.exception
    assert any(f"Votre texte faisait {len(pasted)} caractères : seuls les {PROOF_CHARS} premiers" in w.value
               for w in at.warning)
    assert at.text_input(key=f"{form}.proof").value == pasted[:PROOF_CHARS]
    assert [v.status for v in store.letters(case_id, actor=user)] == ["draft"]   # not sent before it is read again
    next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}")).click().run()
    assert [v.status for v in store.letters(case_id, actor=user)] == ["sent"]


# --- « Reprendre » a half-done file: the first question left, not a review of errors --------


def _resume(case: dict) -> AppTest:
    """The « Reprendre » callback with `case` as the uploaded file (AppTest has no file field)."""
    def script(raw: str) -> None:
        import streamlit as st

        from assistant.pages import common

        class Upload:
            def getvalue(self) -> bytes:
                return raw.encode()

        if "done" not in st.session_state:
            st.session_state["done"] = True
            st.session_state["upload"] = Upload()
            common.resume_from_upload("upload")

    at = AppTest.from_function(script, args=(json.dumps(case),), default_timeout=30)
    at.session_state["reference_date"] = dt.date.fromisoformat(AMINA["today"])
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_half_done_answers_file_resumes_on_its_first_question_left() -> None:
    half = {key: AMINA[key] for key in ("organism", "benefit", "situation", "decision")}
    at = _resume(half)
    assert at.session_state["goto"] == "interview"
    step = at.session_state["step"]
    assert step == iv.first_step_to_answer(at.session_state["answers"], dt.date.fromisoformat(AMINA["today"]))
    order = [s.id for s in iv.STEPS]
    assert order.index(step) > order.index("decision")       # past what the file answers
    complete = {k: v for k, v in AMINA.items() if k != "today"}
    assert _resume(complete).session_state["goto"] == "review"


# --- « Dossier d'Amina » --------------------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("Amina Benali", "Dossier d'Amina Benali"), ("Élodie", "Dossier d'Élodie"), ("Hugo", "Dossier d'Hugo"),
    ("Karim", "Dossier de Karim"), ("Yasmine", "Dossier de Yasmine"),
])
def test_de_is_elided_before_a_vowel_or_a_mute_h(name: str, expected: str) -> None:
    assert with_name("Dossier de {name}", name) == expected
    assert with_name("Case file of {name}", name) == f"Case file of {name}"   # English: unchanged
    assert elides(name) == expected.startswith("Dossier d'")


def test_the_case_page_and_the_review_say_dossier_d_amina(store) -> None:  # noqa: F811
    volunteer, _lawyer = team(store)
    case_id = save_case(store, volunteer, claimant__first_name="Amina", claimant__last_name="Benali")
    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    assert [t.value for t in at.title] == ["Dossier d'Amina Benali"]


# --- One approval notice per case page, not one per letter ---------------------------------


def test_the_approval_notice_is_said_once_on_the_case_page(store) -> None:  # noqa: F811
    volunteer, _lawyer = team(store, requires_review=True)
    case_id = save_case(store, volunteer)
    at = app(volunteer, page="pages/case_file.py", case_id=case_id)
    letters = [b for b in at.button if b.key and b.key.startswith("pro.prepare.")]
    assert len(letters) >= 2                                    # several letters wait for approval
    said = [e.value for e in [*at.info, *at.caption] if e.value == NEEDS_APPROVAL]
    assert said == [NEEDS_APPROVAL], said
    assert NEEDS_APPROVAL in texts(at)


# --- A case-law link says the site it opens -------------------------------------------------


def test_every_link_is_named_by_the_site_its_url_opens() -> None:
    refs = load_refs()
    assert all((ref.url.host or "") in SITE_NAMES for ref in refs.values())
    assert refs["ce-2016-387763"].site_name == "conseil-etat.fr"      # Czabaj: not on Légifrance
    assert refs["crpa-L211-2"].site_name == "Légifrance"


def test_the_rights_page_links_czabaj_to_the_conseil_d_etat() -> None:
    def script() -> None:
        from assistant.pages.common import show_legal_basis

        show_legal_basis(["ce-2016-387763", "crpa-L211-2"], expanded=True)

    at = AppTest.from_function(script, default_timeout=30)
    at.run()
    shown = "\n".join(m.value for m in at.markdown)
    assert "[Lire le texte sur conseil-etat.fr](https://www.conseil-etat.fr/" in shown
    assert "[Lire le texte sur Légifrance](https://www.legifrance.gouv.fr/" in shown
    assert "Légifrance](https://www.conseil-etat.fr" not in shown


# --- F5 keeps a professional signed in --------------------------------------------------------


def test_a_reload_keeps_a_professional_signed_in_until_the_account_changes(tabs, store) -> None:  # noqa: F811
    from assistant.casefiles.accounts import Accounts, Role
    from assistant.pages.workspace import USER
    from tests.test_app_case_files import PASSWORD, member, sign_in
    from tests.test_session_memory import Tab

    tab = tabs(Tab())
    user = member(store)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/account.py").run()
    sign_in(at, user.email, PASSWORD)
    assert at.session_state[USER].id == user.id and tab.stored == at.session_state["memory_key"]

    again = AppTest.from_file(APP, default_timeout=60)     # F5: a new session in the same tab
    again.run()
    assert again.session_state[USER].id == user.id
    again.switch_page("pages/dashboard.py").run()
    assert not again.exception, again.exception
    assert "Cette page est réservée aux professionnels connectés." not in texts(again)

    admin = member(store, Role.admin, organisation=user.organisation_id)
    Accounts(store).disable(user.id, by=admin)                # the store still decides
    later = AppTest.from_file(APP, default_timeout=60)
    later.run()
    later.switch_page("pages/dashboard.py").run()
    assert "Cette page est réservée aux professionnels connectés." in texts(later)
    assert USER not in later.session_state or later.session_state[USER] is None
