"""A writer for the store's concurrency tests and bench, in a module of its own so that
each child process imports only the store (not the whole test module)."""

from __future__ import annotations

import datetime as dt

LETTERS = ("explanation_request", "document_access", "appeal")
FIRST_SENT = dt.date(2026, 11, 5)
FIRST_ANSWER = dt.date(2026, 11, 20)


def write(url: str, case_id: str, worker: int, rounds: int) -> None:
    """`rounds` writes on one case, alternating a letter sent and an answer received (each
    answer dated after every sending: the ladder refuses an answer before its letter);
    every write carries a note naming the worker and round, to count them afterwards."""
    from assistant.casefiles.service import open_store

    store = open_store(url)
    for i in range(rounds):
        letter_id = LETTERS[(worker + i) % 3]
        spread = dt.timedelta(days=(worker * rounds + i) % 9)
        if i % 2:
            store.record_answer(case_id, letter_id, FIRST_ANSWER + spread, "partial", note=f"w{worker}-{i}")
        else:
            store.record_sent(case_id, letter_id, FIRST_SENT + spread, proof=f"w{worker}-{i}")


def process_context():
    """Child processes forked from a server that has already imported the store: twenty
    writers start in seconds, not a minute (a fresh interpreter imports SQLAlchemy and the
    engine in ~3 s each on a small machine)."""
    import multiprocessing
    import os
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    # The server is a fresh interpreter: without the project on its path (pytest adds it to
    # ours only), the preload silently fails and every child imports everything itself.
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *[p for p in paths if p]])
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["assistant.casefiles.service", "assistant.casefiles.store", "assistant.casefiles.followup", "assistant.law.analysis"])
    return context
