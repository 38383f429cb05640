"""The app driven in-process (streamlit.testing AppTest): every scenario is walked
through the interview with answers derived from its case file, then the rights and
the letter downloads are checked; bad input shows French messages next to the fields."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.law import interview as iv
from assistant.core.formatting import long_date
from assistant.law.rights import RIGHTS_BY_ID
from tests.conftest import SCENARIOS_DIR

APP = str(Path(__file__).resolve().parent.parent / "assistant" / "app.py")
ALL = sorted(SCENARIOS_DIR.glob("*.json"))
VALID = [p for p in ALL if "exit" not in json.loads(p.read_text(encoding="utf-8"))["expect"]]
INVALID = [p for p in ALL if p not in VALID]


def new_app(today: dt.date | None = None) -> AppTest:
    """The app on its first question (past the start screen)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if today is not None:
        at.session_state["reference_date"] = today
    at.run()
    if widget(at, "button", "nav.start") is not None:
        at.switch_page("pages/interview.py").run()
    return at


def texts(at: AppTest) -> str:
    """Everything readable on the page, to look for a sentence."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "error", "warning", "info", "success", "caption"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def flatten(node) -> list:
    """Every element under a block, in page order."""
    children = getattr(node, "children", None)
    if not isinstance(children, dict):
        return [node]
    return [e for child in children.values() for e in flatten(child)]


def widget(at: AppTest, kind: str, key: str):
    try:
        return getattr(at, kind)(key=key)
    except KeyError:
        return None


def answer(at: AppTest, question: iv.Question, value) -> bool:
    """Give one answer through the widget shown for the question; False if not shown."""
    key = f"q.{question.id}"
    if question.kind in ("choice", "tristate", "yesno"):
        w = widget(at, "radio", key)
        if w is None:
            return False
        w.set_value(value)
    elif question.kind == "date":
        if value == iv.UNKNOWN:
            w = widget(at, "checkbox", f"{key}.unknown")
            if w is None:
                return False
            w.check()
        else:
            w = widget(at, "text_input", key)
            if w is None:
                return False
            w.input(value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value))
    elif question.kind == "longtext":
        w = widget(at, "text_area", key)
        if w is None:
            return False
        w.input(value)
    else:
        w = widget(at, "text_input", key)
        if w is None:
            return False
        w.input(str(value))
    at.run()
    return True


def fill_step(at: AppTest, answers: dict) -> str:
    step = iv.STEPS_BY_ID[at.session_state["step"]]
    for question in step.questions:  # in order: a gate answered first reveals what follows
        if question.id in answers:
            answer(at, question, answers[question.id])
    return step.id


def walk_interview(at: AppTest, case: dict) -> list[str]:
    """Answer every screen from the case data; ends on the review page."""
    answers = iv.answers_from_case(case)
    seen: list[str] = []
    for _ in range(len(iv.STEPS) + 1):
        seen.append(fill_step(at, answers))
        at.button(key="nav.next").click().run()
        assert not at.exception, at.exception
        if widget(at, "button", "to_rights") is not None or "Vérifiez vos réponses" in texts(at):
            return seen
    raise AssertionError(f"the interview did not reach the review page: {seen}")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_scenario_walk_shows_rights_and_letters(path: Path) -> None:
    scenario = load(path)
    case, expect = scenario["case"], scenario["expect"]
    at = new_app(dt.date.fromisoformat(case["today"]))
    walk_interview(at, case)
    assert not at.error, [e.value for e in at.error]
    at.button(key="to_rights").click().run()
    assert not at.exception, at.exception
    page = texts(at)
    assert "Vos droits" in page
    for right_id in expect.get("rights_include", []):
        assert RIGHTS_BY_ID[right_id].title in page, right_id
    for right_id in expect.get("rights_exclude", []):
        assert f"\n{RIGHTS_BY_ID[right_id].title}\n" not in f"\n{page}\n", right_id
    if expect.get("deadline_opposable") is False:
        assert "délai ne court pas" in page or "Aucun délai ne court" in page
    if expect.get("deadline") and expect.get("deadline_opposable"):
        # The appeal limit comes first, in an alert, with the days left.
        deadline = long_date(dt.date.fromisoformat(expect["deadline"]))
        alerts = [e.value for e in (*at.error, *at.warning)]
        assert alerts and alerts[0].startswith(f"Contestez au plus tard le {deadline}"), alerts
    at.button(key="to_letters_top").click().run()
    assert not at.exception, at.exception
    keys = {getattr(d, "key", None) or d.proto.id for d in at.download_button}
    assert "dl.ics" in keys
    assert "dl.zip" in keys, texts(at)
    for letter_id in expect.get("letters_include", []):
        assert f"dl.docx.{letter_id}" in keys, letter_id
        assert f"dl.pdf.{letter_id}" in keys, letter_id


def go_to_step(at: AppTest, answers: dict, step_id: str) -> None:
    """Answer screens until `step_id` is shown."""
    for _ in range(len(iv.STEPS)):
        if at.session_state["step"] == step_id:
            return
        fill_step(at, answers)
        at.button(key="nav.next").click().run()
    raise AssertionError(f"step {step_id} not reached")


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_scenario_is_stopped_at_the_field(path: Path) -> None:
    case = load(path)["case"]
    at = new_app(dt.date.fromisoformat(case["today"]))
    answers = iv.answers_from_case(case)
    go_to_step(at, answers, "decision")
    fill_step(at, answers)
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] == "decision"  # not let through
    messages = [e.value for e in at.error]
    today = long_date(dt.date.fromisoformat(case["today"]))
    assert any(f"postérieure à aujourd'hui ({today})" in m for m in messages), messages
    assert not any("decision." in m or case["today"] in m for m in messages), messages  # no path, no ISO date


def test_future_date_message_sits_under_its_field_and_keeps_answers() -> None:
    today = dt.date(2026, 11, 23)
    case = load(VALID[0])["case"]
    answers = iv.answers_from_case(case)
    at = new_app(today)
    go_to_step(at, answers, "decision")
    at.text_input(key="q.decision.date").input("02/11/2026")
    at.text_input(key="q.decision.received_on").input((today + dt.timedelta(days=10)).strftime("%d/%m/%Y")).run()
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] == "decision"
    # The message is rendered right under the field it names, before the next question.
    flat = flatten(at.main)
    labels = [getattr(e, "label", None) for e in flat]
    start = labels.index("Date à laquelle vous l'avez reçue")
    end = next(i for i in range(start + 1, len(flat)) if labels[i] and labels[i] != f"Je ne sais pas — {labels[start]}")
    under = [str(e.value) for e in flat[start:end] if e.type == "error"]
    assert any("postérieure à aujourd'hui (23 novembre 2026)" in m for m in under), under
    # Everything else typed is still there.
    assert at.text_input(key="q.decision.date").value == "02/11/2026"
    assert at.session_state["answers"]["decision.date"] == dt.date(2026, 11, 2)
    assert at.session_state["answers"]["organism.kind"] == "caf"
    assert at.session_state["answers"]["benefit"] == "rsa"
    # Correcting the date lets the person go on.
    at.text_input(key="q.decision.received_on").input("05/11/2026").run()
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] == "decision_content"


def test_letters_in_an_amount_get_a_french_message_and_keep_the_text() -> None:
    case = load(VALID[1])["case"]  # an overpayment: the amount screen asks both amounts
    answers = iv.answers_from_case(case)
    at = new_app(dt.date.fromisoformat(case["today"]))
    go_to_step(at, answers, "situation")
    fill_step(at, answers)
    at.text_input(key="q.context.amount_eur").input("douze cents").run()
    at.text_input(key="q.context.withholding_eur").input("100").run()
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] == "situation"
    messages = [e.value for e in at.error]
    assert "Écrivez un montant en chiffres, par exemple 1 234,50." in messages, messages
    assert at.session_state["field_problems"].keys() == {"context.amount_eur"}
    assert not any("withholding" in m for m in messages)
    assert at.text_input(key="q.context.amount_eur").value == "douze cents"
    assert at.text_input(key="q.context.withholding_eur").value == "100"
    at.text_input(key="q.context.amount_eur").input("1 200,50 €").run()
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] != "situation"
    assert iv.case_dict(at.session_state["answers"])["context"]["amount_eur"] == 1200.5


def test_back_and_next_never_lose_an_answer() -> None:
    case = load(VALID[0])["case"]
    answers = iv.answers_from_case(case)
    at = new_app(dt.date.fromisoformat(case["today"]))
    go_to_step(at, answers, "control")
    for _ in range(2):
        at.button(key="nav.back").click().run()
    assert at.session_state["step"] == "decision"
    assert at.radio(key="q.decision.received").value == "yes"
    assert at.text_input(key="q.decision.received_on").value == dt.date.fromisoformat(case["decision"]["received_on"]).strftime("%d/%m/%Y")
    at.button(key="nav.next").click().run()
    at.button(key="nav.back").click().run()
    at.button(key="nav.back").click().run()
    assert at.radio(key="q.situation").value == case["situation"]


def test_a_required_choice_left_empty_is_asked_for() -> None:
    at = new_app()
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] == "organism"
    assert any("Choisissez une réponse" in e.value for e in at.error)


def test_review_lists_every_answer_and_modifier_goes_back() -> None:
    case = load(VALID[0])["case"]
    at = new_app(dt.date.fromisoformat(case["today"]))
    walk_interview(at, case)
    page = texts(at)
    assert case["claimant"]["last_name"] in page
    assert "Modifier" in [b.label for b in at.button]
    at.button(key="edit.decision").click().run()
    assert at.session_state["step"] == "decision"
    assert at.text_input(key="q.decision.date").value == dt.date.fromisoformat(case["decision"]["date"]).strftime("%d/%m/%Y")


def test_mediator_mode_shows_every_question_and_finish_clears_everything() -> None:
    case = load(VALID[0])["case"]
    at = new_app(dt.date.fromisoformat(case["today"]))
    at.toggle(key="w.mediator").set_value(True).run()
    assert widget(at, "text_input", "q.claimant.last_name") is not None  # all screens at once
    answers = iv.answers_from_case(case)
    for question in iv.QUESTIONS.values():
        if question.id in answers:
            answer(at, question, answers[question.id])
    at.button(key="nav.check").click().run()
    assert "Vérifiez vos réponses" in texts(at)
    at.button(key="to_rights").click().run()
    assert "Vos droits" in texts(at)
    assert at.session_state["mediator"] is True
    assert any(e.proto.expanded for e in at.expander), "legal detail open by default"
    at.button(key="nav.clear").click().run()
    assert at.session_state["mediator"] is True
    state = {k: at.session_state[k] for k in at.session_state.keys() if not k.startswith("$$")}
    leftovers = {k: v for k, v in state.items() if k.startswith(("q.", "reading.")) and v not in (None, "", False, [])}
    assert not leftovers, leftovers  # the widgets shown again are empty (the letter's files too)
    assert set(state) - {k for k in state if k.startswith(("q.", "nav.", "reading."))} <= {
        "lang", "mediator", "generation", "w.lang", "w.mediator", "step", "answers", "field_errors", "field_problems",
        "memory.tab", "memory.runs", "mda.tab",          # how the tab's key was settled (nothing personal)
        "choices.translated",                            # names of the choice widgets shown (common.choice_key)
        "faults.slot"}, state                              # the place of a fault notice (pages/faults.py)
    assert not at.session_state["answers"]
    assert case["claimant"]["last_name"] not in texts(at)
    assert at.session_state["generation"] == 1  # fresh widgets, so the browser shows them empty
    assert widget(at, "text_input", "q.claimant.last_name#1").value == ""


def told_to_show(element) -> str | None:
    """The option a choice widget's message tells the browser to show, or None when it
    leaves the browser to match the label it holds (the French one, after a switch: none)."""
    return element.proto.raw_value if element.proto.set_value else None


def test_english_interface() -> None:
    at = new_app()
    at.radio(key="q.organism.kind").set_value("msa").run()
    at.radio(key="w.lang").set_value("en").run()
    # The answer outlives the switch: the browser is told its English label (common.choice_key).
    assert told_to_show(at.radio(key="q.organism.kind")) == "The MSA (agricultural social insurance)"
    assert at.radio(key="q.organism.kind").label != "Quel organisme vous verse (ou vous refuse) l'aide ?"
    assert "Suivant" not in at.button(key="nav.next").label


CHOICE_WIDGETS = {"radio", "selectbox", "multiselect", "pills", "segmented_control"}


def test_every_choice_with_shown_labels_is_kept_at_a_switch_of_language() -> None:
    """Issue 20 §12, principle 4: a choice shown through `format_func` (translated labels)
    is lost at a switch of language unless its key goes through common.choice_key, which
    keep_choices_at_language_switch writes back as values. A new page cannot forget it."""
    import ast

    sources = [Path(APP), *sorted((Path(APP).parent / "pages").glob("*.py"))]
    found, forgotten = 0, []
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in CHOICE_WIDGETS):
                continue
            given = {k.arg: k.value for k in node.keywords}
            if "format_func" not in given:
                continue
            found += 1
            key = given.get("key")
            if not (isinstance(key, ast.Call) and isinstance(key.func, ast.Name) and key.func.id == "choice_key"):
                forgotten.append(f"{source.name}:{node.lineno}")
    assert found >= 12 and not forgotten, (found, forgotten)


def test_two_sessions_share_nothing() -> None:
    first, second = new_app(), new_app()
    first.radio(key="q.organism.kind").set_value("msa").run()
    first.button(key="nav.next").click().run()
    assert second.run().session_state["answers"] == {}
    assert second.radio(key="q.organism.kind").value is None


def test_english_results_with_letters_still_in_french() -> None:
    case = load(VALID[0])["case"]
    at = new_app(dt.date.fromisoformat(case["today"]))
    at.radio(key="w.lang").set_value("en").run()
    walk_interview(at, case)
    at.button(key="to_rights").click().run()
    page = texts(at)
    assert "Your rights" in page and "Contest the decision" in page
    assert "Contester la décision" not in page
    at.button(key="to_letters_top").click().run()
    page = texts(at)
    assert "This letter contests the decision and asks for it to be cancelled." in page.replace("\\", "")
    assert "Lettre recommandée avec accusé de réception" in page or "Je conteste" in page  # the letter: French


def test_no_personal_data_written_to_disk(monkeypatch) -> None:
    """The anonymous flow writes no file: answers, letters and calendar stay in memory."""
    from tests.conftest import spy_writes

    case = load(VALID[1])["case"]
    at = new_app(dt.date.fromisoformat(case["today"]))
    written = spy_writes(monkeypatch)
    walk_interview(at, case)
    at.button(key="to_rights").click().run()
    at.button(key="to_letters_top").click().run()
    assert {d.key for d in at.download_button} >= {"dl.ics", "dl.zip"}
    assert not written, written


def test_no_cross_session_cache_of_personal_data() -> None:
    """st.cache_data is never used; st.cache_resource only on functions that take nothing
    (static data: the legal references, the templates' warm-up, the start's log line; the store's connection,
    which holds no case: every read goes to the database, scoped to the signed-in user), so
    no person's data can be the key or the value of a cache shared between sessions."""
    import ast

    root = Path(APP).parent
    sources = [Path(APP), *root.joinpath("pages").glob("*.py"), root / "law" / "interview.py", root / "casefiles" / "calendar_ics.py", root / "core" / "i18n.py"]
    cached = []
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert "cache_data" not in text, source
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and any("cache_resource" in ast.unparse(d) for d in node.decorator_list):
                assert not node.args.args and not node.args.kwonlyargs, (source, node.name)
                cached.append(node.name)
    assert sorted(cached) == ["_log_start", "_release_closed_tabs", "_warm_letters", "case_store", "legal_refs"]


