"""The answers key bound to the browser tab (issue 19, item 2), in Chromium: kept in the tab's
`sessionStorage`, never in the address or the history; a reload restores, another tab or
browser at the same address gets nothing; a link carrying someone else's key (`?s=`) is
ignored and cleaned (key fixation, two browsers); the mediator's idle countdown erases the
session (short idle time: MESDROITS_MEDIATOR_IDLE_MINUTES=0.2)."""

from __future__ import annotations

import os
import time

import pytest

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    DESKTOP, JOURNEY, PHONE, answer_interview, browser, check_accessibility, choose, new_page, run_server,
    screen_ready, server, settle, start_ready, stored_key, track,
)
from assistant.pages import session_memory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EXPIRED = "ne sont plus en mémoire"
ORGANISM = "Quel organisme vous verse (ou vous refuse) l'aide ?"
# Every address the page had, the history API's included (Streamlit rewrites the address
# with history.pushState / replaceState).
RECORD_ADDRESSES = """
(() => {
  window.mdaAddresses = [location.href];
  for (const name of ["pushState", "replaceState"]) {
    const real = history[name].bind(history);
    history[name] = (state, title, url) => { const out = real(state, title, url); window.mdaAddresses.push(location.href); return out; };
  }
})();
"""


def checked(page) -> list[str]:
    """The ticked choices of the screen."""
    return page.evaluate("""() => [...document.querySelectorAll("[data-testid='stMain'] input[type=radio]:checked")]
      .map(e => e.closest('label').innerText.trim())""")


def test_reload_restores_and_another_tab_at_the_same_address_gets_nothing(server, browser) -> None:
    page = new_page(browser, server, PHONE, start=False)
    page.evaluate(RECORD_ADDRESSES)
    page.get_by_role("button", name="Commencer →").click()
    page.get_by_text("Étape 1 sur").wait_for()
    screen_ready(page)
    answer_interview(page, JOURNEY[:2], stop_after=1)
    page.get_by_role("button", name="Suivant →").wait_for()
    settle(page)
    key = stored_key(page)
    assert key and len(key) >= 32
    addresses = page.evaluate("window.mdaAddresses")
    assert len(addresses) >= 2 and not [a for a in addresses if key in a or "s=" in a], addresses
    before = checked(page)
    assert len(before) == 2

    started = time.monotonic()
    page.reload()
    page.get_by_text("Étape 1 sur").wait_for()
    screen_ready(page)
    print(f"reload to a restored screen: {time.monotonic() - started:.2f} s")
    assert checked(page) == before and stored_key(page) == key and EXPIRED not in page.inner_text("body")
    assert key not in page.url

    # The same address in another tab of the same browser, and in another browser: nothing.
    for context in (page.context, track(browser.new_context(viewport=PHONE, locale="fr-FR"))):
        other = context.new_page()
        other.goto(page.url)
        other.get_by_text("Étape 1 sur").wait_for()
        screen_ready(other)
        assert checked(other) == [] and not stored_key(other)
        assert EXPIRED not in other.inner_text("body")
        if context is not page.context:
            context.close()
        else:
            other.close()
    assert session_memory.store().load(key)["answers"]            # the first tab's draft untouched
    page.context.close()


def test_a_link_carrying_someone_elses_key_is_ignored(server, browser) -> None:
    """Key fixation: the maker of a link with `?s=<their key>` must never read the
    visitor's answers. Two browsers: the maker's, the visitor's."""
    maker = new_page(browser, server, DESKTOP)
    choose(maker, ORGANISM, "La CAF (caisse d'allocations familiales)")
    planted = stored_key(maker)
    assert planted

    visitor = new_page(browser, server, DESKTOP, start=False)
    visitor.goto(f"{server}/questions?s={planted}")
    visitor.get_by_text("Étape 1 sur").wait_for()
    screen_ready(visitor)
    assert "s=" not in visitor.url and planted not in visitor.url      # cleaned from the address
    assert checked(visitor) == [] and not stored_key(visitor)           # the maker's answers are not shown
    choose(visitor, ORGANISM, "La MSA (mutualité sociale agricole)")
    own = stored_key(visitor)
    assert own and own != planted
    assert session_memory.store().load(own)["answers"]["organism.kind"] == "msa"
    assert session_memory.store().load(planted)["answers"]["organism.kind"] == "caf"

    maker.reload()                                                      # the maker sees only their own
    maker.get_by_text("Étape 1 sur").wait_for()
    screen_ready(maker)
    assert checked(maker) == ["La CAF (caisse d'allocations familiales)"]
    maker.context.close()
    visitor.context.close()


