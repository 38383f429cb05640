"""Capacity, measured: N simulated people go through the interview to their letters against
real `streamlit run assistant/app.py` processes, speaking Streamlit's own WebSocket protocol.

Each person is a WebSocket on `/_stcore/stream` that sends what a browser sends (a
`BackMsg.rerun_script` with the page's `WidgetStates` at each widget change) and reads what
it gets (`ForwardMsg` new_session, delta, navigation, script_finished). The widgets are found
in the deltas by their keys (`q.<question id>`, `nav.next`…); the answers come from a case of
`tests/casegen.py` (dates before today) turned into interview answers by the interview's
own `answers_from_case`, and a radio's option by `options_for`, so nothing about a screen is
written here. The tab component (`pages/tab_key.py`) is answered as a browser tab would,
with its own `sessionStorage`, and each person comes from its own address (an
`X-Forwarded-For` in 198.18.0.0/15, as nginx would forward it: the app bounds new sessions
per address, pages/session_guard.py). A person thinks 5–15 s (uniform; `--think`) before each
action; one who reaches the letters page starts again as a new person.

Per number of people it prints p50/p95 of the time from the widget-change message to the
script's finished message (all runs it caused: the tab's answer included), errors, the
servers' memory and CPU, and the load generator's own CPU; then the knee (the first N with
p95 ≥ 500 ms or an error). Before the series, memory per idle person: (servers' RSS with
100 people connected on the start screen − with none) / 100; then one unmeasured journey per
process (warm-up). `--browsers K` adds K real Chromium pages on the first process, changing
the first question's answer every think time: their click → script-finished time, read from
the page's own script state, confirms the protocol figures (Chromium's CPU is not counted in
the generator's).

    .venv/bin/python bench/load.py                                  # 1 and 2 processes, N = 10 25 50 75 100
    .venv/bin/python bench/load.py --processes 1 --people 10 --duration 60 --browsers 2
    .venv/bin/python bench/load.py --people 1 --think 0 0 --journeys 1   # one person to the letters, fast

Two processes share one store (a temporary MESDROITS_DATA_DIR: SQLite) on two ports; the
people are split between them (what nginx would do; any process serves any person).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.law import interview as iv  # noqa: E402
from tests import appserver  # noqa: E402
from tests.casegen import random_case  # noqa: E402

WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(?P<key>.+)$")   # a keyed widget's element id
QUESTION_KEY = re.compile(r"^q\.(?P<id>.+?)(?P<unknown>\.unknown)?(?:#\d+)?$")   # pages/common.widget_key
WIDGETS = ("button", "radio", "text_input", "text_area", "checkbox", "bidi_component", "download_button")
APP_ERROR = re.compile(r"erreur n°|error no", re.IGNORECASE)   # common.show_unexpected_error
FINISHED = ForwardMsg.ScriptFinishedStatus
AIM_MS = 500.0
ACTION_TIMEOUT = 60.0


class Failure(Exception):
    """Something a person could not do: counted as an error."""


@dataclass
class Stats:
    """What the people of one run saw."""

    times: list[tuple[float, str, float]] = field(default_factory=list)   # (sent at, what, ms)
    errors: list[str] = field(default_factory=list)
    journeys: int = 0


class Person:
    """One browser tab: its WebSocket, the widgets of its last finished run, their values."""

    def __init__(self, url: str, rng: random.Random, think: tuple[float, float], stats: Stats):
        self.url, self.rng, self.think, self.stats = url, rng, think, stats
        self.answers = iv.answers_from_case(random_case(rng, today=dt.date.today()))
        self.ws = None
        self.page_hash = ""
        self.query = ""
        self.widgets: dict[str, tuple[str, object]] = {}   # key → (kind, proto), last finished run
        self.running: dict[str, tuple[str, object]] = {}
        self.values: dict[str, WidgetState] = {}           # element id → its value, as the browser keeps it
        self.storage = ""                                  # the tab's sessionStorage item
        self.answered: Optional[str] = None                # the last session word answered
        self.run_started = 0.0
        self.last_sent = 0.0
        self.settled = asyncio.Event()
        self.reader: Optional[asyncio.Task] = None

    # --- The protocol -------------------------------------------------------------------

    async def open(self) -> None:
        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        # Each person from their own address, as nginx forwards it: the app bounds new
        # sessions per address (pages/session_guard.py), and people come from many.
        address = f"198.18.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"   # a benchmarking range
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=30,
                                           additional_headers={"X-Forwarded-For": address})
        self.reader = asyncio.create_task(self._read())
        await self._send([], "page load")

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
        if self.ws:
            with contextlib.suppress(Exception):
                await self.ws.close()

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                await self._receive(msg)
        except websockets.ConnectionClosed as closed:
            self.stats.errors.append(f"connexion fermée ({closed.code})")
            self.settled.set()

    async def _receive(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":          # sent at the start of every run
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
            self.running, self.run_started = {}, time.perf_counter()
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            await self._element(msg.delta.new_element)
        elif kind == "script_finished":
            if msg.script_finished == FINISHED.FINISHED_SUCCESSFULLY:
                self.widgets = self.running
                if self.last_sent < self.run_started:   # nothing asked since this run began
                    self.settled.set()
            elif msg.script_finished == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                self.stats.errors.append("script en erreur")
                self.settled.set()
        elif kind == "ref_hash":
            self.stats.errors.append("message en cache non demandé")

    async def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception" or (kind == "alert" and APP_ERROR.search(element.alert.body)):
            self.stats.errors.append("erreur de l'application")
        if kind not in WIDGETS:
            return
        proto = getattr(element, kind)
        match = WIDGET_ID.match(proto.id)
        self.running[match["key"] if match else proto.id] = (kind, proto)
        if kind == "bidi_component":
            await self._tab(proto)

    async def _tab(self, proto) -> None:
        """pages/tab_key.py's script, as the browser runs it: hold what Python says (a key,
        "" for none), and say what the tab holds when a new session asks with its word."""
        data = json.loads(proto.json) if proto.json else {}
        if isinstance(data.get("key"), str):
            self.storage = data["key"]
        if data.get("key") is None and data.get("ask") and self.answered != data["ask"]:
            self.answered = data["ask"]
            stored = {"stored": {"ask": data["ask"], "key": self.storage}}
            self.values[proto.id] = WidgetState(id=proto.id, json_value=json.dumps(stored))
            await self._rerun([])

    async def _rerun(self, triggers: list[WidgetState]) -> None:
        current = {proto.id for _kind, proto in {**self.widgets, **self.running}.values()}
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend([v for k, v in self.values.items() if k in current] + triggers)
        self.last_sent = time.perf_counter()
        self.settled.clear()
        await self.ws.send(back.SerializeToString())

    async def _send(self, triggers: list[WidgetState], what: str) -> None:
        """One person's action: the message, then every run it causes, timed."""
        sent = time.perf_counter()
        await self._rerun(triggers)
        try:
            await asyncio.wait_for(self.settled.wait(), ACTION_TIMEOUT)
        except asyncio.TimeoutError:
            raise Failure(f"pas de réponse en {ACTION_TIMEOUT:.0f} s ({what})") from None
        if self.ws.close_code is not None:
            raise Failure("connexion perdue")
        self.stats.times.append((sent, what, (time.perf_counter() - sent) * 1000))

    # --- The person -------------------------------------------------------------------

    async def _pause(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.think))

    async def click(self, key: str, what: str) -> None:
        await self._pause()
        await self._send([WidgetState(id=self.widgets[key][1].id, trigger_value=True)], what)

    async def set(self, proto, value, what: str) -> None:
        await self._pause()
        state = WidgetState(id=proto.id)
        setattr(state, {bool: "bool_value", str: "string_value"}[type(value)], value)
        self.values[proto.id] = state
        await self._send([], what)

    def _wanted(self, kind: str, proto, qid: str, unknown: bool):
        """The value this person gives a question's widget (None: leave it)."""
        question, answer = iv.QUESTIONS.get(qid), self.answers.get(qid)
        if question is None or answer is None:
            return None
        if unknown:
            return answer == iv.UNKNOWN
        if kind == "radio":
            values = [o.value for o in iv.options_for(question, self.answers)]
            return proto.options[values.index(answer)] if answer in values and len(values) == len(proto.options) else None
        if answer == iv.UNKNOWN or getattr(proto, "disabled", False):
            return None
        return iv.date_text(answer) if isinstance(answer, dt.date) else str(answer)

    def _current(self, kind: str, proto):
        state = self.values.get(proto.id)
        if state is not None:
            return getattr(state, state.WhichOneof("value"))
        return False if kind == "checkbox" else None

    def _to_answer(self):
        for key, (kind, proto) in self.widgets.items():
            match = QUESTION_KEY.match(key)
            if match and kind != "button":
                wanted = self._wanted(kind, proto, match["id"], bool(match["unknown"]))
                if wanted is not None and wanted != self._current(kind, proto):
                    return proto, wanted
        return None

    def _unanswerable(self) -> None:
        """A screen that does not let this person on (a question the case leaves open, e.g.
        the commune): choose the first option of every radio left empty, as a person would."""
        for key, (kind, proto) in self.widgets.items():
            match = QUESTION_KEY.match(key)
            if match and kind == "radio" and self._current(kind, proto) is None and match["id"] in iv.QUESTIONS:
                options = iv.options_for(iv.QUESTIONS[match["id"]], self.answers)
                if options:
                    self.answers[match["id"]] = options[0].value

    async def journey(self) -> None:
        """From the start screen to the letters page."""
        await self.open()
        stuck = 0
        while True:
            keys = set(self.widgets)
            if "nav.start" in keys:
                await self.click("nav.start", "commencer")
            elif (todo := self._to_answer()) is not None:
                await self.set(*todo, "réponse")
            elif "nav.next" in keys:
                before = {k for k in keys if k.startswith("q.")}
                await self.click("nav.next", "écran suivant")
                if {k for k in self.widgets if k.startswith("q.")} == before and "nav.next" in self.widgets:
                    stuck += 1
                    if stuck > 2:
                        raise Failure("bloqué sur un écran de questions")
                    self._unanswerable()
                else:
                    stuck = 0
            elif "to_rights" in keys:
                await self.click("to_rights", "vos droits")
            elif "to_letters_top" in keys:
                await self.click("to_letters_top", "vos courriers")
                if not any(kind == "download_button" for kind, _p in self.widgets.values()):
                    raise Failure("page des courriers sans fichier")
                self.stats.journeys += 1
                return
            else:
                raise Failure("écran inconnu : " + ", ".join(sorted(keys))[:200])