def test_identity_messages_name_each_missing_field() -> None:
    case = load(VALID[0])["case"]
    answers = {k: v for k, v in iv.answers_from_case(case).items() if not k.startswith("claimant.")}
    at = new_app(dt.date.fromisoformat(case["today"]))
    go_to_step(at, answers, "identity")
    at.text_input(key="q.claimant.first_name").input("Karim").run()
    at.text_input(key="q.claimant.postal_code").input("69 00").run()
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] == "identity"
    problems = at.session_state["field_problems"]
    assert set(problems) == {"claimant.last_name", "claimant.address", "claimant.postal_code", "claimant.city"}, problems
    assert problems["claimant.postal_code"][0].code == "postal_code"
    assert "Un code postal a 5 chiffres, par exemple 44000." in [e.value for e in at.error]
    assert at.text_input(key="q.claimant.first_name").value == "Karim"


def _rights_page_for(change, scenario: str = "p02") -> str:
    """The rights page for a public scenario with a stated, opposable appeal deadline, changed."""
    case = load(next(p for p in VALID if p.stem.startswith(scenario)))["case"]
    change(case)
    at = new_app(dt.date.fromisoformat(case["today"]))
    walk_interview(at, case)
    at.button(key="to_rights").click().run()
    assert not at.exception, at.exception
    return texts(at)


