"""The in-progress answers of the app: unguessable keys made on the server and kept by the
browser tab (never the address: no key fixation), the answers in the store's database
(sealed drafts, `assistant/casefiles/drafts.py`, unit-tested in tests/test_drafts.py) so that
a reload or a second process finds them, deleted with « Terminer et effacer », by the
mediator's idle countdown or once expired; and the answers file (« Télécharger mes
réponses » / « Reprendre »). The browser side is in tests/browser/test_tab_key.py."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from assistant.casefiles.drafts import key_hash
from assistant.casefiles.tables import DraftRow
from assistant.law import interview as iv
from assistant.pages import session_memory, tab_key
from assistant.law.model import InvalidCase
from tests.conftest import SCENARIOS_DIR, spy_writes

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "assistant" / "app.py")


def test_keys_are_random_and_long_enough() -> None:
    keys = {session_memory.new_key() for _ in range(2000)}
    assert len(keys) == 2000
    for key in list(keys)[:50]:
        assert len(key) >= 22 and key.replace("-", "").replace("_", "").isalnum()  # URL-safe, ≥ 128 bits
    assert session_memory.KEY_BYTES * 8 >= 128


@pytest.mark.parametrize("raw, hours", [("", 2), ("0,5", 0.5), ("6", 6), ("n'importe quoi", 2)])
def test_time_limit_from_the_environment(monkeypatch, raw: str, hours: float) -> None:
    monkeypatch.setenv("MESDROITS_MEMORY_HOURS", raw)
    assert session_memory.ttl_from_environment() == hours * 3600
    assert session_memory.hours() == hours


def rows(key: str) -> int:
    """The drafts rows under this key's digest, read straight from the database."""
    with session_memory.store().store.read() as session:
        return session.scalar(select(func.count()).select_from(DraftRow).where(DraftRow.key_hash == key_hash(key)))


# --- In the app -------------------------------------------------------------------------


class Tab:
    """A browser tab for AppTest, which runs no browser code: its `sessionStorage` item,
    and what `tab_key.mount` hears from it and tells it. Two AppTests with the same Tab are
    a reload of one tab (or a reconnection to another process); a new Tab is another tab or
    browser, whatever its address."""

    def __init__(self, stored: str = "") -> None:
        self.stored = stored
        self.countdown: dict = {}
        self.idle_ends = False

    def mount(self, key, **countdown):
        self.countdown = countdown
        if key is not None:
            self.stored = key
        if self.idle_ends:           # the countdown ended: the tab forgets, the server is told
            self.idle_ends, self.stored = False, ""
            countdown["on_idle"]()
        return self.stored


@pytest.fixture
def tabs(monkeypatch):
    """`open(tab)` makes `tab` the browser of the AppTests that follow."""
    def open_(tab: Tab) -> Tab:
        monkeypatch.setattr(tab_key, "mount", tab.mount)
        return tab
    return open_


def scenario_case() -> dict:
    path = sorted(SCENARIOS_DIR.glob("*.json"))[0]
    return json.loads(path.read_text(encoding="utf-8"))["case"]


