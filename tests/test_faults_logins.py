"""A login storm (issue 19, « Bad input and faults »): two processes hammer one account with
wrong passwords on the same database — the embedded SQLite file and PostgreSQL. The
per-account lock (assistant/casefiles/accounts.py, counted in the database) holds across
processes: exactly as many failures as the limit allows get through, every later attempt is
refused, the right password too, and no database error ('database is locked') escapes."""

from __future__ import annotations

import time

import pytest

from assistant.casefiles.accounts import MAX_FAILURES_PER_ACCOUNT, Accounts, Role, TooManyAttempts
from assistant.casefiles.service import open_store
from tests.pg import temporary_postgres
from tests.store_writer import process_context

PASSWORD = "le-bon-mot-de-passe-solide"
EMAIL = "tempete@exemple.fr"
ATTEMPTS = 12          # per process


def hammer(url: str, start, attempts: int) -> list[str]:
    """One process's attempts, all at once with the other's: what each one got."""
    from assistant.casefiles.accounts import Accounts, TooManyAttempts
    from assistant.casefiles.service import open_store

    accounts = Accounts(open_store(url))
    start.wait(timeout=60)
    seen = []
    for index in range(attempts):
        try:
            found = accounts.authenticate(EMAIL, f"mauvais-{index}", source=f"198.51.100.{index}")
            seen.append("refused" if found is None else "SIGNED IN")
        except TooManyAttempts:
            seen.append("locked")
        except Exception as error:   # what must never happen: a database error escaping
            seen.append(f"error {type(error).__name__}: {error}")
    return seen


def storm(url: str) -> None:
    store = open_store(url)
    accounts = Accounts(store)
    accounts.add_user(accounts.create_organisation("Association Tempête"), EMAIL, "Camille Tempête",
                      Role.mediator, PASSWORD)
    context = process_context()
    start = context.Manager().Event()
    with context.Pool(2) as pool:
        pending = [pool.apply_async(hammer, (url, start, ATTEMPTS)) for _ in range(2)]
        time.sleep(0.5)
        start.set()
        results = [outcome for job in pending for outcome in job.get(timeout=240)]
    errors = [outcome for outcome in results if outcome.startswith("error")]
    assert errors == []
    # The counter is shared: the limit's failures are answered « wrong password »
    # (the last of them locks), every other attempt of both processes is refused.
    assert results.count("refused") == MAX_FAILURES_PER_ACCOUNT - 1, results
    assert results.count("locked") == 2 * ATTEMPTS - (MAX_FAILURES_PER_ACCOUNT - 1)
    with pytest.raises(TooManyAttempts):      # the right password, from a fresh address: still locked
        Accounts(open_store(url)).authenticate(EMAIL, PASSWORD, source="203.0.113.9")


@pytest.mark.slow
def test_a_login_storm_on_the_sqlite_file(tmp_path) -> None:
    storm(f"sqlite:///{tmp_path / 'storm.sqlite3'}")


@pytest.mark.slow
def test_a_login_storm_on_postgresql() -> None:
    with temporary_postgres() as url:
        storm(url)
