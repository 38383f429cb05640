"""Shared fixtures: the public scenarios, the CLI runner, the tool checks.

A component the tests drive for real (LibreOffice, chromium, PostgreSQL) that is
missing makes the test FAIL with the install hint: `make test` installs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The store's database and key file of the tests live in a throwaway folder, never in the
# tester's own data folder (the browser tests' servers inherit it).
# (Not named "mesdroits-…": that prefix marks the PDF engine's transient folders.)
# One folder per xdist worker: the workers inherit the controller's environment, and a test
# comparing the store before and after saw a case the other worker had just saved.
_MADE_FOR = os.environ.get("MESDROITS_TESTS_DATA_FOR")   # set when this file made the folder
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if not os.environ.get("MESDROITS_DATA_DIR") or (_MADE_FOR is not None and _MADE_FOR != _WORKER):
    os.environ["MESDROITS_DATA_DIR"] = __import__("tempfile").mkdtemp(prefix="md-tests-data-")
    os.environ["MESDROITS_TESTS_DATA_FOR"] = _WORKER
# A page's unexpected error reaches `at.exception` as Streamlit shows it, so that a test still
# sees every bug, instead of the French message with a number that people see
# (`show_unexpected_error` in assistant/pages/common.py; the test of that message unsets it).
os.environ.setdefault("MESDROITS_SHOW_ERRORS", "1")
# The public scenarios are copied here so that a clone without ../shared runs the suite;
# tests/test_scenarios.py compares the copy with ../shared/scenarios when it is there.
SCENARIOS_DIR = ROOT / "tests" / "scenarios" / "public"
SHARED = Path(os.environ.get("MESDROITS_SHARED", ROOT.parent / "shared"))
SHARED_SCENARIOS_DIR = SHARED / "scenarios"


# Our own legal traps, as scenario files a lawyer can read (same format, more expectations).
OWN_SCENARIOS_DIR = ROOT / "tests" / "scenarios"


def load_scenarios(directory: Path = SCENARIOS_DIR) -> list[tuple[str, dict]]:
    files = sorted(directory.glob("*.json"))
    assert files, f"no scenario found in {directory}"
    return [(path.stem, json.loads(path.read_text(encoding="utf-8"))) for path in files]


SCENARIOS = load_scenarios()
OWN_SCENARIOS = load_scenarios(OWN_SCENARIOS_DIR)
VALID_SCENARIOS = [(name, s) for name, s in SCENARIOS if s["expect"].get("exit", 0) == 0]


def absent(in_ci: str, elsewhere: str) -> None:
    """Something a test checks against is not there: a failure in CI (`make test` provides
    it, so its absence is a broken run, never a silent skip), a skip on a bare clone."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(in_ci)
    pytest.skip(elsewhere)


def require_shared(path: Path) -> Path:
    """A file or folder of ../shared a test checks (CI has ../shared)."""
    if not path.exists():
        absent(f"{path} is missing, and CI=true: the CI checkout must have ../shared",
               f"{path} is absent (a clone without ../shared): nothing to compare with")
    return path


def require_tool(command: str, package: str) -> str:
    """Path of a system tool the test needs; its absence is a failure, never a skip."""
    found = shutil.which(command)
    if not found:
        pytest.fail(f"{command} is missing: install the Debian package {package} (make test does it)")
    return found