def test_written_decision_without_dates_is_not_called_unwritten() -> None:
    def no_dates(case):
        case["decision"].update(received=True, date=None, received_on=None)
    page = _rights_page_for(no_dates)
    assert "nous ne pouvons pas calculer la date limite" in page
    assert "vous n'avez pas reçu de décision écrite" not in page


def test_no_appeal_countdown_once_the_appeal_is_filed() -> None:
    def filed(case):
        case["history"]["appeal_filed_on"] = case["today"]
    assert "Contestez au plus tard le" in _rights_page_for(lambda case: None)
    page = _rights_page_for(filed)
    assert "Vous avez fait votre recours le" in page and "Contestez au plus tard le" not in page


# --- Penalty, MDPH, medical ground, recipient's address (issue 8) ---------------------------


def _situation_screen(organism: str, benefit: str) -> AppTest:
    at = new_app(dt.date(2026, 11, 23))
    go_to_step(at, {"organism.kind": organism, "benefit": benefit}, "situation")
    return at


@pytest.mark.parametrize("organism, benefit, asked", [
    ("cpam", "indemnites_journalieres", True),
    ("msa", "indemnites_journalieres", True),
    ("carsat", "retraite", True),
    ("cpam", "autre", True),
    ("cpam", "css", False),
    ("carsat", "aspa", False),
    ("msa", "rsa", False),
    ("caf", "autre", False),
    ("france_travail", "are", False),
    ("mdph", "aah", False),
])
def test_ground_question_only_where_it_matters(organism: str, benefit: str, asked: bool) -> None:
    at = _situation_screen(organism, benefit)
    ground = widget(at, "radio", "q.decision.ground")
    assert (ground is not None) is asked
    if asked:
        assert ground.label == "La décision s'appuie-t-elle sur l'avis du médecin-conseil ?"
        assert ground.options == ["Oui", "Non", "Je ne sais pas"]


