"""Sessions a flood cannot multiply until the server runs out of memory (issue 19, « Bad
input and faults »): each browser tab is a Streamlit session held in this process's memory.

- New sessions are bounded per source (the client's address, as the sign-in counter reads
  it: `source`) and per minute: past `MESDROITS_NEW_SESSIONS_PER_MINUTE` (default 60) the
  new session gets a French « trop de connexions » page, and is released once shown. This
  machine's own connections without a proxy (`make run`, the tests, `bench/load.py`) have
  no rate, only the cap.
- This process holds at most `MESDROITS_MAX_SESSIONS` (default 2,000) sessions. Past it,
  sessions that hold nothing (no answer, no key to a draft, nobody signed in) are closed,
  the busiest source's first, then the oldest; a session that holds answers is never
  closed — if nothing else can go, the new session is refused instead.
- Answers in the store (drafts) are never dropped here: their own cap refuses a new one,
  never evicts one (`casefiles/drafts.py`).

The choice is a pure function (`decide`), tested alone; `admit` (called first by every run
of `app.py`) and a watchdog thread (for connections that never run the script) apply it
through Streamlit's session manager.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

import streamlit as st

from assistant.casefiles.accounts import LOCAL_SOURCE
from assistant.core import logs
from assistant.core.i18n import _
from assistant.pages import faults
from assistant.pages.common import ANSWERS, MEMORY_KEY, MEMORY_RETRY, PRO_KEYS

# A Streamlit session on the start screen measured ~0.3 MB of server memory (20 WebSocket
# clients as in tests/test_faults_sessions.py: +6 MB RSS): 2,000 of them stay under 1 GB,
# and 2,000 people at once is far beyond what one process serves (README, capacity).
DEFAULT_MAX_SESSIONS = 2000
DEFAULT_NEW_PER_MINUTE = 60     # a France Services office is one address: many reloads a minute
REFUSED_GRACE = 2.0             # seconds for a refusal page to reach its browser before release
WATCH_EVERY = 2.0
HOLDS = (ANSWERS, MEMORY_KEY, MEMORY_RETRY, PRO_KEYS[0])   # what makes a session worth keeping


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def max_sessions() -> int:
    return _setting("MESDROITS_MAX_SESSIONS", DEFAULT_MAX_SESSIONS)


def new_per_minute() -> int:
    return _setting("MESDROITS_NEW_SESSIONS_PER_MINUTE", DEFAULT_NEW_PER_MINUTE)


def source(peer: Optional[str], forwarded: Optional[str]) -> str:
    """Where a connection comes from: behind the proxy (a loopback or private peer), the
    address nginx saw — the last X-Forwarded-For entry, the one it appended; those before it
    are whatever the client sent — else the peer's own address, else "local"."""
    entries = [part.strip() for part in (forwarded or "").split(",") if part.strip()]
    try:
        proxied = peer is None or ipaddress.ip_address(peer).is_private
    except ValueError:
        proxied = False
    if entries and proxied:
        return entries[-1]
    return peer or LOCAL_SOURCE


# --- The policy ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Seen:
    """One session as the guard sees it."""

    id: str
    source: str
    connected: float          # monotonic seconds
    holds: bool               # answers, a draft's key, a signed-in professional
    refused_at: Optional[float] = None


@dataclass(frozen=True)
class Decision:
    close: tuple[str, ...]    # sessions to close (their browser reconnects to a fresh one)
    release: tuple[str, ...]  # refused sessions whose page was shown: freed, their page left as is
    refuse_new: bool          # the new session cannot stay: nothing else could go


def decide(sessions: Sequence[Seen], cap: int, now: float, new: Optional[str] = None) -> Decision:
    """Which sessions go so that at most `cap` remain. A session that holds something is never
    chosen; among the others the busiest source's go first, oldest first (a flood from one
    address does not push out the people of others). `new` is the session being admitted:
    refused (and released later) when only sessions that hold answers would remain."""
    release = tuple(s.id for s in sessions if s.refused_at is not None and now - s.refused_at >= REFUSED_GRACE)
    live = [s for s in sessions if s.id not in release]
    over = len(live) - cap
    if over <= 0:
        return Decision((), release, False)
    per_source = Counter(s.source for s in live)
    candidates = sorted((s for s in live if not s.holds and s.id != new and s.refused_at is None),
                        key=lambda s: (-per_source[s.source], s.connected))
    close = tuple(s.id for s in candidates[:over])
    return Decision(close, release, new is not None and len(close) < over)


class Rates:
    """New sessions per source over the last minute (this process's memory only)."""

    def __init__(self) -> None:
        self._starts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, where: str, now: float, limit: int) -> bool:
        with self._lock:
            for old in [s for s, times in self._starts.items() if times and now - times[-1] > 60]:
                del self._starts[old]
            times = self._starts.setdefault(where, deque())
            while times and now - times[0] > 60:
                times.popleft()
            if len(times) >= limit:
                return False
            times.append(now)
            return True


# --- Applying it to this process's sessions ---------------------------------------------------

_RATES = Rates()
_ADMITTED: set[str] = set()
_REFUSED: dict[str, float] = {}
_CLOSING: set[str] = set()     # asked of the event loop, not yet done
_LOCK = threading.Lock()
_WATCHDOG: Optional[threading.Thread] = None


