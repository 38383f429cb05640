"""Faults of the store under the app (issue 19, « Bad input and faults »): a PostgreSQL server
killed and started again, a full disk. The person sees a French sentence, never a traceback;
nothing typed is lost (the answers stay in the session and are saved at the next click once
the database is back); a write the disk refuses leaves the earlier data as it was."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import exc
from streamlit.testing.v1 import AppTest

from assistant.casefiles.accounts import Accounts, Role
from assistant.casefiles.drafts import Drafts
from assistant.casefiles.service import open_store
from assistant.casefiles.store import Consent, failure_kind
from assistant.law.model import parse_case
from assistant.pages import session_memory, workspace
from assistant.pages.workspace import USER
from tests.pg import _as_server_user, _bin
from tests.test_app_case_files import RAW, TODAY, to_letters
from tests.test_session_memory import APP, Tab, give, started_app, tabs  # noqa: F401 (tabs: a fixture)

UNSAVED = "Le service ne peut pas enregistrer vos réponses pour l'instant"
UNREADABLE = "Le service ne peut pas lire ou écrire ses données pour l'instant"
CASE_NOT_SAVED = "Le dossier n'a pas été enregistré"
PASSWORD = "un-mot-de-passe-solide"


class Server:
    """A PostgreSQL server of this test's own (the others' are never stopped), on a Unix
    socket, that the test kills (`-m immediate`: no clean shutdown, like a crash) and starts."""

    def __init__(self) -> None:
        self.root = tempfile.mkdtemp(prefix="md-pg-fault-")
        self.data, self.sock = os.path.join(self.root, "data"), os.path.join(self.root, "sock")
        os.makedirs(self.sock)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
        self._run([_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync"])
        self.start()
        self._run([_bin("createdb"), "-h", self.sock, "-U", "postgres", "mesdroits"])
        self.url = f"postgresql+psycopg://postgres@/mesdroits?host={self.sock}"

    def _run(self, command: list[str]) -> None:
        subprocess.run(_as_server_user(command), check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self._run([_bin("pg_ctl"), "-D", self.data, "-w", "-l", os.path.join(self.root, "log"),
                   "-o", f"-k {self.sock} -c listen_addresses='' -c fsync=off", "start"])

    def kill(self) -> None:
        self._run([_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"])

    def remove(self) -> None:
        subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    found = Server()
    try:
        yield found
    finally:
        found.remove()


@pytest.fixture
def on_server(server, monkeypatch) -> Iterator[Server]:
    """The app's drafts and case files on that server (its store opened afresh), the
    server running at the start and the end."""
    monkeypatch.setenv("DATABASE_URL", server.url)
    session_memory.forget_store()
    workspace.case_store.clear()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.start()          # already running: pg_ctl says so and fails
        session_memory.forget_store()
        workspace.case_store.clear()


def warnings(at: AppTest) -> list[str]:
    return [str(w.value) for w in at.warning]


def notices(at: AppTest) -> list[str]:
    """The fault notices shown (pages/faults.py), not the page's own warnings."""
    return [w for w in warnings(at) if "service" in w and "réponses" in w]


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