def started_app(query: dict | None = None) -> AppTest:
    """The app on its questions page (AppTest does not rerun the app around its default page)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    return at.button(key="nav.start").click().run()


def give(at: AppTest, answers: dict) -> None:
    """Answers put straight into the session, then a run (the widgets are not under test here)."""
    at.session_state["answers"] = answers
    at.run()


def expiry_notices(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.info if "plus en mémoire" in str(e.value) or "no longer in memory" in str(e.value)]


def test_the_key_is_made_on_the_server_kept_by_the_tab_and_never_in_the_address(tabs) -> None:
    tab = tabs(Tab())
    at = started_app()
    assert "memory_key" not in at.session_state and tab.stored == ""     # no answer, no key
    give(at, {"benefit": "rsa"})
    key = at.session_state["memory_key"]
    assert tab.stored == key and len(key) >= 32                          # told in the same run
    assert key not in json.dumps(dict(at.query_params)) and "s" not in at.query_params


def test_answers_are_restored_by_the_tabs_key_in_another_process_and_cleared_with_it(tabs) -> None:
    answers = iv.answers_from_case(scenario_case())
    tab = tabs(Tab())
    first = started_app()
    first.toggle(key="w.mediator").set_value(True).run()
    first.radio(key="w.lang").set_value("en").run()
    give(first, answers)
    key = first.session_state["memory_key"]
    assert session_memory.store().load(key)["answers"] == answers and rows(key) == 1

    # A reload served by another process: a new session in the same tab, and a store
    # opened afresh (its own connections) on the same database.
    session_memory.forget_store()
    again = started_app()
    assert again.session_state["answers"] == answers and again.session_state["memory_key"] == key
    assert again.session_state["mediator"] is True and again.session_state["lang"] == "en"
    assert not expiry_notices(again)

    again.button(key="nav.clear").click().run()
    assert session_memory.store().load(key) is None and rows(key) == 0   # the row is deleted
    assert "memory_key" not in again.session_state and not again.session_state["answers"]
    assert tab.stored == ""                                              # the tab forgot it
    later = AppTest.from_file(APP, default_timeout=60)
    later.run()
    assert not later.session_state["answers"] if "answers" in later.session_state else True
    assert not expiry_notices(later)                  # nothing was left to expire


def test_another_tab_at_the_same_address_gets_nothing(tabs) -> None:
    tabs(Tab())
    first = started_app({"lang": "en"})
    give(first, {"benefit": "rsa"})
    tabs(Tab())                                       # a second tab, a second browser
    other = started_app({"lang": "en"})
    assert not other.session_state["answers"] and "memory_key" not in other.session_state
    assert not expiry_notices(other)


def test_a_link_carrying_someone_elses_key_is_ignored_and_removed(tabs) -> None:
    """Key fixation: a link with `?s=<the maker's key>` must never make the visitor's
    answers be saved where the link's maker can read them."""
    tabs(Tab())
    maker = started_app()
    give(maker, {"benefit": "rsa", "claimant.last_name": "Auteur-Du-Lien"})
    planted = maker.session_state["memory_key"]

    visitor_tab = tabs(Tab())
    visitor = started_app({"s": planted})
    assert "s" not in visitor.query_params                                     # removed from the address
    assert not visitor.session_state["answers"] and "memory_key" not in visitor.session_state
    give(visitor, {"benefit": "aah", "claimant.last_name": "Visiteuse"})
    own = visitor.session_state["memory_key"]
    assert own != planted and visitor_tab.stored == own
    assert session_memory.store().load(planted)["answers"]["claimant.last_name"] == "Auteur-Du-Lien"
    assert session_memory.store().load(own)["answers"]["claimant.last_name"] == "Visiteuse"


def test_a_made_up_key_in_the_tab_is_never_adopted(tabs) -> None:
    """A key the tab holds but the store does not know (guessed, forged, planted): no
    answers, no error, the tab told to forget it, and the first answer gets a new key."""
    forged = session_memory.new_key()
    tab = tabs(Tab(stored=forged))
    at = started_app()
    assert not at.session_state["answers"] and "memory_key" not in at.session_state
    assert not at.exception and not at.error
    assert tab.stored == ""
    give(at, {"benefit": "rsa"})
    assert at.session_state["memory_key"] != forged and rows(forged) == 0
    assert tab.stored == at.session_state["memory_key"]


def test_an_expired_draft_is_deleted_and_the_notice_said_once(tabs, monkeypatch) -> None:
    tab = tabs(Tab())
    at = started_app()
    give(at, {"benefit": "rsa"})
    key = at.session_state["memory_key"]
    drafts = session_memory.store()
    real_clock = drafts._clock
    monkeypatch.setattr(drafts, "_clock", lambda: dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=3))
    later = AppTest.from_file(APP, default_timeout=60).run()             # the tab reloaded
    assert len(expiry_notices(later)) == 1
    assert not later.session_state["answers"] and "memory_key" not in later.session_state
    assert rows(key) == 0 and tab.stored == ""                           # deleted, not just hidden
    monkeypatch.setattr(drafts, "_clock", real_clock)   # (a save's sweep would take every draft of the shared test database)
    again = AppTest.from_file(APP, default_timeout=60).run()             # reloaded once more
    assert not expiry_notices(again)                                     # said once
    give(again, {"benefit": "aah"})
    assert again.session_state["memory_key"] != key


def test_expired_and_made_up_keys_leave_nothing_in_the_log(tabs, monkeypatch) -> None:
    """The log (JSON lines) never holds a key nor its digest, even when the store fails."""
    import io

    from sqlalchemy.exc import OperationalError
    from assistant.core import logs

    stream = io.StringIO()
    logs.configure(stream=stream)
    try:
        forged = session_memory.new_key()
        tabs(Tab(stored=forged))
        at = started_app()
        give(at, {"benefit": "rsa"})
        made = at.session_state["memory_key"]
        drafts = session_memory.store()

        def down(*args, **kwargs):
            raise OperationalError("SELECT …", {"key_hash": key_hash(made)}, Exception("connection refused"))

        monkeypatch.setattr(drafts, "save", down)
        give(at, {"benefit": "rsa", "organism.kind": "caf"})
        monkeypatch.setattr(drafts, "load", down)
        monkeypatch.delenv("MESDROITS_SHOW_ERRORS")
        AppTest.from_file(APP, default_timeout=60).run()                  # reload, store down
    finally:
        logs.configure()
    logged = stream.getvalue()
    assert "draft_save_failed" in logged and "page_error" in logged      # the failures are there…
    for secret in (forged, made, key_hash(forged), key_hash(made)):
        assert secret not in logged                                      # …never a key


