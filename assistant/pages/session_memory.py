"""Answers kept in the server's memory for a limited time, under a random key.

A reload or a brief connection loss starts a new Streamlit session: the page finds its
answers again through the key in its URL. Nothing is written to disk; an entry is
forgotten `ttl` seconds after its last save (two hours unless `MESDROITS_MEMORY_HOURS`
says otherwise), when « Terminer et effacer » deletes it, or when the server stops.
"""

from __future__ import annotations

import copy
import os
import secrets
import threading
import time
from collections import OrderedDict
from typing import Callable, Optional

DEFAULT_HOURS = 2.0
KEY_BYTES = 24           # 192 random bits: a key cannot be guessed
MAX_ENTRIES = 5000       # a flood of new sessions cannot exhaust the server's memory


def ttl_from_environment() -> float:
    """Seconds an entry lives after its last save (`MESDROITS_MEMORY_HOURS`, default 2)."""
    raw = os.environ.get("MESDROITS_MEMORY_HOURS", "")
    try:
        hours = float(raw.replace(",", ".")) if raw.strip() else DEFAULT_HOURS
    except ValueError:
        hours = DEFAULT_HOURS
    return max(hours, 0.0) * 3600


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


class MemoryStore:
    """Snapshots of sessions by key, each dropped `ttl` seconds after it was last saved."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic, max_entries: int = MAX_ENTRIES):
        self.ttl = ttl
        self._clock = clock
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def hours(self) -> float:
        return self.ttl / 3600

    def save(self, key: str, snapshot: dict) -> None:
        """Keep a copy of `snapshot` (later changes to it are not seen) and restart its clock."""
        data = copy.deepcopy(snapshot)
        with self._lock:
            self._sweep()
            self._entries.pop(key, None)
            self._entries[key] = (self._clock() + self.ttl, data)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def load(self, key: Optional[str]) -> Optional[dict]:
        """A copy of the snapshot saved under `key`, or None once expired or deleted."""
        if not key:
            return None
        with self._lock:
            self._sweep()
            entry = self._entries.get(key)
            return copy.deepcopy(entry[1]) if entry else None

    def delete(self, key: Optional[str]) -> None:
        with self._lock:
            self._entries.pop(key or "", None)

    def __len__(self) -> int:
        with self._lock:
            self._sweep()
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.load(key) is not None

    def _sweep(self) -> None:
        # Entries are ordered by last save, so expired ones are at the front.
        now = self._clock()
        while self._entries:
            key, (expires, _data) = next(iter(self._entries.items()))
            if expires > now:
                break
            del self._entries[key]


# The store of this server process, shared by every browser session (each only knows
# its own key).
STORE = MemoryStore(ttl_from_environment())
