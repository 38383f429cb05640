"""What a closed tab leaves on the server, released after a bounded time.

Streamlit keeps a closed tab's session `server.disconnectedSessionTTL` seconds (120 by
default) so that a short disconnection can resume it, then drops it without shutting it
down (upstream issue streamlit/streamlit#12506). Its download files then stay served at
`/media/<id>` to anyone holding the address (a browser's download history, a proxy log),
and its uploaded files stay in memory, as long as the process runs. A background thread
releases both once a session has been gone longer than that TTL: the address answers 404
at most `TTL + 3 × period` seconds after the tab closed (150 s with the defaults).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

_LOG = logging.getLogger(__name__)
MAX_PERIOD = 10.0   # seconds between two sweeps on a real server


class ClosedTabs:
    """Releases the download and uploaded files of sessions gone for longer than `grace`."""

    def __init__(self, runtime: Any, grace: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._runtime = runtime
        self._grace = grace
        self._clock = clock
        self._gone_since: dict[str, float] = {}

    def _sessions_holding_files(self) -> set[str]:
        # Streamlit offers no list of them: read its two registries under their own locks.
        media = self._runtime.media_file_mgr
        uploads = self._runtime.uploaded_file_mgr
        with media._lock:
            holding = set(media._files_by_session_and_coord)
        with uploads._lock:
            holding |= set(uploads.file_storage)
        return holding

    def sweep(self) -> list[str]:
        """One pass; returns the sessions whose files were released."""
        now = self._clock()
        holding = self._sessions_holding_files()
        released = []
        for session_id in holding:
            if self._runtime.is_active_session(session_id):
                self._gone_since.pop(session_id, None)
            elif now - self._gone_since.setdefault(session_id, now) >= self._grace:
                self._runtime.media_file_mgr.clear_session_refs(session_id)
                self._runtime.uploaded_file_mgr.remove_session_files(session_id)
                released.append(session_id)
        for session_id in set(self._gone_since) - (holding - set(released)):
            del self._gone_since[session_id]
        # Deletes what no session references any more; a download file is only marked the
        # first time (so that a click racing a rerun still gets it) and deleted the next.
        self._runtime.media_file_mgr.remove_orphaned_files()
        return released


def period_for(grace: float) -> float:
    """Short enough for the bound to stay close to `grace`, from 1 to 10 seconds."""
    return min(MAX_PERIOD, max(1.0, grace / 4))


def start() -> bool:
    """Start the sweeping thread on a real server; False where there is none (AppTest)."""
    from streamlit import config
    from streamlit.runtime import Runtime

    if not Runtime.exists() or type(Runtime.instance()) is not Runtime:
        return False
    grace = float(config.get_option("server.disconnectedSessionTTL"))
    tabs = ClosedTabs(Runtime.instance(), grace)
    period = period_for(grace)

    def loop() -> None:
        while True:
            time.sleep(period)
            try:
                tabs.sweep()
            except Exception:  # a Streamlit upgrade changed its internals: say it, keep serving
                _LOG.exception("closed_tabs: sweep failed")

    threading.Thread(target=loop, name="mesdroits-closed-tabs", daemon=True).start()
    return True
