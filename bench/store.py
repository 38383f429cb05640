"""Store speed on SQLite and on PostgreSQL: the dashboard over 100,000 cases, and the write
throughput of 20 concurrent writers on one case.

Prints per database: the dashboard query (first page of 50 + the counts per bucket, names
opened) as the median of 7 runs for one organisation holding all the cases, then for one
of ten organisations; and the writes per second of 10 threads + 10 processes recording
letters and answers on the same case for a few seconds. Aim (issue 11): dashboard under
200 ms on both.
Usage: python bench/store.py [CASES]   (default: 100000)
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("MESDROITS_DATA_DIR"):   # not "mesdroits-…": the PDF engine's transient prefix
    os.environ["MESDROITS_DATA_DIR"] = tempfile.mkdtemp(prefix="md-bench-data-")

from assistant.law.model import parse_case  # noqa: E402
from assistant.casefiles.dashboard import dashboard  # noqa: E402
from assistant.casefiles.service import open_store  # noqa: E402
from assistant.casefiles.store import Store  # noqa: E402
from assistant.casefiles.tables import CaseRow  # noqa: E402
from tests.casegen import random_case  # noqa: E402
from tests.pg import temporary_postgres  # noqa: E402

TODAY = dt.date(2026, 11, 23)
ORGANISATIONS = [str(uuid.UUID(int=i)) for i in range(10)]


def fill(store: Store, count: int) -> None:
    """`count` cases, bulk-inserted (the bench times reading, not the generator): real
    sealed case files, next due dates spread over a year around today."""
    rng = random.Random(7)
    templates = [parse_case(random_case(random.Random(seed))) for seed in range(200)]
    sealed = [store.sealer.seal(c.model_dump(mode="json")) for c in templates]
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for i in range(count):
        t = i % len(templates)
        case = templates[t]
        rows.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "created_at": now, "updated_at": now,
                     "sealed": sealed[t], "version": 1, "organisation_id": ORGANISATIONS[i % 10],
                     "organism_kind": case.organism.kind.value, "benefit": case.benefit.value,
                     "situation": case.situation.value, "status": "open" if i % 5 else "closed",
                     "next_due": TODAY + dt.timedelta(days=rng.randint(-60, 300)) if i % 7 else None})
    with store.engine.begin() as conn:
        for start in range(0, count, 5000):
            conn.execute(CaseRow.__table__.insert(), rows[start:start + 5000])
        if store.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE case_files")
        else:
            conn.exec_driver_sql("ANALYZE")


def time_dashboard(store: Store, actor=None, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        board = dashboard(store, TODAY, actor=actor, limit=50)
        times.append(time.perf_counter() - start)
        assert len(board.rows) == 50
    return statistics.median(times) * 1000


class _Actor:
    """What the store reads of a signed-in user (the bench needs no account row)."""

    def __init__(self, organisation_id: str):
        self.id, self.organisation_id = "bench", organisation_id

    def can(self, _permission: str) -> bool:
        return True


def _writer(url: str, case_id: str, seconds: float, counter, start) -> None:
    store = open_store(url)
    start.wait()                      # every writer ready (imported, connected): go together
    done, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        store.record_sent(case_id, "explanation_request", TODAY, proof="bench")
        done += 1
    with counter.get_lock():
        counter.value += done


def throughput(store: Store, seconds: float = 5.0) -> float:
    """Writes per second while 20 writers hammer one case (its history grows meanwhile:
    each write reads the case's events to date the next steps)."""
    from tests.store_writer import process_context

    case_id = store.save(parse_case(random_case(random.Random(1))))
    url = store.engine.url.render_as_string(hide_password=False)
    context = process_context()
    counter, start = context.Value("i", 0), context.Event()
    processes = [context.Process(target=_writer, args=(url, case_id, seconds, counter, start)) for _ in range(10)]
    threads = [threading.Thread(target=_writer, args=(url, case_id, seconds, counter, start)) for _ in range(10)]
    for worker in (*processes, *threads):
        worker.start()
    time.sleep(12)                    # let the processes import and connect before the start
    start.set()
    for worker in (*processes, *threads):
        worker.join()
    events = len(store.get(case_id).events)
    assert events == counter.value, f"lost writes: {counter.value} done, {events} kept"
    return counter.value / seconds


def run(name: str, url: str, count: int) -> None:
    store = open_store(url)
    start = time.perf_counter()
    fill(store, count)
    print(f"{name}: {count} cases inserted in {time.perf_counter() - start:.1f} s")
    print(f"{name}: dashboard, one organisation of ten ({count // 10} cases): {time_dashboard(store, _Actor(ORGANISATIONS[3])):.1f} ms (aim < 200 ms)")
    print(f"{name}: dashboard, whole store ({count} cases): {time_dashboard(store):.1f} ms (aim < 200 ms)")
    print(f"{name}: 20 concurrent writers (10 threads + 10 processes) on one case: {throughput(store):.0f} writes/s, none lost")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}", count)
    with temporary_postgres() as url:
        run("PostgreSQL", url, count)


if __name__ == "__main__":
    main()
