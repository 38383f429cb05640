"""Sessions created to exhaust memory (issue 19, « Bad input and faults »): new Streamlit
sessions bounded per source and per minute, at most MESDROITS_MAX_SESSIONS in a process,
only sessions without answers closed (assistant/pages/session_guard.py). The policy alone,
then a real `streamlit run` flooded through Streamlit's own WebSocket protocol."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import time
from pathlib import Path

import pytest

from assistant.pages.session_guard import REFUSED_GRACE, Rates, Seen, decide, source
from tests import appserver


# --- The policy -----------------------------------------------------------------------------


def seen(id: str, where: str = "a", at: float = 0.0, holds: bool = False, refused_at=None) -> Seen:
    return Seen(id, where, at, holds, refused_at)


def test_under_the_cap_nothing_is_closed() -> None:
    decision = decide([seen("1"), seen("2", holds=True)], cap=2, now=10, new="2")
    assert decision.close == () and decision.release == () and not decision.refuse_new


def test_over_the_cap_the_busiest_sources_oldest_empty_sessions_go_first() -> None:
    sessions = [seen("person", "office", 1), seen("flood-1", "bot", 2), seen("flood-2", "bot", 3),
                seen("flood-3", "bot", 4), seen("answers", "bot", 0, holds=True), seen("new", "bot", 5)]
    decision = decide(sessions, cap=4, now=10, new="new")
    assert decision.close == ("flood-1", "flood-2") and not decision.refuse_new


def test_a_session_with_answers_is_never_closed_the_new_one_is_refused_instead() -> None:
    sessions = [seen(f"answers-{i}", holds=True, at=i) for i in range(3)] + [seen("empty", at=5), seen("new", at=9)]
    decision = decide(sessions, cap=3, now=10, new="new")
    assert decision.close == ("empty",) and decision.refuse_new
    assert decide(sessions[:3] + [sessions[4]], cap=3, now=10, new="new").close == ()


def test_a_refused_session_is_released_once_its_page_is_shown() -> None:
    sessions = [seen("refused", refused_at=5.0), seen("other")]
    assert decide(sessions, cap=10, now=5.0 + REFUSED_GRACE / 2).release == ()
    assert decide(sessions, cap=10, now=5.0 + REFUSED_GRACE).release == ("refused",)


def test_new_sessions_per_source_and_minute() -> None:
    rates = Rates()
    assert all(rates.allow("198.51.100.7", now=t, limit=3) for t in (0, 1, 2))
    assert not rates.allow("198.51.100.7", now=3, limit=3)          # a fourth in the minute
    assert rates.allow("203.0.113.5", now=3, limit=3)               # another address is not held up
    assert rates.allow("198.51.100.7", now=61, limit=3)             # a minute later


@pytest.mark.parametrize("peer, forwarded, expected", [
    ("203.0.113.5", None, "203.0.113.5"),
    ("127.0.0.1", "198.51.100.7", "198.51.100.7"),                 # behind nginx
    ("10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),         # the entry nginx appended, not the client's
    ("93.184.216.34", "1.2.3.4", "93.184.216.34"),                 # a public peer cannot choose its source
    (None, None, "local"),
])
def test_the_source_of_a_connection(peer, forwarded, expected) -> None:
    assert source(peer, forwarded) == expected


def test_this_machine_without_a_proxy_has_no_rate_only_the_cap() -> None:
    from assistant.pages.session_guard import this_machine

    assert this_machine(None, None) and this_machine("127.0.0.1", None) and this_machine("::1", None)
    assert not this_machine("127.0.0.1", "198.51.100.7") and not this_machine("10.0.0.2", None)


# --- A real server, flooded ------------------------------------------------------------------

CAP = 8
PER_MINUTE = 20
FLOOD = 60
BATCH = 20
WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(?P<key>.+)$")   # a keyed widget's element id


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def refused(tab: "Tab") -> bool:
    return any("Trop de connexions" in text for text in tab.texts)


class Tab:
    """A browser tab in Streamlit's protocol (as bench/load.py, in short): a WebSocket on
    /_stcore/stream, a rerun message per action, the widgets of the last finished run; the
    tab component (pages/tab_key.py) answered with an empty sessionStorage."""

    def __init__(self, url: str, address: str = "198.51.100.7") -> None:
        self.url = url.replace("http", "ws", 1) + "/_stcore/stream"
        self.address = address            # as nginx would say it (X-Forwarded-For)
        self.ws = None
        self.page_hash, self.query = "", ""
        self.widgets: dict[str, object] = {}
        self.running: dict[str, object] = {}
        self.values: dict[str, object] = {}
        self.texts: list[str] = []
        self.ever: set[str] = set()       # every widget key of every finished run
        self.finished = asyncio.Event()
        self.reader = None

    async def open(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=30,
                                           additional_headers={"X-Forwarded-For": self.address})
        self.reader = asyncio.create_task(self._read())
        await self.rerun([])

    async def _read(self) -> None:
        import websockets
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                await self._receive(msg)
        self.finished.set()

    async def _receive(self, msg) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
            self.running = {}
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "alert":
                self.texts.append(element.alert.body)
            elif which == "heading":
                self.texts.append(element.heading.body)
            elif which in ("button", "radio", "bidi_component"):
                proto = getattr(element, which)
                match = WIDGET_ID.match(proto.id)
                self.running[match["key"] if match else proto.id] = proto
                if which == "bidi_component":
                    data = json.loads(proto.json) if proto.json else {}
                    if "key" in data and proto.id not in self.values:
                        self.values[proto.id] = WidgetState(id=proto.id, json_value=json.dumps({"stored": ""}))
                        await self.rerun([])
        elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.widgets = self.running
            self.ever |= set(self.running)
            self.finished.set()

    async def rerun(self, triggers: list) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        back = BackMsg()
        back.rerun_script.query_string = self.query
        back.rerun_script.page_script_hash = self.page_hash
        back.rerun_script.widget_states.widgets.extend(list(self.values.values()) + triggers)
        self.finished.clear()
        await self.ws.send(back.SerializeToString())

    async def settle(self, seconds: float = 20) -> None:
        """Until a run finishes and no other follows within half a second (the tab's answer)."""
        await asyncio.wait_for(self.finished.wait(), seconds)
        while True:
            await asyncio.sleep(0.5)
            if self.finished.is_set() or self.closed:
                return
            await asyncio.wait_for(self.finished.wait(), seconds)

    @property
    def closed(self) -> bool:
        return self.ws.close_code is not None


@pytest.mark.slow
def test_a_flood_of_sessions_keeps_memory_bounded_and_answers(tmp_path) -> None:
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    port = appserver.free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    env = {**os.environ, "MESDROITS_DATA_DIR": str(tmp_path / "data"), "MESDROITS_MAX_SESSIONS": str(CAP),
           "MESDROITS_NEW_SESSIONS_PER_MINUTE": str(PER_MINUTE), "MESDROITS_LOG": str(log), "DATABASE_URL": ""}
    env.pop("MESDROITS_SHOW_ERRORS", None)
    server = appserver.launch(port, env=env, output=tmp_path / "stderr")
    try:
        try:
            appserver.wait_healthy(server, url)
        except appserver.DidNotStart:
            pytest.fail((tmp_path / "stderr").read_text())

        async def scenario() -> dict:
            person = Tab(url, "203.0.113.20")    # someone who answered a question, from elsewhere
            await person.open()
            await person.settle()
            await person.rerun([WidgetState(id=person.widgets["nav.start"].id, trigger_value=True)])
            await person.settle()
            question = next(proto for key, proto in person.widgets.items() if key.startswith("q.") and hasattr(proto, "options") and proto.options)
            person.values[question.id] = WidgetState(id=question.id, string_value=question.options[0])
            await person.rerun([])
            await person.settle()
            before = rss_mb(server.pid)

            flood: list[Tab] = []
            started = time.monotonic()
            for batch in range(0, FLOOD, BATCH):   # BATCH connections at a time, each left open
                tabs = [Tab(url) for _ in range(BATCH)]
                await asyncio.gather(*(t.open() for t in tabs))
                await asyncio.gather(*(t.settle(8) for t in tabs), return_exceptions=True)
                flood += tabs
            await asyncio.sleep(2 * REFUSED_GRACE + 1)      # the watchdog releases the refusals
            after = rss_mb(server.pid)

            await person.rerun([])                           # the person clicks again
            await person.settle()
            result = {
                "flood_seconds": time.monotonic() - started, "before": before, "after": after,
                "closed": sum(t.closed for t in flood),
                "refused": sum(refused(t) for t in flood),
                "admitted": sum("nav.start" in t.ever for t in flood),
                "live": sum(not t.closed and not refused(t) for t in flood),
                "person_open": not person.closed, "person_keys": set(person.widgets),
            }
            for t in flood + [person]:
                with contextlib.suppress(Exception):
                    await t.ws.close()
            return result

        result = asyncio.run(asyncio.wait_for(scenario(), 120))
    finally:
        appserver.stop(server)
    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    evicted = sum(r.get("rows", 0) for r in records if r["event"] == "sessions_evicted")
    print(f"\n{FLOOD} sessions in {result['flood_seconds']:.1f} s: RSS {result['before']:.0f} → "
          f"{result['after']:.0f} MB; {result['admitted']} admitted, {result['refused']} refused (rate or cap), "
          f"{evicted} closed by the cap, {result['live']} left")
    # The rate: at most PER_MINUTE new sessions from this address within the minute got the
    # app; the others a French refusal page (or were closed before they ran).
    assert result["admitted"] <= PER_MINUTE * math.ceil(result["flood_seconds"] / 60)
    assert result["refused"] >= 1
    # The cap: past it, sessions without answers are closed, their sockets too.
    assert evicted >= PER_MINUTE - CAP and result["closed"] >= PER_MINUTE - CAP
    # The person with an answer was never closed, and is still on the questions.
    assert result["person_open"] and "nav.start" not in result["person_keys"]
    assert any(key.startswith("q.") for key in result["person_keys"])
    assert not [r for r in records if r["level"] == "error"], records
    assert result["after"] - result["before"] < 50, result