@pytest.mark.slow
@pytest.mark.xdist_group(name="pg_faults")
def test_a_killed_postgresql_loses_no_answer_and_the_app_recovers(on_server, tabs, monkeypatch) -> None:
    tab = tabs(Tab())
    at = started_app()
    give(at, {"benefit": "rsa"})
    key = at.session_state["memory_key"]
    assert session_memory.store().load(key)["answers"] == {"benefit": "rsa"} and not notices(at)

    on_server.kill()
    # Two clicks while the database is dead: a French sentence at the top, no traceback,
    # every answer still in the session.
    give(at, {"benefit": "rsa", "organism.kind": "caf"})
    assert not at.exception and any(UNSAVED in w and "gardées sur cette page" in w for w in warnings(at))
    give(at, {"benefit": "rsa", "organism.kind": "caf", "claimant.last_name": "Zanzibar"})
    assert not at.exception and any(UNSAVED in w for w in warnings(at))
    assert at.session_state["answers"]["claimant.last_name"] == "Zanzibar"
    # A reload meanwhile: the draft cannot be read — a French sentence with an error number,
    # the tab keeps its key.
    monkeypatch.delenv("MESDROITS_SHOW_ERRORS")
    reload = AppTest.from_file(APP, default_timeout=60).run()
    assert not reload.exception and any(UNREADABLE in e and "erreur n°" in e for e in errors(reload))
    assert tab.stored == key

    on_server.start()
    # The next click saves everything, through the same process's store (its pool found
    # the dead connections and made new ones), and the notice is gone.
    at.run()
    assert not at.exception and not any(UNSAVED in w for w in warnings(at))
    assert session_memory.store().load(key)["answers"] == {"benefit": "rsa", "organism.kind": "caf",
                                                           "claimant.last_name": "Zanzibar"}
    session_memory.forget_store()               # another process reads the same
    assert session_memory.store().load(key)["answers"]["claimant.last_name"] == "Zanzibar"
    reload.run()                                # the reloaded tab gets its answers
    assert reload.session_state["answers"]["claimant.last_name"] == "Zanzibar" and not errors(reload)


@pytest.mark.slow
@pytest.mark.xdist_group(name="pg_faults")
def test_the_professional_pages_under_a_dead_database_say_so_in_french(on_server, monkeypatch) -> None:
    store = open_store(on_server.url)
    accounts = Accounts(store)
    user = accounts.add_user(accounts.create_organisation("France Services Pannes"), "panne@exemple.fr",
                             "Camille Panne", Role.mediator, PASSWORD)
    store.save(parse_case(RAW), actor=user, consent=Consent(given_on=TODAY, scope=["keep_file"], how="oral"))

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["reference_date"] = TODAY
    at.session_state[USER] = user
    at.session_state["pro.organisation"] = "France Services Pannes"
    at.run()
    at.switch_page("pages/interview.py").run()
    to_letters(at)
    at.checkbox(key="pro.consent#0").check()
    at.radio(key="pro.consent.how#0").set_value("oral")

    on_server.kill()
    monkeypatch.delenv("MESDROITS_SHOW_ERRORS")
    at.button(key="pro.save").click().run()       # « Enregistrer le dossier »
    assert not at.exception and any(CASE_NOT_SAVED in e and "erreur n°" in e for e in errors(at)), errors(at)
    at.switch_page("pages/dashboard.py").run()    # « Dossiers »: the case list
    assert not at.exception
    assert any("les dossiers enregistrés ne sont pas accessibles" in e for e in errors(at)), errors(at)

    on_server.start()
    at.run()
    assert not at.exception and not errors(at)
    assert [saved.case.claimant.last_name for saved in store.list(actor=user)] == [RAW["claimant"]["last_name"]]


def test_what_counts_as_the_database_failing() -> None:
    import sqlite3

    refused = exc.OperationalError("SELECT", {}, Exception("connection refused"))
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13
    assert failure_kind(refused) == "down"
    assert failure_kind(exc.OperationalError("INSERT", {}, full)) == "full"
    assert failure_kind(exc.TimeoutError("pool")) == "down"
    assert failure_kind(exc.IntegrityError("INSERT", {}, Exception("unique"))) is None   # a bug, said as one
    assert failure_kind(ValueError("x")) is None


# --- A full disk -------------------------------------------------------------------------------