def test_ground_answers_become_the_case_field() -> None:
    question = iv.QUESTIONS["decision.ground"]
    base = {"organism.kind": "cpam", "benefit": "indemnites_journalieres", "situation": "termination"}
    for answer_value, expected in ((iv.YES, "medical"), (iv.NO, "administrative"), (iv.UNKNOWN, None)):
        case = iv.case_dict({**base, question.id: answer_value})
        assert case.get("decision", {}).get("ground") == expected
        assert iv.answers_from_case(case)[question.id] == answer_value
    # Hidden once the body or the benefit no longer makes it matter: not sent to the engine.
    assert "ground" not in iv.case_dict({**base, "benefit": "css", question.id: iv.YES}).get("decision", {})


def test_the_medical_ground_takes_the_medical_route() -> None:
    from assistant.law.analysis import analyse
    from assistant.law.model import parse_case
    from assistant.pages.common import escape_markdown

    holder = {}

    def medical(case):
        case["organism"].update(kind="cpam", name=None)
        case.update(benefit="indemnites_journalieres", situation="termination")
        case["decision"]["ground"] = "medical"
        holder["case"] = case
    page = _rights_page_for(medical)
    appeal = analyse(parse_case(holder["case"])).appeal
    assert appeal.route == "cmra" and escape_markdown(appeal.body) in page
    assert appeal.note_details and all(escape_markdown(n.text) in page for n in appeal.note_details)


def test_mdph_is_offered_with_its_help_text() -> None:
    at = new_app()
    organism = at.radio(key="q.organism.kind")
    assert "La MDPH (maison départementale des personnes handicapées)" in organism.options
    assert any("La MDPH décide, la CAF paie : si la décision vient de la CDAPH, choisissez la MDPH" in c.value
               for c in at.caption)
    at.radio(key="w.lang").set_value("en").run()
    assert any("The MDPH decides, the CAF pays" in c.value for c in at.caption)


def test_situations_are_those_the_body_takes() -> None:
    at = _situation_screen("mdph", "aah")
    offered = at.radio(key="q.situation").options
    assert "On m'a infligé une amende ou une pénalité" not in offered  # the MDPH fines no one
    assert "Ma demande a été refusée" in offered
    assert not any("indu" in o for o in offered)
    at = _situation_screen("caf", "allocations_familiales")
    offered = at.radio(key="q.situation").options
    assert "On m'a infligé une amende ou une pénalité" in offered
    assert "On m'a sanctionné : mes paiements sont suspendus ou coupés (sanction, radiation)" in offered
    assert at.radio(key="q.situation").set_value("penalty").run().session_state["answers"]["situation"] == "penalty"


def test_aeeh_and_pch_are_offered_by_the_mdph() -> None:
    assert [o.value for o in iv.benefit_options({"organism.kind": "mdph"})] == ["aah", "aeeh", "pch", "autre"]
    assert "pch" not in [o.value for o in iv.benefit_options({"organism.kind": "caf"})]


def test_review_shows_the_new_answers_and_modifier_goes_back() -> None:
    case = load(VALID[0])["case"]
    case["organism"].update(kind="cpam", name=None, address="CPAM du Rhône\n69907 Lyon Cedex 20")
    case.update(benefit="indemnites_journalieres", situation="termination")
    case["decision"]["ground"] = "medical"
    at = new_app(dt.date.fromisoformat(case["today"]))
    walk_interview(at, case)
    page = texts(at)
    assert "La décision s'appuie-t-elle sur l'avis du médecin-conseil ?" in page.replace("\\", "")  # escaped Markdown
    at.button(key="edit.situation").click().run()
    assert at.session_state["step"] == "situation"
    assert at.radio(key="q.decision.ground").value == "yes"
    at.radio(key="q.decision.ground").set_value("no").run()
    for _ in range(len(iv.STEPS)):
        if widget(at, "button", "to_rights") is not None:
            break
        at.button(key="nav.next").click().run()
    assert iv.case_dict(at.session_state["answers"])["decision"]["ground"] == "administrative"


