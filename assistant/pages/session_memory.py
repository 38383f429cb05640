"""The page side of the in-progress answers: a random key per person, and the drafts of the
store's database (`assistant/casefiles/drafts.py`) that every app process reaches.

A reload, a brief connection loss, or a reconnection to another process (this one may have
died) starts a new Streamlit session: it finds its answers again by the key, which the
browser tab keeps in its `sessionStorage` (`pages/tab_key.py`; only `common.restore_session`
and `common.persist_session` talk to it). The database holds the answers sealed and under a
digest of the key, never the key; a draft is deleted `ttl` seconds after its last save (two
hours unless `MESDROITS_MEMORY_HOURS` says otherwise; in mediator mode the idle time plus a
little, `mediator_ttl`), by « Terminer et effacer », by the mediator's idle countdown, or by
the purge.
"""

from __future__ import annotations

import os
import secrets
import threading
from typing import Optional

from assistant.casefiles.drafts import DEFAULT_HOURS, Drafts, ttl_from_environment  # noqa: F401 (re-exported)
from assistant.casefiles.service import open_store

KEY_BYTES = 24           # 192 random bits: a key cannot be guessed
DEFAULT_IDLE_MINUTES = 20.0
# An unchanged draft is saved again (its expiry pushed back) at most this often: a minute,
# or a tenth of its lifetime when that is shorter.
DRAFT_REFRESH = 60.0

_DRAFTS: Optional[Drafts] = None
_OPENING = threading.Lock()


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def store() -> Drafts:
    """The drafts of this process's store (`DATABASE_URL`, else the embedded SQLite file),
    opened at the first use and shared by every browser session (each only knows its own key)."""
    global _DRAFTS
    with _OPENING:
        if _DRAFTS is None:
            _DRAFTS = Drafts(open_store(), ttl_from_environment())
        return _DRAFTS


def forget_store() -> None:
    """Open the store again at the next use (a test's second process; a changed setting)."""
    global _DRAFTS
    with _OPENING:
        if _DRAFTS is not None:
            _DRAFTS.store.close()
        _DRAFTS = None


def hours() -> float:
    """How long a draft lives after the last action, without opening the database."""
    return ttl_from_environment() / 3600


def mediator_idle_seconds() -> float:
    """Mediator mode ends a person's session after this long without any interaction
    (`MESDROITS_MEDIATOR_IDLE_MINUTES`, default 20; a value that is not a positive number
    keeps the default: the erasing cannot be switched off by a typo)."""
    raw = os.environ.get("MESDROITS_MEDIATOR_IDLE_MINUTES", "")
    try:
        minutes = float(raw.replace(",", ".")) if raw.strip() else DEFAULT_IDLE_MINUTES
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return (minutes if minutes > 0 else DEFAULT_IDLE_MINUTES) * 60


def refresh_seconds(ttl: float) -> float:
    """How often an unchanged draft is saved again to push its expiry back."""
    return min(DRAFT_REFRESH, ttl / 10)


def mediator_ttl() -> float:
    """A mediator's draft lives the idle time plus two refresh intervals: the server's copy
    is still there when the countdown (counted in the browser from the last interaction,
    while the server counts from the last save) ends, and a closed tab's — which « reopen
    closed tab » could bring back with its key — is deleted soon after."""
    idle = mediator_idle_seconds()
    return idle + 2 * refresh_seconds(idle)