def run_cli(*args: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m assistant …` as a user would, from the repository root (`env`: extra
    variables)."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


@pytest.fixture
def write_case(tmp_path):
    """Write a case dict to a JSON file and return its path."""

    def _write(case: dict, name: str = "case.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
        return path

    return _write


def with_changes(base: dict, **changes) -> dict:
    """A copy of a case dict with `a__b=value` changes (nested keys joined by "__")."""
    import copy

    case = copy.deepcopy(base)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        target = case
        for key in parents:
            target = target.setdefault(key, {})
        target[leaf] = value
    return case


def spy_writes(monkeypatch) -> list[str]:
    """From now on, every file opened for writing is recorded in the returned list."""
    import builtins
    import io as io_module

    written: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            written.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    def spy_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            written.append(str(path))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io_module, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    return written


@pytest.fixture(scope="session")
def shared_app_server():
    """The app the browser modules share on this worker (tests/browser/test_browser.py's
    `server`): started at the first module that asks, stopped at the end of the session.
    Its log: test-artifacts/browser/streamlit-<worker>.log."""
    from tests.browser.test_browser import run_server

    yield from run_server(log_name=f"streamlit-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log")


# Streamlit's script runner installs the script it runs as `__main__` and AppTest leaves it
# there; a child process started later by multiprocessing (spawn, forkserver) would run that
# script again as its main and die (AppTest.from_function's `script(*__args, **__kwargs)`:
# NameError). Each test gets the worker's own `__main__` back.
_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _worker_main_restored():
    yield
    sys.modules["__main__"] = _MAIN


# The browser modules (xdist group "browser") run as two groups, one per worker: in one group
# they were the suite's critical path (about 12 of its 15 minutes, mostly waiting on a page),
# while the other worker ran out of work. Each module stays whole in its group (its walks
# through the interview are module fixtures, the app server is one per worker); the second
# group holds these, about half of the measured time.
SECOND_BROWSER_GROUP = frozenset({
    "test_session", "test_tab_key", "test_letters_page", "test_account_admin", "test_interview_flow",
    "test_deploy_tls", "test_batch_page",
})


# Modules whose module fixtures are costly (a PostgreSQL server made with initdb, ~4 s with its
# migrations; a wheel built; two organisations' world made through the CLI): each runs whole on
# one worker, so that its fixtures are made once rather than once on each worker (xdist sends
# every test without a group alone, and both workers went through each module side by side).
WHOLE_MODULES = frozenset({
    "tests.test_store", "tests.test_accounts", "tests.test_account_admin", "tests.test_store_review",
    "tests.test_drafts", "tests.test_health", "tests.test_keys", "tests.test_db_roles", "tests.test_packaging",
    "tests.test_cases_cli",
})


def _group(item) -> Optional[str]:
    mark = item.get_closest_marker("xdist_group")
    return None if mark is None else (mark.args[0] if mark.args else mark.kwargs.get("name"))


# Where the deployment tests go among the tests sent one by one: late enough that their images,
# made in the background from the suite's start, are ready on a new machine; early enough that
# the other worker still has work while they run (~70 s) — last, it sat idle that long.
DEPLOY_AT = 0.75


def pytest_collection_modifyitems(config, items: list) -> None:
    """The deployment test (tests/test_deploy_stack.py) late (DEPLOY_AT): its images are made
    in the background while the rest runs (.ci/pytest.sh), so it rarely waits for them. The
    browser group split in two (SECOND_BROWSER_GROUP) and the WHOLE_MODULES, each group one
    unit of work (`_xdist_groups`; xdist sends the groups first, the largest first)."""
    for item in items:
        if _group(item) == "browser" and item.module.__name__.rsplit(".", 1)[-1] in SECOND_BROWSER_GROUP:
            item.add_marker(pytest.mark.xdist_group("browser-2"))
        elif _group(item) is None and item.module.__name__ in WHOLE_MODULES:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    deploy = [item for item in items if _group(item) == "deploy_stack"]
    rest = [item for item in items if _group(item) != "deploy_stack"]
    alone = [index for index, item in enumerate(rest) if _group(item) is None]
    at = alone[int(len(alone) * DEPLOY_AT)] if alone else len(rest)
    items[:] = rest[:at] + deploy + rest[at:]
    _xdist_groups(config, items)


def _xdist_groups(config, items: list) -> None:
    """Make `--dist loadgroup` group again. pytest-xdist 3.8 marks a test of an xdist_group by
    appending `@<group>` to `item._nodeid`, which pytest 9 no longer reads (`Node.nodeid` is
    `str(item._id)`): every test was its own unit, a browser module's tests ran on both workers
    (two servers, its walks done twice) and « one module, one worker » never held. The same
    suffix, set where pytest 9 reads it. The deployment tests stay out of it: as single tests
    they keep their place at the end (pytest_collection_modifyitems), while a group would be
    sent among the first, before its images are made on a new machine."""
    if not config.getoption("loadgroup", False):
        return
    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        ident = getattr(item, "_id", None)
        if not names or names == ["deploy_stack"] or ident is None or "@" in item.nodeid:
            continue
        object.__setattr__(ident, "_str_cache", f"{item.nodeid}@{'_'.join(names)}")