def _p07_rights(lang: str = "fr") -> str:
    case = load(next(p for p in VALID if p.stem.startswith("p07")))["case"]
    at = new_app(dt.date.fromisoformat(case["today"]))
    if lang != "fr":
        at.radio(key="w.lang").set_value(lang).run()
    walk_interview(at, case)
    at.button(key="to_rights").click().run()
    assert not at.exception, at.exception
    return texts(at)


def test_penalty_route_notes_are_on_the_rights_page() -> None:
    from assistant.law.analysis import analyse
    from assistant.law.model import parse_case
    from assistant.pages.common import escape_markdown

    case = load(next(p for p in VALID if p.stem.startswith("p07")))["case"]
    notes = analyse(parse_case(case)).appeal.note_details
    assert notes, "the engine gives a note for a penalty"
    page = _p07_rights()
    for detail in notes:
        assert escape_markdown(detail.text) in page, detail.key
    assert "Pas de recours préalable" in page and "Ensuite**, si le recours est rejeté" not in page
    english = _p07_rights("en")
    for detail in analyse(parse_case(case), lang="en").appeal.note_details:
        assert escape_markdown(detail.text) in english, detail.key
    assert escape_markdown(notes[0].text) not in english


def _dates_in(page: str, days: list[dt.date]) -> list[str]:
    return [line for line in page.splitlines() for day in days if long_date(day) in line]


def test_reasonable_time_is_shown_with_the_route() -> None:
    case = load(VALID[0])["case"]  # RSA, appeal route not stated: the one-year limit applies
    from assistant.law.analysis import analyse
    from assistant.law.model import parse_case

    limit = next(d for d in analyse(parse_case(case)).deadlines if d.id == "reasonable_time")
    page = _rights_page_for(lambda c: None, "p01")
    line = next(line for line in page.splitlines() if long_date(limit.date) in line)
    assert "délai raisonnable" in line


@pytest.mark.parametrize("scenario, later", [("p02", 200), ("p01", 120), ("p01", 500), ("p07", 40)])
def test_no_past_date_is_shown_as_a_target(scenario: str, later: int) -> None:
    """Long after the decision, every date already past is said to be past."""
    from assistant.law.analysis import analyse
    from assistant.law.model import parse_case

    holder = {}

    def later_on(case):
        case["today"] = (dt.date.fromisoformat(case["today"]) + dt.timedelta(days=later)).isoformat()
        holder["case"] = case
    page = _rights_page_for(later_on, scenario)
    case = parse_case(holder["case"])
    analysis = analyse(case)
    past = [d.date for d in analysis.deadlines if d.date < case.reference_date]
    past += [analysis.appeal.deadline] if analysis.appeal.deadline < case.reference_date else []
    assert past, "the scenario must have a past date"
    lines = _dates_in(page, past)
    assert lines, "a past date is still mentioned, as past"
    for line in lines:
        assert "passée" in line or "expiré" in line, line
    assert "Contestez au plus tard le" not in page and "Il vous reste" not in page
    assert "Par prudence, envoyez votre recours **au plus tard" not in page


# --- Issue 9: the deadline early, plain errors, limits, editing from the review -----------

AMINA = json.loads((Path(APP).parent.parent / "examples" / "amina-rsa.json").read_text(encoding="utf-8"))


def banners(at: AppTest) -> list[str]:
    return [str(e.proto.body) for e in at.get("html") if "mda-deadline-banner" in str(e.proto.body)]


def test_safe_date_shows_on_the_dates_screen_then_on_every_later_one() -> None:
    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    answers = iv.answers_from_case(AMINA)
    go_to_step(at, answers, "decision")
    assert not banners(at)  # no dates yet
    fill_step(at, answers)
    [banner] = banners(at)
    assert "Contestez au plus tard le 7 décembre 2026 (dans 14 jours)." in banner
    assert "2026-12-07" not in banner
    seen = 0
    for _ in range(len(iv.STEPS)):
        fill_step(at, answers)
        at.button(key="nav.next").click().run()
        if "Vérifiez vos réponses" in texts(at):
            break
        assert len(banners(at)) == 1, at.session_state["step"]
        seen += 1
    assert seen >= 4
    [banner] = banners(at)  # and on the review
    assert "Contestez au plus tard le 7 décembre 2026 (dans 14 jours)." in banner
    # The nuance comes under the date: not opposable, and the one-year limit.
    assert banner.index("Contestez au plus tard") < banner.index("ne peut pas vous être opposé") < banner.index("6 octobre 2027")


def test_a_passed_date_is_never_shown_as_a_target() -> None:
    at = new_app(dt.date(2027, 1, 15))
    answers = iv.answers_from_case(AMINA)
    go_to_step(at, answers, "decision_content")
    fill_step(at, answers)
    at.button(key="nav.next").click().run()
    [banner] = banners(at)
    assert "Contestez au plus tard" not in banner
    assert "Contestez dès que possible." in banner and "7 décembre 2026, est passée" in banner
    assert "6 octobre 2027 — Une fois passé un an" in banner


def test_no_deadline_is_said_before_the_dates_it_needs() -> None:
    """Issue 20 §4: the decision's date alone (2 October) gave « était le 2 décembre 2026 : elle
    est passée » while, received on 6 October, the person has until tomorrow."""
    at = new_app(dt.date(2026, 12, 6))
    answers = iv.answers_from_case(AMINA)
    go_to_step(at, answers, "decision")
    at.radio(key="q.decision.received").set_value(iv.YES).run()
    at.text_input(key="q.decision.date").input("02/10/2026").run()
    assert not banners(at)
    at.text_input(key="q.decision.received_on").input("06/10/2026").run()
    [banner] = banners(at)
    assert "Contestez au plus tard le 7 décembre 2026 (demain)." in banner and "passée" not in banner