def test_an_answer_given_after_the_restart_is_saved_under_the_same_key(tabs) -> None:
    tab = tabs(Tab())
    first = started_app()
    give(first, {"benefit": "rsa"})
    key = first.session_state["memory_key"]
    session_memory.forget_store()                     # the process died; another one serves
    again = started_app()
    give(again, {**again.session_state["answers"], "organism.kind": "caf"})
    assert again.session_state["memory_key"] == key and tab.stored == key
    session_memory.forget_store()
    assert session_memory.store().load(key)["answers"] == {"benefit": "rsa", "organism.kind": "caf"}


def test_a_session_without_answers_stores_nothing(tabs, monkeypatch) -> None:
    """A flood of new sessions that answer nothing writes no draft and gets no key."""
    drafts = session_memory.store()
    saved: list[str] = []
    real_save = drafts.save
    monkeypatch.setattr(drafts, "save", lambda key, snapshot, ttl=None: saved.append(key) or real_save(key, snapshot, ttl))
    for _ in range(3):
        tab = tabs(Tab())
        at = started_app()
        at.radio(key="w.lang").set_value("en").run()
        assert "memory_key" not in at.session_state and tab.stored == ""
    assert saved == []
    give(at, {"benefit": "rsa"})                       # the first answer makes the draft
    assert saved == [at.session_state["memory_key"]] and rows(saved[0]) == 1


def test_a_database_that_fails_a_save_loses_nothing(tabs, monkeypatch) -> None:
    """The store unreachable at the end of a run: logged (no answer in the log), the answers
    stay in the page, and the next run saves them under the same key."""
    from sqlalchemy.exc import OperationalError

    tabs(Tab())
    drafts = session_memory.store()
    real_save = drafts.save

    def down(key, snapshot, ttl=None):
        raise OperationalError("INSERT …", {}, Exception("connection refused"))

    at = started_app()
    monkeypatch.setattr(drafts, "save", down)
    give(at, {"benefit": "rsa", "claimant.last_name": "Quaglieri-Zanzibar"})
    assert not at.exception and at.session_state["answers"]["benefit"] == "rsa"
    key = at.session_state["memory_key"]
    assert rows(key) == 0
    monkeypatch.setattr(drafts, "save", real_save)
    at.run()
    assert at.session_state["memory_key"] == key and session_memory.store().load(key)["answers"]["benefit"] == "rsa"


def test_a_database_that_fails_the_first_read_keeps_the_key_and_reads_again(tabs, monkeypatch) -> None:
    """The store unreachable when a reload starts: a French message with an error number,
    the key kept in the tab, and the draft read at the next run (no expiry notice)."""
    from sqlalchemy.exc import OperationalError

    tab = tabs(Tab())
    first = started_app()
    give(first, {"benefit": "rsa"})
    key = first.session_state["memory_key"]
    drafts = session_memory.store()
    real_load = drafts.load

    def down(key):
        raise OperationalError("SELECT …", {}, Exception("connection refused"))

    monkeypatch.setattr(drafts, "load", down)
    monkeypatch.delenv("MESDROITS_SHOW_ERRORS")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert any("erreur n°" in str(e.value) for e in at.error) and tab.stored == key
    assert not at.session_state["answers"] if "answers" in at.session_state else True
    monkeypatch.setattr(drafts, "load", real_load)
    at.run()
    assert at.session_state["answers"] == {"benefit": "rsa"} and at.session_state["memory_key"] == key
    assert not expiry_notices(at) and tab.stored == key


def test_a_mediators_draft_lives_the_idle_time_and_the_countdown_is_shown(tabs, monkeypatch) -> None:
    monkeypatch.setenv("MESDROITS_MEDIATOR_IDLE_MINUTES", "3")
    tab = tabs(Tab())
    at = started_app({"mode": "mediateur"})
    give(at, {"benefit": "rsa"})
    key = at.session_state["memory_key"]
    assert tab.countdown["idle"] == 180 and "min" in tab.countdown["texts"]["minutes"]
    with session_memory.store().store.read() as session:
        row = session.get(DraftRow, key_hash(key))
        lifetime = (row.expires_at - row.updated_at).total_seconds()
    assert lifetime == session_memory.mediator_ttl() == 180 + 2 * 18    # not two hours
    at.toggle(key="w.mediator").set_value(False).run()
    assert tab.countdown == {}                                           # no countdown outside the mode


