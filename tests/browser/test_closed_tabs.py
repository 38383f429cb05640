"""A closed tab's download address stops answering (issue 16): Streamlit forgets the session
after `server.disconnectedSessionTTL` without releasing its files, and served them to anyone
holding the address for as long as the process ran; `assistant/pages/closed_tabs.py` releases
them. The server here keeps a closed tab 2 seconds instead of 120, so the test is short."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    DESKTOP, JOURNEY, answer_interview, browser, new_page, run_server, settle,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TTL = 2


@pytest.fixture(scope="module")
def short_memory_server():
    yield from run_server("--server.disconnectedSessionTTL", str(TTL), log_name="streamlit-closed-tabs.log")


def status(address: str) -> int:
    """The HTTP status of a GET without any cookie or header of the tab."""
    try:
        with urllib.request.urlopen(address, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_closed_tabs_download_address_answers_404_within_seconds(short_memory_server, browser) -> None:
    page = new_page(browser, short_memory_server, DESKTOP)
    answer_interview(page, JOURNEY[:2], stop_after=1)
    page.get_by_role("button", name="Suivant →").wait_for()
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger mes réponses").click()
    address = info.value.url
    assert "/media/" in address and status(address) == 200  # the tab is open: served, cookie or not
    page.context.close()

    closed = time.monotonic()
    while status(address) == 200:
        # Bound: TTL + 3 sweeps of one second (closed_tabs.period_for), with room for a slow machine.
        assert time.monotonic() - closed < TTL + 20, "the address still answers"
        time.sleep(0.5)
    assert status(address) == 404