def test_a_past_date_waits_for_whether_the_decision_said_how_to_contest() -> None:
    """Receipt unknown: the safe date (2 December) is past, but « passée » is said only once the
    person has said whether the decision stated the routes and time limits."""
    at = new_app(dt.date(2026, 12, 6))
    answers = {**iv.answers_from_case(AMINA), "decision.received_on": iv.UNKNOWN}
    go_to_step(at, answers, "decision")
    fill_step(at, answers)
    assert not banners(at)
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] == "decision_content" and not banners(at)
    at.radio(key="q.decision.appeal_info_given").set_value(iv.NO).run()
    [banner] = banners(at)
    assert "Contestez dès que possible." in banner and "elle est passée" not in banner
    at.radio(key="q.decision.appeal_info_given").set_value(iv.YES).run()
    [banner] = banners(at)
    assert "La date limite pour contester était le 2 décembre 2026 : elle est passée." in banner


def test_an_impossible_date_is_an_error_right_away() -> None:
    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    answers = iv.answers_from_case(AMINA)
    go_to_step(at, answers, "decision")
    at.radio(key="q.decision.received").set_value("yes").run()
    at.text_input(key="q.decision.date").input("31/02/2026").run()
    assert "Cette date n'existe pas : février 2026 n'a que 28 jours." in [e.value for e in at.error]
    assert at.session_state["answers"]["decision.date"] == "31/02/2026"  # never moved to 28/02
    at.button(key="nav.next").click().run()
    assert at.session_state["step"] == "decision"
    at.text_input(key="q.decision.date").input("28/02/2026").run()
    assert not at.error
    assert at.session_state["answers"]["decision.date"] == dt.date(2026, 2, 28)


def model_limit(model, name: str) -> int:
    return next(m.max_length for m in model.model_fields[name].metadata if getattr(m, "max_length", None))


def test_limits_come_from_the_case_model_and_show_while_typing() -> None:
    from assistant.law.model import Claimant, Context

    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    answers = iv.answers_from_case(AMINA)
    go_to_step(at, answers, "own_words")
    # The limits are kept by the page (a text too long is cut, and said: tests/test_small_things.py),
    # not by the browser field, which would drop a whole paste silently.
    assert iv.QUESTIONS["context.own_words"].limit == model_limit(Context, "own_words") == 3000
    assert "3\u202f000 caractères au plus." in [c.value for c in at.caption]
    assert iv.QUESTIONS["claimant.last_name"].limit == model_limit(Claimant, "last_name") == 200
    assert iv.QUESTIONS["claimant.postal_code"].limit == 5


def test_modifier_saves_and_returns_to_the_review() -> None:
    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    walk_interview(at, AMINA)
    at.button(key="edit.decision").click().run()
    assert at.session_state["step"] == "decision"
    at.text_input(key="q.decision.received_on").input("08/10/2026").run()
    at.button(key="nav.save_return").click().run()
    assert "Vérifiez vos réponses" in texts(at)
    assert "8 octobre 2026" in texts(at)
    # Only from the review: the ordinary path has no such button.
    at = new_app()
    assert widget(at, "button", "nav.save_return") is None


def test_save_and_return_checks_the_screen_first() -> None:
    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    walk_interview(at, AMINA)
    at.button(key="edit.decision").click().run()
    at.text_input(key="q.decision.received_on").input("31/09/2026").run()
    at.button(key="nav.save_return").click().run()
    assert at.session_state["step"] == "decision" and "Vérifiez vos réponses" not in texts(at)
    assert "Cette date n'existe pas : septembre 2026 n'a que 30 jours." in [e.value for e in at.error]


def test_every_modifier_button_is_named_by_what_it_changes() -> None:
    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    walk_interview(at, AMINA)
    scripts = "\n".join(str(e.proto.body) for e in at.get("html"))
    names = [f"Modifier : {step.subject}" for step in iv.visible_steps(at.session_state["answers"])]
    assert all(step.subject for step in iv.STEPS)
    assert len(set(names)) == len(names)
    for name in names:
        assert json.dumps(name, ensure_ascii=False)[1:-1] in scripts, name
    # h1 then h2 per screen: no jump to h3 on the review.
    assert len(at.title) == 1 and len(at.header) == len(names) and not at.subheader


def test_review_messages_are_plain_french_without_paths_or_iso_dates() -> None:
    case = json.loads(json.dumps(AMINA))
    at = new_app(dt.date.fromisoformat(case["today"]))
    walk_interview(at, case)
    answers = at.session_state["answers"]
    answers["decision.received_on"] = dt.date(2026, 12, 1)  # after « today »
    at.session_state["answers"] = answers
    at.switch_page("pages/review.py").run()
    messages = [e.value for e in at.error]
    assert "Vérifiez cette date : elle ne peut pas être postérieure à aujourd'hui (23 novembre 2026)." in messages
    assert not any("decision." in m or "2026-11-23" in m for m in messages)


def test_amina_phone_journey_takes_at_most_twelve_screens() -> None:
    """Start screen, the interview, the review, the rights, the letters (README, issue 9)."""
    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    interview = walk_interview(at, AMINA)
    at.button(key="to_rights").click().run()
    at.button(key="to_letters_top").click().run()
    assert not at.exception
    assert "Vos courriers" in texts(at)
    screens = 1 + len(interview) + 3
    assert screens <= 12, (screens, interview)


