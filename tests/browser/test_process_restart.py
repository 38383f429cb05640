"""A process that dies loses nothing (issue 19, items 1 and 2): three screens answered in
Chromium, the `streamlit run` process killed with SIGKILL, a new one started on the same
database and port; the page reconnects (and later reloads) with its key — which only the
tab's sessionStorage holds, never the address — every answer is there, and no expiry notice
is shown."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests import appserver
from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS, JOURNEY, _free_port, answer_interview, answer_screen, browser, new_page, next_screen,
    screen_ready, settle, step_number, stored_key,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EXPIRED = "ne sont plus en mémoire"


def start(port: int, env: dict, log_name: str) -> subprocess.Popen:
    """`streamlit run` on `port` (tests/appserver.py, as every test starts it), once healthy."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        return appserver.start(port, env=env, output=ARTIFACTS / log_name, timeout=60)[0]
    except appserver.DidNotStart:
        pytest.fail(f"streamlit did not start: see {ARTIFACTS / log_name}")


STATE = """() => [...document.querySelectorAll("[data-testid='stMain'] input")]
  .map(e => e.type + ':' + ((e.type === 'radio' || e.type === 'checkbox') ? e.checked : e.value))"""


def state(page) -> tuple[str, list[str]]:
    """The screen's text and every field's value or tick: what the person sees."""
    return page.locator("[data-testid='stMain']").inner_text(), page.evaluate(STATE)


def test_killing_the_process_loses_no_answer(browser, tmp_path) -> None:
    port = _free_port()
    env = {**os.environ, "MESDROITS_DATA_DIR": str(tmp_path / "data"), "MESDROITS_KEY": ""}
    env.pop("DATABASE_URL", None)
    first = start(port, env, "restart-first.log")
    second = None
    try:
        page = new_page(browser, f"http://127.0.0.1:{port}")
        sockets: list[str] = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        pending = answer_interview(page, stop_after=2)      # screens 1 and 2 answered
        screen_2 = state(page)
        next_screen(page)
        answer_screen(page, pending)                        # and screen 3
        settle(page)
        screen_3 = state(page)
        key = stored_key(page)
        assert key and len(key) >= 22 and key not in page.url and "s=" not in page.url
        assert len(JOURNEY) - len(pending) >= 3                # at least three answers given

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        second = start(port, env, "restart-second.log")
        deadline = time.monotonic() + 60
        while not sockets:                                   # the page's own reconnection
            assert time.monotonic() < deadline, "the page did not reconnect"
            page.wait_for_timeout(200)

        # The next click is served by the new process (its log shows the run): the answers
        # are there and no notice is shown. (Streamlit runs a new session's first script
        # before any button callback is known: the page may stay on screen 3.)
        page.get_by_role("button", name="← Retour").click()
        while b'"page_run"' not in (ARTIFACTS / "restart-second.log").read_bytes():
            assert time.monotonic() < deadline, "the new process never ran the page"
            page.wait_for_timeout(200)
        screen_ready(page)
        assert EXPIRED not in page.inner_text("body")
        assert step_number(page) in (2, 3)
        if step_number(page) == 2:
            assert state(page) == screen_2
            next_screen(page)
        assert state(page) == screen_3 and stored_key(page) == key and key not in page.url

        # A reload, served by the new process: the same screen, the same answers, no notice.
        page.reload()
        page.get_by_text("Étape 3 sur").wait_for()
        screen_ready(page)
        assert EXPIRED not in page.inner_text("body")
        assert state(page) == screen_3 and stored_key(page) == key and key not in page.url
        page.get_by_role("button", name="← Retour").click()
        page.get_by_text("Étape 2 sur").wait_for()
        screen_ready(page)
        assert state(page) == screen_2 and EXPIRED not in page.inner_text("body")
        page.context.close()
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                appserver.stop(process, timeout=10)