def this_machine(peer: Optional[str], forwarded: Optional[str]) -> bool:
    """A connection from this machine itself, not through the proxy (`make run`, the tests,
    `bench/load.py`): no per-source rate (Streamlit reports loopback as no address)."""
    if forwarded:
        return False
    try:
        return peer is None or ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False


def _runtime() -> Any:
    """Streamlit's server runtime, None without a server (streamlit.testing's stand-in)."""
    from streamlit.runtime import Runtime

    runtime = Runtime.instance() if Runtime.exists() else None
    return runtime if type(runtime) is Runtime else None


def _holds(session: Any) -> bool:
    """Read from another session's state without its lock: when in doubt, it holds something."""
    try:
        state = session.session_state
        return any(key in state and bool(state[key]) for key in HOLDS)
    except Exception:
        return True


def _client_source(client: Any) -> str:
    context = getattr(client, "client_context", None)
    if context is None:
        return LOCAL_SOURCE
    headers = {name.lower(): value for name, value in context.headers}
    return source(context.remote_ip, headers.get("x-forwarded-for"))


def _seen(runtime: Any, now: float) -> list[Seen]:
    manager = runtime._session_mgr
    connected = getattr(manager, "_session_connect_times", {})   # Streamlit keeps when each came
    return [Seen(info.session.id, _client_source(info.client), connected.get(info.session.id, now),
                 _holds(info.session), _REFUSED.get(info.session.id))
            for info in manager.list_active_sessions() if info.session.id not in _CLOSING]


def _close(runtime: Any, ids: Iterable[str], keep_page: bool) -> None:
    """Close sessions on Streamlit's event loop (its session manager is not thread-safe). A
    closed session's WebSocket is closed too, so that its browser reconnects to a fresh
    session; a refused one's is left open, so that its page keeps saying why."""
    ids = list(ids)
    if not ids:
        return
    loop = runtime._get_async_objs().eventloop
    _CLOSING.update(ids)

    def close() -> None:
        for session_id in ids:
            info = runtime._session_mgr.get_active_session_info(session_id)
            _REFUSED.pop(session_id, None)
            _ADMITTED.discard(session_id)
            _CLOSING.discard(session_id)
            if info is None:
                continue
            runtime.close_session(session_id)
            socket = getattr(info.client, "_websocket", None)
            if socket is not None and not keep_page:
                asyncio.ensure_future(_hang_up(socket))

    loop.call_soon_threadsafe(close)


async def _hang_up(socket: Any) -> None:
    """Close a WebSocket (« going away »): its browser reconnects to a fresh session. One
    already closing is left alone."""
    try:
        await socket.close(code=1001)
    except Exception:
        pass


def enforce(new: Optional[str] = None) -> bool:
    """Apply `decide` now; False when `new` must be refused."""
    runtime = _runtime()
    if runtime is None:
        return True
    with _LOCK:
        now = time.monotonic()
        seen = _seen(runtime, now)
        active = {s.id for s in seen}
        _ADMITTED.intersection_update(active)
        for gone in set(_REFUSED) - active:
            del _REFUSED[gone]
        decision = decide(seen, max_sessions(), now, new)
        if decision.close:
            logs.event("sessions_evicted", source="guard", rows=len(decision.close))
        _close(runtime, decision.close, keep_page=False)
        _close(runtime, decision.release, keep_page=True)
        return not decision.refuse_new


def _watch() -> None:
    while True:
        time.sleep(WATCH_EVERY)
        try:
            enforce()
        except Exception as error:   # never let the watchdog die silently
            logs.error("guard_failed", error, source="guard")


def _start_watchdog() -> None:
    global _WATCHDOG
    with _LOCK:
        if _WATCHDOG is None:
            _WATCHDOG = threading.Thread(target=_watch, name="mesdroits-session-guard", daemon=True)
            _WATCHDOG.start()


def _refuse(session_id: str, message: str) -> None:
    with _LOCK:
        _REFUSED[session_id] = time.monotonic()
    st.title(_("Trop de connexions"), anchor=False)
    st.warning(message, icon=":material/hourglass_top:")
    st.stop()


def admit() -> None:
    """First thing of every run: a new session is admitted (or gets the refusal page and the
    run stops), and the place for a fault notice is kept at the top of the page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    runtime, ctx = _runtime(), get_script_run_ctx()
    if runtime is not None and ctx is not None and ctx.session_id not in _ADMITTED:
        _start_watchdog()
        if ctx.session_id in _REFUSED:
            _refuse(ctx.session_id, _("Trop de connexions en ce moment : réessayez dans une minute en rechargeant la page."))
        forwarded = st.context.headers.get("X-Forwarded-For")
        where = source(st.context.ip_address, forwarded)
        if not this_machine(st.context.ip_address, forwarded) and not _RATES.allow(where, time.monotonic(), new_per_minute()):
            logs.event("session_refused_rate", source="guard")
            _refuse(ctx.session_id, _("Trop de connexions depuis votre réseau en ce moment : réessayez dans une minute en rechargeant la page. Vos réponses déjà enregistrées ne sont pas perdues."))
        if not enforce(new=ctx.session_id):
            logs.event("session_refused_full", source="guard")
            _refuse(ctx.session_id, _("Le service accueille trop de personnes en ce moment : réessayez dans quelques minutes en rechargeant la page. Vos réponses déjà enregistrées ne sont pas perdues."))
        _ADMITTED.add(ctx.session_id)
    faults.open_slot()