def test_step_change_moves_the_focus_and_announces_the_step() -> None:
    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    answers = iv.answers_from_case(AMINA)
    fill_step(at, answers)
    at.button(key="nav.next").click().run()
    scripts = "\n".join(str(e.proto.body) for e in at.get("html"))
    total = len(iv.visible_steps(at.session_state["answers"]))
    assert '"etape-situation"' in scripts and json.dumps(f"Étape 2 sur {total} : ") in scripts
    assert [t.proto.anchor for t in at.title] == ["etape-situation"]


def test_fields_in_error_are_linked_to_their_message() -> None:
    at = new_app(dt.date.fromisoformat(AMINA["today"]))
    at.button(key="nav.next").click().run()
    [link] = [e for e in at.get("html") if "mdaFields" in str(e.proto.body)]
    body = str(link.proto.body)
    assert '"field": "st-key-q-organism-kind", "described": ["st-key-help-q-organism-kind", "st-key-error-q-organism-kind"], "invalid": true' in body


@pytest.mark.parametrize("typed, day", [
    ("06/10/2026", dt.date(2026, 10, 6)), ("6/10/2026", dt.date(2026, 10, 6)), ("06.10.2026", dt.date(2026, 10, 6)),
    ("06-10-2026", dt.date(2026, 10, 6)), ("06102026", dt.date(2026, 10, 6)), ("2026-10-06", dt.date(2026, 10, 6)),
    (" 29/02/2028 ", dt.date(2028, 2, 29)),
])
def test_dates_are_read_the_french_way(typed: str, day: dt.date) -> None:
    assert iv.parse_date(typed) == day


@pytest.mark.parametrize("typed, code", [
    ("31/02/2026", "date_day"), ("29/02/2026", "date_day"), ("31/04/2026", "date_day"), ("12/13/2026", "date_month"),
    ("6 octobre", "date_format"), ("", "date_format"), ("00/10/2026", "date_day"),
])
def test_impossible_dates_are_problems_never_moved(typed: str, code: str) -> None:
    with pytest.raises(iv.DateProblem) as info:
        iv.parse_date(typed, "decision.date")
    assert info.value.problem.code == code and info.value.problem.path == "decision.date"


def test_problem_texts_write_dates_in_full_in_each_language() -> None:
    from assistant.core.i18n import translate
    from assistant.law.model import Problem

    future = Problem("decision.received_on", "future", {"today": dt.date(2026, 11, 23)})
    assert iv.problem_text(future, lambda m: m) == "Vérifiez cette date : elle ne peut pas être postérieure à aujourd'hui (23 novembre 2026)."
    english = iv.problem_text(future, lambda m: translate(m, "en"), "en_GB")
    assert english == "Check this date: it cannot be later than today (23 November 2026)."
    with pytest.raises(iv.DateProblem) as info:
        iv.parse_date("31/02/2026")
    assert iv.problem_text(info.value.problem, lambda m: translate(m, "en"), "en_GB") == "This date does not exist: February 2026 only has 28 days."
    assert all(code in iv.PROBLEM_TEXTS for code in ("missing", "string_too_long", "postal_code", "impossible_pair", "date_day"))


# --- What a closed tab leaves on the server (issue 16) ---------------------------------------


class _Runtime:
    """The parts of Streamlit's runtime that closed_tabs uses, with real file registries."""

    def __init__(self) -> None:
        from streamlit.runtime.media_file_manager import MediaFileManager
        from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
        from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

        self.storage = MemoryMediaFileStorage("/media")
        self.media_file_mgr = MediaFileManager(self.storage)
        self.uploaded_file_mgr = MemoryUploadedFileManager("/_stcore/upload_file")
        self.active: set[str] = set()

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.active

    def served(self, address: str) -> bool:
        from streamlit.runtime.media_file_storage import MediaFileStorageError

        try:
            self.storage.get_file(address.rsplit("/", 1)[-1])
        except MediaFileStorageError:
            return False
        return True


def test_a_closed_tabs_files_are_released_once_streamlit_could_no_longer_resume_it(monkeypatch) -> None:
    from streamlit.runtime import media_file_manager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from assistant.pages.closed_tabs import ClosedTabs, period_for

    runtime, now = _Runtime(), [0.0]
    for session_id in ("open", "closed"):
        monkeypatch.setattr(media_file_manager, "_get_session_id", lambda s=session_id: s)
        runtime.media_file_mgr.add(f"courrier de {session_id}".encode(), "application/octet-stream", "1.0",
                                   file_name="courrier.docx", is_for_static_download=True)
        runtime.uploaded_file_mgr.add_file(session_id, UploadedFileRec("f", "lettre.docx", "x", b"mots"))
    addresses = {s: runtime.storage.get_url(runtime.media_file_mgr._files_by_session_and_coord[s]["1.0"])
                 for s in ("open", "closed")}
    runtime.active = {"open", "closed"}
    tabs = ClosedTabs(runtime, grace=120, clock=lambda: now[0])
    assert tabs.sweep() == [] and all(runtime.served(a) for a in addresses.values())

    runtime.active = {"open"}  # the tab closed: Streamlit may still resume it for 120 s
    for now[0] in (1.0, 60.0, 120.0):
        assert tabs.sweep() == [] and runtime.served(addresses["closed"])
    now[0] = 121.0
    assert tabs.sweep() == ["closed"]
    assert runtime.uploaded_file_mgr.get_files("closed", ["f"]) == []
    now[0] += period_for(120)
    tabs.sweep()  # a download file is marked at the first pass, deleted at the next
    assert not runtime.served(addresses["closed"])
    assert runtime.served(addresses["open"]) and runtime.uploaded_file_mgr.get_files("open", ["f"])
    assert period_for(120) == 10 and period_for(2) == 1



# --- An error no page expected (issue 16) -----------------------------------------------------