def test_the_idle_end_erases_like_finish_and_clear(tabs) -> None:
    from assistant.pages import common

    tab = tabs(Tab())
    at = started_app({"mode": "mediateur"})
    give(at, {"benefit": "rsa"})
    key = at.session_state["memory_key"]
    tab.idle_ends = True
    at.run()
    assert any("sans activité" in str(e.value) for e in at.info)
    at.run()
    assert rows(key) == 0 and not at.session_state["answers"] and "memory_key" not in at.session_state
    assert tab.stored == "" and at.session_state["mediator"] is True
    assert common.IDLE_CLEARED not in at.session_state and not any("sans activité" in str(e.value) for e in at.info)


@pytest.mark.parametrize("raw, minutes", [("", 20), ("0,1", 0.1), ("5", 5), ("0", 20), ("-3", 20), ("jamais", 20)])
def test_idle_time_from_the_environment(monkeypatch, raw: str, minutes: float) -> None:
    monkeypatch.setenv("MESDROITS_MEDIATOR_IDLE_MINUTES", raw)
    assert session_memory.mediator_idle_seconds() == pytest.approx(minutes * 60)
    assert session_memory.mediator_ttl() > session_memory.mediator_idle_seconds()


def test_nothing_is_written_in_clear_during_a_session(tabs, monkeypatch, tmp_path) -> None:
    """No file opened for writing by the app, no new file in the working tree or the temp
    folder: the answers go only to the store's database, sealed (its file holds no answer
    and no key in clear)."""
    def listing() -> set[Path]:
        return {p for p in ROOT.rglob("*") if not {".git", ".venv", "__pycache__", "test-artifacts", ".pytest_cache"} & set(p.parts)}

    answers = {**iv.answers_from_case(scenario_case()), "claimant.last_name": "Quaglieri-Zanzibar"}
    tabs(Tab())
    at = started_app()
    database = Path(session_memory.store().store.engine.url.database)   # opened before the spying
    fresh_tmp = tmp_path / "tmp"
    fresh_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(fresh_tmp))
    before = listing()
    written = spy_writes(monkeypatch)
    give(at, answers)
    key = at.session_state["memory_key"]
    raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert key_hash(key).encode() in raw                       # the draft is there…
    for value in ("Quaglieri-Zanzibar", key):                  # …sealed, without its key
        assert value.encode("utf-8") not in raw and value.encode("utf-16-le") not in raw, value
    again = started_app()
    assert again.session_state["answers"] == answers
    again.button(key="nav.clear").click().run()
    monkeypatch.undo()
    assert not written, written
    assert not list(fresh_tmp.iterdir())
    new_files = listing() - before
    assert not new_files, new_files


# --- The answers file -------------------------------------------------------------------


def test_the_answers_file_is_a_case_file_that_resumes_to_the_same_answers() -> None:
    from assistant.law.model import parse_case
    from assistant.pages import common

    case = scenario_case()
    answers = iv.answers_from_case(case)
    at = started_app()
    give(at, answers)
    assert at.session_state["answers"] == answers
    data = json.loads(json.dumps(iv.case_dict(answers)))
    parse_case(data)  # a complete file is a valid case file
    resumed = common.answers_from_file(json.dumps(data).encode())
    assert iv.case_dict(resumed) == iv.case_dict(answers)  # hidden questions aside, the same answers


@pytest.mark.parametrize("raw, words", [
    (b"\x00\xff not json", "n'est pas un fichier de réponses"),
    (b"[1, 2]", "ne contient pas de réponses"),
    (b"{}", "ne contient pas de réponses"),
    (json.dumps({"benefit": "rsa", "claimant": {"nom": "x"}}).encode(), "ne peut pas être repris"),
    (b" " * 300_000, "trop gros"),
])
def test_a_file_that_is_not_an_answers_file_gets_a_french_message(raw: bytes, words: str) -> None:
    from assistant.pages import common

    with pytest.raises(InvalidCase) as error:
        common.answers_from_file(raw)
    assert words in " ".join(error.value.messages)


def test_a_file_made_halfway_resumes_halfway() -> None:
    from assistant.pages import common

    partial = {"organism": {"kind": "caf"}, "benefit": "rsa", "decision": {"received": True}}
    answers = common.answers_from_file(json.dumps(partial).encode())
    assert answers["organism.kind"] == "caf" and answers["benefit"] == "rsa"
    assert "context.after_control" not in answers and "claimant.last_name" not in answers