@contextmanager
def small_disk(size_kb: int) -> Iterator[tuple[Path, str]]:
    """A folder on a filesystem of `size_kb` KiB (a tmpfs, mounted as root: `make test` runs
    as root). Yields the folder and how it was made."""
    folder = Path(tempfile.mkdtemp(prefix="md-full-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"cannot mount a small tmpfs (root is needed: make test runs as root): {mounted.stderr}")
    try:
        yield folder, "tmpfs"
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def fill(folder: Path, leave_kb: int) -> Path:
    """Take all the room of the filesystem but `leave_kb` KiB."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free
    with filler.open("wb") as handle:
        try:
            handle.write(b"\0" * max(free - leave_kb * 1024, 0))
        except OSError:
            pass
    return filler


def test_a_full_disk_refuses_the_write_and_keeps_the_earlier_data(tmp_path) -> None:
    with small_disk(3072) as (folder, _how):
        url = f"sqlite:///{folder / 'mesdroits.sqlite3'}"
        store = open_store(url)
        drafts = Drafts(store, ttl=3600)
        drafts.save("key-1", {"answers": {"benefit": "rsa", "note": "première version"}})
        user = Accounts(store).add_user(Accounts(store).create_organisation("Association Disque"),
                                        "disque@exemple.fr", "Camille Disque", Role.mediator, PASSWORD)
        case = parse_case(RAW)
        case_id = store.save(case, actor=user, consent=Consent(given_on=TODAY, scope=["keep_file"], how="oral"))
        filler = fill(folder, leave_kb=0)

        big = "x" * 400_000     # more than the room left: the write cannot complete
        with pytest.raises(exc.OperationalError) as refused:
            drafts.save("key-1", {"answers": {"benefit": "rsa", "note": big}})
        assert failure_kind(refused.value) == "full"
        with pytest.raises(exc.OperationalError) as refused:
            drafts.save("key-2", {"answers": {"benefit": "aah", "note": big}})
        assert failure_kind(refused.value) == "full"
        changed = parse_case({**RAW, "claimant": {**RAW["claimant"], "last_name": "Zanzibar-Quetzalcoatl"}})
        with pytest.raises(exc.OperationalError) as refused:
            store.save(changed, case_id=case_id, actor=user)
        assert failure_kind(refused.value) == "full"

        # Nothing half-written: the earlier draft and case file as they were, no new row.
        assert drafts.load("key-1")["answers"]["note"] == "première version" and drafts.load("key-2") is None
        saved = store.get(case_id, actor=user)
        assert saved.version == 1 and saved.case.claimant.last_name == RAW["claimant"]["last_name"]
        assert [a["action"] for a in store.audit_trail(case_id)] == ["case.create", "consent.given"]

        filler.unlink()          # room again: the same writes go through
        drafts.save("key-1", {"answers": {"benefit": "rsa", "note": "seconde version"}})
        assert drafts.load("key-1")["answers"]["note"] == "seconde version"
        store.close()


def test_a_full_disk_is_said_in_french_and_the_answers_stay(tabs, monkeypatch, tmp_path) -> None:
    """In the app: the draft cannot be written (disk full, then the drafts table at its cap):
    a French sentence at the top of the page, the answers kept in the session."""
    from assistant.casefiles.drafts import DraftsFull

    tabs(Tab())
    drafts = session_memory.store()
    real_save = drafts.save
    at = started_app()

    def disk_full(key, snapshot, ttl=None):
        import sqlite3

        original = sqlite3.OperationalError("database or disk is full")
        original.sqlite_errorcode = 13
        raise exc.OperationalError("UPDATE drafts", {}, original)

    monkeypatch.setattr(drafts, "save", disk_full)
    give(at, {"benefit": "rsa"})
    assert not at.exception and any(UNSAVED in w for w in warnings(at))
    monkeypatch.setattr(drafts, "save", lambda key, snapshot, ttl=None: (_ for _ in ()).throw(DraftsFull("50000")))
    give(at, {"benefit": "rsa", "organism.kind": "caf"})
    assert not at.exception and any("ne peut pas garder vos réponses sur le serveur" in w for w in warnings(at))
    assert at.session_state["answers"] == {"benefit": "rsa", "organism.kind": "caf"}
    monkeypatch.setattr(drafts, "save", real_save)
    at.run()
    assert not notices(at) and drafts.load(at.session_state["memory_key"])["answers"]["organism.kind"] == "caf"