IDLE_MINUTES = 0.25   # 15 seconds


@pytest.fixture(scope="module")
def idle_server():
    """A server with the short idle time. The setting is in this process's environment only
    while the server starts: left there, a `server` started later in the module inherited it
    (a clean-clone CI run saw « dans 15 s » where 20 min was due)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MESDROITS_MEDIATOR_IDLE_MINUTES", str(IDLE_MINUTES))
        running = run_server(log_name="streamlit-idle.log")
        url = next(running)
    yield url
    next(running, None)   # stops it


MEDIATOR_SCREEN = "Mode médiateur : toutes les questions sur une page."


def mediator_page(browser, url: str):
    page = new_page(browser, f"{url}/?mode=mediateur", DESKTOP, start=False)
    page.get_by_role("button", name="Commencer →").click()
    page.get_by_text(MEDIATOR_SCREEN).wait_for()
    settle(page)
    return page


def seconds_left(page) -> int:
    return int(page.locator(".mda-idle-status").inner_text().split()[-2])


def saved_within(key: str | None, seconds: float = 10.0) -> bool:
    """Whether the server's copy of the draft under `key` appears within `seconds`: it is
    written at the end of the run that knows the tab (the one after the tab sends its key),
    which on a loaded machine may start after the page has gone quiet (a CI failure)."""
    deadline = time.monotonic() + seconds
    while key and time.monotonic() < deadline:
        if session_memory.store().load(key):
            return True
        time.sleep(0.2)
    return False


def test_the_mediators_idle_countdown_erases_the_session(idle_server, browser) -> None:
    idle = IDLE_MINUTES * 60
    page = mediator_page(browser, idle_server)
    assert page.locator(".mda-idle-status").count() == 0             # nothing to erase yet
    choose(page, ORGANISM, "La CAF (caisse d'allocations familiales)")
    key = stored_key(page)
    assert saved_within(key)
    assert page.locator(".mda-idle-status").inner_text().startswith("Effacement automatique dans")
    # The last minute (the whole idle time here): a warning and « Je suis encore là ».
    still_here = page.get_by_role("button", name="Je suis encore là")
    still_here.wait_for()
    check_accessibility(page, "mediateur-compte-a-rebours")
    page.wait_for_function("() => Number(document.querySelector('.mda-idle-status').textContent.split(' ').at(-2)) < 13")
    still_here.click()                               # the countdown starts again
    clicked = time.monotonic()
    assert seconds_left(page) >= idle - 2

    page.get_by_text("Les réponses de la session précédente ont été effacées").wait_for(timeout=60_000)
    waited = time.monotonic() - clicked
    print(f"erased {waited:.1f} s after « Je suis encore là » (idle time {idle:.0f} s)")
    assert waited >= idle - 2                        # counted from the click, not from the answer
    page.get_by_text(MEDIATOR_SCREEN).wait_for()
    settle(page)
    assert checked(page) == [] and not stored_key(page)
    assert session_memory.store().load(key) is None  # deleted on the server
    assert page.locator(".mda-idle-status").count() == 0
    page.reload()                                    # nothing comes back, no expiry notice
    page.get_by_text(MEDIATOR_SCREEN).wait_for()
    settle(page)
    assert checked(page) == [] and EXPIRED not in page.inner_text("body")
    page.context.close()


def test_the_countdown_shows_minutes_in_mediator_mode_only(server, browser) -> None:
    page = new_page(browser, server, DESKTOP)
    choose(page, ORGANISM, "La CAF (caisse d'allocations familiales)")
    assert page.locator(".mda-idle-status").count() == 0
    page.locator("[data-testid='stSidebar']").get_by_text("Mode médiateur", exact=True).click()
    page.locator(".mda-idle-status").wait_for()
    settle(page)
    assert page.locator(".mda-idle-status").inner_text() == "Effacement automatique dans 20 min"
    assert page.get_by_role("button", name="Je suis encore là").count() == 0   # not in the last minute
    check_accessibility(page, "mediateur-compte-a-rebours-minutes")
    page.context.close()


@pytest.fixture(autouse=True)
def _same_store() -> None:
    """The servers inherit this process's data folder and key: `session_memory.store()`
    here reads the drafts they write."""
    assert os.environ.get("MESDROITS_DATA_DIR")