def test_an_unexpected_error_shows_a_french_message_with_a_number_and_no_traceback(monkeypatch, capsys) -> None:
    import re

    at = new_app()

    typed = "Benali a écrit dans /srv/mesdroits/assistant/secret.py"

    def broken(*args, **kwargs):
        raise RuntimeError(typed)  # the message quotes what a person typed

    monkeypatch.setattr(iv, "visible_steps", broken)
    monkeypatch.delenv("MESDROITS_SHOW_ERRORS", raising=False)  # set for every other test (conftest)
    monkeypatch.delenv("MESDROITS_LOG", raising=False)
    from assistant.core import logs

    logs.configure()   # the app's own set-up: JSON lines on the standard error (tests/test_logs.py)
    capsys.readouterr()
    at.run()
    assert not at.exception, at.exception
    page = texts(at) + "\n".join(str(e.proto) for e in flatten(at._tree))
    number = re.search(r"Une erreur inattendue s'est produite \(erreur n° ([0-9A-F]{6})\)\. Vos réponses sont gardées", page)
    assert number, page
    for leak in ("Traceback", "RuntimeError", "Benali", "/srv/", "assistant/", ".py"):
        assert leak not in page, leak
    # The server's log (JSON on the standard error) has the number, where it failed and the
    # type; never the exception's message, which may quote what the person typed.
    logged = capsys.readouterr().err
    lines = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    [record] = [r for r in lines if r["event"] == "page_error"]
    assert record["error_id"] == number.group(1)
    assert "pages/interview.py" in record["traceback"] and "builtins.RuntimeError" in record["traceback"]
    assert "Benali" not in logged and "secret.py" not in logged


def test_streamlits_rerun_and_stop_are_not_caught_as_page_errors() -> None:
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    assert not issubclass(RerunException, Exception) and not issubclass(StopException, Exception)


# --- What a person types is shown as text, never as Markdown (issue 16) ----------------------

TYPED = "voir https://evil.example/x ou www.evil.example, [clic](javascript:alert(1)) **gras** # titre"
RAW_MARKDOWN = ("https://evil", "www.evil", "[clic]", "](javascript", "**gras**")


def markdown_texts(at: AppTest) -> list[str]:
    """Everything Streamlit reads as Markdown: texts, alerts, headings, captions, widget and
    expander labels, table cells."""
    parts = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning",
                                       "info", "success") for e in getattr(at, kind)]
    parts += [w.label for kind in ("button", "checkbox", "radio", "expander", "download_button")
              for w in getattr(at, kind)]
    for table in at.table:
        parts += [str(cell) for cell in table.value.to_numpy().ravel()]
    return parts


def assert_shown_as_text(at: AppTest, typed: str) -> None:
    """`typed` is on the page, escaped: no link, no bold, no heading made of it."""
    from assistant.pages.common import escape_markdown

    texts_ = markdown_texts(at)
    for raw in RAW_MARKDOWN:
        assert not [t for t in texts_ if raw in t], raw
    assert [t for t in texts_ if escape_markdown(typed) in t], "the typed text is not shown"


def test_escape_markdown_leaves_no_link_formatting_or_code_block() -> None:
    from assistant.pages.common import WORD_JOINER, escape_markdown

    shown = escape_markdown("https://evil.example/x WWW.evil.fr [a](javascript:x) **b** :red[c] $d$\n    e")
    assert shown == ("https\\:" + WORD_JOINER + "\\/\\/evil\\.example\\/x WWW" + WORD_JOINER + "\\.evil\\.fr "
                     "\\[a\\]\\(javascript\\:x\\) \\*\\*b\\*\\* \\:red\\[c\\] \\$d\\$\ne")
    assert shown.replace("\\", "").replace(WORD_JOINER, "") == "https://evil.example/x WWW.evil.fr [a](javascript:x) **b** :red[c] $d$\ne"


def test_typed_urls_and_markdown_show_as_text_on_the_review_and_letters_pages() -> None:
    case = load(VALID[0])["case"]
    case["claimant"]["last_name"] = "Benali [clic](javascript:alert(1))"
    case["context"]["own_words"] = TYPED
    at = new_app(dt.date.fromisoformat(case["today"]))
    walk_interview(at, case)
    assert_shown_as_text(at, TYPED)
    assert_shown_as_text(at, case["claimant"]["last_name"])
    at.button(key="to_rights").click().run()
    at.button(key="to_letters_top").click().run()
    assert not at.exception, at.exception
    assert_shown_as_text(at, case["claimant"]["last_name"])


def _cases_csv(change: dict[str, str]) -> bytes:
    """A one-case spreadsheet (CSV) with some cells or column names replaced."""
    import csv
    import io

    from tests.conftest import VALID_SCENARIOS
    from tests.test_batch import as_cell, flatten

    row = flatten(VALID_SCENARIOS[0][1]["case"])
    cells = {change.get(c, c): change.get(f"={c}", as_cell(c, row[c])) for c in sorted(row)}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(cells), delimiter=";")
    writer.writeheader()
    writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def test_typed_urls_and_markdown_show_as_text_in_the_batch_problems() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/batch.py").run()
    bad_cell = "[clic](javascript:alert(1)) https://evil.example/x"
    at.file_uploader(key="batch.upload").set_value(
        ("cas.csv", _cases_csv({"=decision.received_on": bad_cell}), "text/csv")).run()
    assert not at.exception, at.exception
    assert at.table, texts(at)  # the problems table: its cells are Markdown
    assert_shown_as_text(at, bad_cell)
    # A column the file should not have: the whole file is refused, naming it.
    at.file_uploader(key="batch.upload").set_value(
        ("cas2.csv", _cases_csv({"decision.received_on": "www.evil.example/**gras**"}), "text/csv")).run()
    assert not at.exception, at.exception
    assert_shown_as_text(at, "www.evil.example/**gras**")
