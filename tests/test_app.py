"""The app driven in-process (streamlit.testing AppTest): every scenario is walked
through the interview with answers derived from its case file, then the rights and
the letter downloads are checked; bad input shows French messages next to the fields."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant import interview as iv
from assistant.rights import RIGHTS_BY_ID

APP = str(Path(__file__).resolve().parent.parent / "assistant" / "app.py")
SCENARIOS = Path(__file__).resolve().parent.parent.parent / "shared" / "scenarios"
ALL = sorted(SCENARIOS.glob("*.json"))
VALID = [p for p in ALL if "exit" not in json.loads(p.read_text(encoding="utf-8"))["expect"]]
INVALID = [p for p in ALL if p not in VALID]


def new_app(today: dt.date | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if today is not None:
        at.session_state["reference_date"] = today
    return at.run()


def texts(at: AppTest) -> str:
    """Everything readable on the page, to look for a sentence."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "error", "warning", "info", "success", "caption"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


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
            w = widget(at, "date_input", key)
            if w is None:
                return False
            w.set_value(value)
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
    at.button(key="to_letters_top").click().run()
    assert not at.exception, at.exception
    keys = {getattr(d, "key", None) or d.proto.id for d in at.download_button}
    assert "dl.ics" in keys
    assert "dl.zip" in keys, texts(at)
    for letter_id in expect.get("letters_include", []):
        assert f"dl.docx.{letter_id}" in keys, letter_id
        assert f"dl.pdf.{letter_id}" in keys, letter_id
