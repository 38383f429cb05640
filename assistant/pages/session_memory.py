"""The page side of the in-progress answers: a random key per person, and the drafts of the
store's database (`assistant/casefiles/drafts.py`) that every app process reaches.

A reload, a brief connection loss, or a reconnection to another process (this one may have
died) starts a new Streamlit session: it finds its answers again by the key, which the page
carries (today in its URL, `common.PARAM_KEY`: only `common.restore_session` and
`common.persist_session` know how it travels). The database holds the answers sealed and
under a digest of the key, never the key; a draft is deleted `ttl` seconds after its last
save (two hours unless `MESDROITS_MEMORY_HOURS` says otherwise), by « Terminer et effacer »,
or by the purge.
"""

from __future__ import annotations

import secrets
import threading
from typing import Optional

from assistant.casefiles.drafts import DEFAULT_HOURS, Drafts, ttl_from_environment  # noqa: F401 (re-exported)
from assistant.casefiles.service import open_store

KEY_BYTES = 24           # 192 random bits: a key cannot be guessed

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