async def person_loop(url: str, seed: int, think: tuple[float, float], stats: Stats, start_delay: float,
                      journeys: Optional[int]) -> None:
    """A chair in front of a screen: one person after another, until cancelled."""
    rng = random.Random(seed)
    await asyncio.sleep(start_delay)
    done = 0
    while journeys is None or done < journeys:
        person = Person(url, rng, think, stats)
        try:
            await person.journey()
        except Failure as failure:
            stats.errors.append(str(failure))
        except (OSError, websockets.WebSocketException) as error:
            stats.errors.append(f"connexion : {type(error).__name__}")
            await asyncio.sleep(1)
        finally:
            await person.close()
        done += 1


# --- Servers ------------------------------------------------------------------------------


def start_servers(count: int, data_dir: str, log_dir: Path) -> tuple[list[subprocess.Popen], list[str]]:
    """`count` app processes on one store (SQLite in `data_dir`), migrated once before."""
    env = {**os.environ, "MESDROITS_DATA_DIR": data_dir, "MESDROITS_LOG": "off"}
    subprocess.run([sys.executable, "-m", "assistant", "migrate"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    ports = [appserver.free_port() for _ in range(count)]
    processes = [appserver.launch(port, env=env, output=log_dir / f"streamlit-{index}.log")
                 for index, port in enumerate(ports)]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for process, url in zip(processes, urls):
            appserver.wait_healthy(process, url)
    except appserver.DidNotStart:
        stop_servers(processes)
        raise SystemExit(f"streamlit did not start: see {log_dir}")
    return processes, urls


def stop_servers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        appserver.stop(process)


def tree(pid: int) -> list[int]:
    """A process and its descendants (e.g. a LibreOffice started by the app)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in (p for root in pids for p in tree(root)):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in (p for root in pids for p in tree(root)):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


# --- Real browsers alongside ----------------------------------------------------------------

# The run a click causes: the app root's script state goes to running, then back (test_browser.IDLE).
CLICK_TO_FINISHED = """(label) => new Promise((resolve) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const t0 = performance.now();
  let ran = false;
  const watch = new MutationObserver(() => {
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running' || state === 'rerunRequested') ran = true;
    else if (ran) { watch.disconnect(); resolve(performance.now() - t0); }
  });
  watch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  [...document.querySelectorAll('[data-testid="stRadio"] label')].find((l) => l.textContent.includes(label)).click();
})"""


async def browsers(url: str, count: int, think: tuple[float, float], times: list[float], errors: list[str]) -> None:
    """`count` Chromium pages on the first question, changing its answer every think time."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])

        async def one(seed: int) -> None:
            rng = random.Random(seed)
            page = await (await chromium.new_context(locale="fr-FR")).new_page()
            await page.goto(url)
            await page.get_by_role("button", name="Commencer →").click()
            await page.get_by_text("Étape 1 sur").wait_for(timeout=60_000)
            labels = ("La CAF", "La MSA")
            turn = 0
            while True:
                await asyncio.sleep(rng.uniform(*think))
                try:
                    times.append(await asyncio.wait_for(page.evaluate(CLICK_TO_FINISHED, labels[turn % 2]), ACTION_TIMEOUT))
                except Exception as error:   # the page itself failed: report it, go on
                    errors.append(f"navigateur : {type(error).__name__}")
                turn += 1

        try:
            await asyncio.gather(*(one(i) for i in range(count)))
        finally:
            await chromium.close()


# --- One run, the series --------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def idle_memory(urls: list[str], pids: list[int], count: int = 100) -> tuple[float, float, float]:
    """Servers' RSS with no one, then with `count` people on the start screen (MB). On fresh
    servers that showed the start screen once (its modules imported): a server that made
    letters has freed memory that sessions would reuse unseen."""
    stats = Stats()
    for url in urls:
        person = Person(url, random.Random(0), (0, 0), stats)
        await person.open()
        await person.close()
    await asyncio.sleep(3)
    before = rss_mb(pids)
    people = [Person(urls[i % len(urls)], random.Random(i), (0, 0), stats) for i in range(count)]
    for start in range(0, count, 10):   # ten at a time, as a crowd arriving, not one burst
        await asyncio.gather(*(p.open() for p in people[start:start + 10]))
    await asyncio.sleep(5)
    after = rss_mb(pids)
    for person in people:
        await person.close()
    return before, after, (after - before) / count


async def one_run(urls: list[str], pids: list[int], people: int, think: tuple[float, float], ramp: float,
                  duration: float, seed: int, browser_pages: int, journeys: Optional[int]) -> dict:
    stats = Stats()
    browser_times: list[float] = []
    tasks = [asyncio.create_task(person_loop(urls[i % len(urls)], seed + i, think, stats,
                                             random.uniform(0, min(ramp, think[1])), journeys))
             for i in range(people)]
    if browser_pages:
        tasks.append(asyncio.create_task(browsers(urls[0], browser_pages, think, browser_times, stats.errors)))
    own_cpu, server_cpu, start = time.process_time(), cpu_seconds(pids), time.perf_counter()
    measure_from = start + ramp
    peak = 0.0
    while time.perf_counter() < measure_from + duration:
        if journeys is not None and all(t.done() for t in tasks[:people]):
            break
        await asyncio.sleep(1)
        peak = max(peak, rss_mb(pids))
    wall = time.perf_counter() - start
    for task in tasks:
        task.cancel()
    await asyncio.wait(tasks, timeout=30)   # closing handshakes; a stuck one is left behind
    kept = [ms for sent, _what, ms in stats.times if journeys is not None or sent >= measure_from]
    letters = [ms for _sent, what, ms in stats.times if what == "vos courriers"]
    return {
        "people": people, "actions": len(kept), "p50": percentile(kept, 50), "p95": percentile(kept, 95),
        "max": max(kept, default=float("nan")), "errors": len(stats.errors), "error_kinds": sorted(set(stats.errors)),
        "journeys": stats.journeys, "letters_p50": percentile(letters, 50), "rss_mb": peak,
        "server_cpu": (cpu_seconds(pids) - server_cpu) / wall * 100, "own_cpu": (time.process_time() - own_cpu) / wall * 100,
        "browser_p50": percentile(browser_times, 50), "browser_p95": percentile(browser_times, 95),
        "browser_clicks": len(browser_times), "load": os.getloadavg()[0],
        "by_action": {what: (len(ms), percentile(ms, 50), percentile(ms, 95)) for what in dict.fromkeys(w for _s, w, _m in stats.times)
                      if (ms := [m for sent, w2, m in stats.times if w2 == what and (journeys is not None or sent >= measure_from)])},
    }


def line(processes: int, r: dict) -> str:
    text = (f"processes={processes} people={r['people']:>3}  actions={r['actions']:>5}  p50={r['p50']:7.0f} ms"
            f"  p95={r['p95']:7.0f} ms  max={r['max']:7.0f} ms  errors={r['errors']}  journeys={r['journeys']}"
            f"  letters_p50={r['letters_p50']:.0f} ms  server_rss={r['rss_mb']:.0f} MB  server_cpu={r['server_cpu']:.0f}%"
            f"  generator_cpu={r['own_cpu']:.0f}%  load1={r['load']:.2f}")
    if r["browser_clicks"]:
        text += f"  chromium_p50={r['browser_p50']:.0f} ms chromium_p95={r['browser_p95']:.0f} ms ({r['browser_clicks']} clicks)"
    if r["error_kinds"]:
        text += "  [" + "; ".join(r["error_kinds"])[:300] + "]"
    return text


async def main_async(args: argparse.Namespace) -> int:
    think = (args.think[0], args.think[1])
    knees = []
    for processes in args.processes:
        with tempfile.TemporaryDirectory(prefix="mesdroits-load-") as data_dir:
            log_dir = Path(data_dir)
            servers, urls = start_servers(processes, data_dir, log_dir)
            pids = [p.pid for p in servers]
            try:
                print(f"# {processes} app process(es) {' '.join(urls)}; think {think[0]:g}–{think[1]:g} s; "
                      f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f} at start", flush=True)
                if args.idle:
                    before, after, per = await idle_memory(urls, pids, args.idle)
                    print(f"processes={processes} idle: server_rss {before:.0f} MB with none, {after:.0f} MB with "
                          f"{args.idle} idle people: {per * 1024:.0f} kB per idle person (aim < 2048 kB)  "
                          f"load1={os.getloadavg()[0]:.2f}", flush=True)
                if args.journeys is None:   # warm-up (not measured): every page, letters made once
                    await asyncio.gather(*(person_loop(url, 0, (0, 0), Stats(), 0, 1) for url in urls))
                knee = None
                for people in args.people:
                    result = await one_run(urls, pids, people, think, args.ramp, args.duration, args.seed,
                                           args.browsers, args.journeys)
                    print(line(processes, result), flush=True)
                    if args.verbose:
                        print("    " + "  ".join(f"{what}: n={n} p50={p50:.0f} p95={p95:.0f} ms"
                                                 for what, (n, p50, p95) in result["by_action"].items()), flush=True)
                    if knee is None and (result["p95"] >= AIM_MS or result["errors"]):
                        knee = people
                knees.append((processes, knee))
            finally:
                stop_servers(servers)
    for processes, knee in knees:
        print(f"processes={processes} knee: " + (f"N={knee} (first N with p95 ≥ {AIM_MS:.0f} ms or an error)"
                                                  if knee else f"none up to N={max(args.people)}"))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2], help="app processes, one series each")
    parser.add_argument("--people", type=int, nargs="+", default=[10, 25, 50, 75, 100])
    parser.add_argument("--think", type=float, nargs=2, default=[5.0, 15.0], metavar=("MIN", "MAX"),
                        help="seconds a person waits before each action (uniform)")
    parser.add_argument("--ramp", type=float, default=15.0, help="seconds of arrivals before measuring")
    parser.add_argument("--duration", type=float, default=90.0, help="seconds measured per N")
    parser.add_argument("--idle", type=int, default=100, help="idle people for the memory figure (0: skip)")
    parser.add_argument("--browsers", type=int, default=0, help="real Chromium pages alongside (server 1)")
    parser.add_argument("--journeys", type=int, default=None,
                        help="each person goes this many times to the letters, then stops (no time window)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="also p50/p95 by kind of action")
    args = parser.parse_args()
    if args.journeys is not None:
        args.ramp = 0.0
        args.duration = 3600.0
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
