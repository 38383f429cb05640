"""Saved case files on SQLite (the default) and on a real PostgreSQL server: what is kept,
sealed at rest, versioned, isolated, exported, deleted and purged."""

import copy
import datetime as dt
import io
import json
import zipfile

import pytest

from assistant.law.analysis import analyse
from assistant.letters.build import build_letters
from assistant.law.model import parse_case
from assistant.casefiles.dashboard import bucket_of, dashboard
from assistant.casefiles.export import export_case, export_zip
from assistant.casefiles.service import open_store
from assistant.casefiles.store import Channel, Consent, NotFound, Status, Store
from tests.conftest import VALID_SCENARIOS, with_changes
from tests.pg import temporary_postgres

ROOT_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent
RAW = copy.deepcopy(VALID_SCENARIOS[0][1]["case"])
CASE = parse_case(copy.deepcopy(RAW))
TODAY = CASE.reference_date


@pytest.fixture(scope="module")
def postgres_url():
    with temporary_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return open_store(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    url = request.getfixturevalue("postgres_url")
    store = open_store(url)
    for saved in store.list():
        store.delete(saved.id)
    return store


def _letter(case=CASE, letter_id="appeal") -> dict:
    return build_letters(case, analyse(case), only=[letter_id])[0].model_dump(mode="json")


def test_save_get_roundtrip(store):
    case_id = store.save(CASE)
    saved = store.get(case_id)
    assert saved.case == CASE and saved.events == [] and saved.status == "open"
    assert saved.created_at.tzinfo is not None


def test_personal_text_survives_verbatim(store):
    case = CASE.model_copy(update={"claimant": CASE.claimant.model_copy(update={"last_name": "Nguyễn & <O'Brien> 😀"})})
    assert store.get(store.save(case)).case.claimant.last_name == "Nguyễn & <O'Brien> 😀"


def test_sent_letter_is_kept_exactly_with_its_provenance(store):
    from assistant.law.legal_refs import load_refs
    from assistant.letters.provenance import project_version, template_version

    case_id = store.save(CASE)
    letter = _letter(CASE, "explanation_request")
    saved = store.record_sent(case_id, "explanation_request", dt.date(2026, 11, 10), letter=letter,
                              channel=Channel.registered_post, proof="AR n° 1A 234 567 8901 2")
    assert saved.case.history.explanation_requested_on == dt.date(2026, 11, 10)
    assert [(e.kind, e.letter_id, e.channel, e.note) for e in saved.events] == [
        ("sent", "explanation_request", "registered_post", "AR n° 1A 234 567 8901 2")]
    [stored] = store.letters(case_id)
    assert stored.letter == letter and stored.status == "sent" and stored.number == 1
    assert stored.refs == list(dict.fromkeys(c for p in letter["paragraphs"] for c in p["cites"])) and stored.refs
    refs = load_refs()
    assert stored.refs_verified == {r: refs[r].verified_on.isoformat() for r in stored.refs}
    assert stored.project_version == project_version()
    assert stored.template_version == template_version("explanation_request") != template_version("appeal")
    export = export_case(store, case_id)
    assert "explanation_answer" in [d["id"] for d in export["analysis"]["deadlines"]]
    assert export["letters"][0]["letter"] == letter
    assert any(step["letter_id"] for step in export["next_steps"])


def test_the_next_due_date_follows_the_ladder(store):
    from assistant.casefiles.followup import next_due

    saved = store.get(store.save(CASE))
    assert saved.next_due == analyse(CASE).appeal.deadline is not None      # a new case: its appeal
    unwritten = parse_case(with_changes(RAW, decision__received=False, decision__date=None,
                                        decision__received_on=None, decision__reasons_given=None,
                                        decision__appeal_info_given=None, context__started_on="2026-11-02"))
    case_id = store.save(unwritten)
    assert store.get(case_id).next_due is None                              # nothing runs yet
    sent = store.record_sent(case_id, "document_access", dt.date(2026, 11, 10))
    assert sent.next_due is not None and sent.next_due == next_due(followup_ladder(sent))
    answered = store.record_answer(case_id, "document_access", dt.date(2026, 11, 18), "complete", note="tout reçu")
    assert answered.events[-1].answer_kind == "complete" and answered.events[-1].note == "tout reçu"
    assert answered.next_due is None                                        # all received: nothing due


def followup_ladder(saved):
    from assistant.casefiles.followup import ladder, ladder_events

    return ladder(saved.case, *ladder_events(saved.events))


def test_the_store_indexes_what_its_follow_up_says_and_runs_no_engine(tmp_path):
    """The store asks its `follow_up` (service.LadderFollowUp in the app) what to index,
    inside the write; it computes nothing of the law itself."""
    asked = []

    class Fixed:
        def next_due(self, case, events):
            asked.append([(e.kind, e.letter_id, e.answer_kind) for e in events])
            return dt.date(2030, 1, 2)

        def after_sending(self, case, letter_id, on):
            return case

        def answer_kind(self, kind):
            return kind

    store = Store(f"sqlite:///{tmp_path / 'fixed.sqlite3'}", follow_up=Fixed())
    case_id = store.save(CASE)
    assert store.get(case_id).next_due == dt.date(2030, 1, 2)
    store.record_sent(case_id, "appeal", TODAY)
    assert store.record_answer(case_id, "appeal", TODAY, "anything").next_due == dt.date(2030, 1, 2)
    assert asked == [[], [("sent", "appeal", None)], [("sent", "appeal", None), ("answer", "appeal", "anything")]]
    store.set_status(case_id, Status.closed)
    assert store.get(case_id).next_due is None and len(asked) == 3      # a closed case has nothing due


def test_an_answer_is_refused_before_its_letter(store):
    from assistant.casefiles.followup import FollowupError

    case_id = store.save(CASE)
    with pytest.raises(FollowupError):
        store.record_answer(case_id, "document_access", dt.date(2026, 11, 18), "complete")
    assert store.get(case_id).events == []
    with pytest.raises(ValueError):
        store.record_answer(case_id, "document_access", dt.date(2026, 11, 18), "peut-être")


def test_a_deleted_case_leaves_no_trace_in_the_sqlite_file(tmp_path):
    path = tmp_path / "del.sqlite3"
    store = open_store(f"sqlite:///{path}")
    store.delete(store.save(CASE))
    store.close()                    # the WAL is folded back into the file
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("del.sqlite3*"))
    assert b"gAAAAA" not in raw      # not even the sealed token: secure_delete overwrote it


def test_delete_forgets_everything(store):
    case_id = store.save(CASE, consent=Consent(given_on=TODAY, scope=["keep_file"], how="oral"))
    store.record_sent(case_id, "appeal", dt.date(2026, 11, 20), letter=_letter())
    store.delete(case_id)
    with pytest.raises(NotFound):
        store.get(case_id)
    with pytest.raises(NotFound):
        store.letters(case_id)
    assert case_id not in [s.id for s in store.list()]
    from sqlalchemy import text

    with store.engine.connect() as conn:
        for table in ("case_events", "letter_versions", "consents"):
            assert conn.execute(text(f"SELECT count(*) FROM {table} WHERE case_id = :i"), {"i": case_id}).scalar() == 0


def test_update_keeps_the_id(store):
    case_id = store.save(CASE)
    assert store.save(CASE, case_id) == case_id
    assert len([s for s in store.list() if s.id == case_id]) == 1


def test_unknown_id(store):
    with pytest.raises(NotFound):
        store.delete("nope")


def test_database_url_default_and_env(monkeypatch):
    from assistant.casefiles.store import database_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url().startswith("sqlite:///") and database_url().endswith("mesdroits.sqlite3")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"


def test_sending_after_the_case_reference_date(store):
    case_id = store.save(CASE)
    later = CASE.reference_date + dt.timedelta(days=7)
    assert store.record_sent(case_id, "appeal", later).case.history.appeal_filed_on == later


def test_a_stale_edit_is_refused(store):
    from assistant.casefiles.store import Conflict

    case_id = store.save(CASE)
    version = store.get(case_id).version
    store.save(CASE, case_id, expected_version=version)
    with pytest.raises(Conflict):
        store.save(CASE, case_id, expected_version=version)


def test_consent_given_and_withdrawn(store):
    case_id = store.save(CASE, consent=Consent(given_on=TODAY, scope=["keep_file", "appeal"], how="signed"))
    store.withdraw_consent(case_id, TODAY + dt.timedelta(days=3))
    [consent] = store.consents(case_id)
    assert consent.scope == ["keep_file", "appeal"] and consent.how == "signed"
    assert consent.withdrawn_on == TODAY + dt.timedelta(days=3)
    with pytest.raises(ValueError):
        Consent(given_on=TODAY, scope=[], how="oral")


# --- the dashboard ---------------------------------------------------------------------

def test_dashboard_buckets_filters_and_order(store):
    ids = {}
    for name, (organism, benefit) in {"a": ("caf", "rsa"), "b": ("caf", "apl"), "c": ("cpam", "css")}.items():
        raw = with_changes(RAW, organism__kind=organism, benefit=benefit, claimant__first_name=name.upper())
        raw["organism"]["name"] = None
        ids[name] = store.save(parse_case(raw))
    board = dashboard(store, TODAY)
    assert board.total == 3 and sum(board.counts.values()) == 3
    dated = [r.next_due for r in board.rows if r.next_due]
    assert dated == sorted(dated) and all(r.bucket != "none" for r in board.rows[:len(dated)])
    assert {r.name for r in board.rows} == {"A B.", "B B.", "C B."} or all(r.name.endswith(".") for r in board.rows)
    assert [r.id for r in dashboard(store, TODAY, organism="cpam").rows] == [ids["c"]]
    assert [r.id for r in dashboard(store, TODAY, benefit="apl").rows] == [ids["b"]]
    store.set_status(ids["a"], Status.closed)
    assert ids["a"] not in [r.id for r in dashboard(store, TODAY).rows]
    assert [r.id for r in dashboard(store, TODAY, status="closed").rows] == [ids["a"]]
    far = dashboard(store, TODAY + dt.timedelta(days=3650))
    assert all(r.bucket in ("overdue", "none") for r in far.rows)


def test_bucket_edges():
    assert bucket_of(None, TODAY) == "none"
    assert bucket_of(TODAY - dt.timedelta(days=1), TODAY) == "overdue"
    assert bucket_of(TODAY, TODAY) == "this_week"
    assert bucket_of(TODAY + dt.timedelta(days=7), TODAY) == "this_week"
    assert bucket_of(TODAY + dt.timedelta(days=8), TODAY) == "later"


# --- export, purge --------------------------------------------------------------------

def test_export_zip_holds_the_file_and_the_letters(store):
    case_id = store.save(CASE)
    store.record_sent(case_id, "appeal", TODAY, letter=_letter())
    with zipfile.ZipFile(io.BytesIO(export_zip(store, case_id))) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("dossier.json"))
        assert data["case"]["claimant"]["last_name"] == CASE.claimant.last_name
        # French words in the names people read (issue 20, 13), never the code's ids.
        assert names == ["dossier.json", "courriers/recours-v1-envoye.docx"]
        assert archive.read(names[1])[:2] == b"PK"


def test_every_letter_status_has_its_french_word_in_the_copy():
    from assistant.casefiles.export import STATUS_WORDS
    from assistant.casefiles.store import LetterStatus

    assert set(STATUS_WORDS) == {s.value for s in LetterStatus}


def test_purge_deletes_closed_cases_after_the_retention_period(store, monkeypatch):
    old, recent, still_open = store.save(CASE), store.save(CASE), store.save(CASE)
    store.set_status(old, Status.closed)
    store.set_status(recent, Status.closed)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=31)
    assert store.purge(now=later, days=60) == []
    monkeypatch.setenv("MESDROITS_RETENTION_DAYS", "30")
    assert sorted(store.purge(now=later)) == sorted([old, recent])
    assert [s.id for s in store.list()] == [still_open]
    assert [e["action"] for e in store.audit_trail(old)][-1] == "case.purge"


# --- sealed at rest ---------------------------------------------------------------------

SECRET = {"claimant__first_name": "Zéphyrine", "claimant__last_name": "Quaglieri-Oyelaran",
          "claimant__address": "77 impasse des Hirondelles", "claimant__file_number": "9876543210",
          "context__own_words": "Mon fils Théodule a été hospitalisé"}


def _secret_case():
    return parse_case(with_changes(RAW, **SECRET))


def _clear_values() -> list[str]:
    return [value for value in SECRET.values()] + ["Zéphyrine".encode("unicode_escape").decode()]


def test_sqlite_file_holds_no_personal_data_in_clear(tmp_path):
    path = tmp_path / "raw.sqlite3"
    store = open_store(f"sqlite:///{path}")
    case = _secret_case()
    case_id = store.save(case, consent=Consent(given_on=TODAY, scope=["keep_file"], how="oral"))
    store.record_sent(case_id, "appeal", TODAY, letter=_letter(case), proof="déposé par Zéphyrine")
    store.record_answer(case_id, "appeal", TODAY, "partial", note="Quaglieri-Oyelaran rappelée")
    export_case(store, case_id)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("raw.sqlite3*"))   # the file and its WAL
    assert raw, "nothing written"
    for value in _clear_values() + ["Quaglieri"]:
        for encoded in {value.encode("utf-8"), value.encode("utf-16-le")}:
            assert encoded not in raw, value
    assert store.get(case_id).case.claimant.last_name == "Quaglieri-Oyelaran"


def test_postgresql_tables_hold_no_personal_data_in_clear(postgres_url):
    from sqlalchemy import inspect, text

    store = open_store(postgres_url)
    case = _secret_case()
    case_id = store.save(case)
    store.record_sent(case_id, "appeal", TODAY, letter=_letter(case), proof="Zéphyrine")
    store.record_answer(case_id, "appeal", TODAY, "partial", note="Quaglieri")
    with store.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        dump = "\n".join(str(row) for table in tables for row in conn.execute(text(f'SELECT t::text FROM "{table}" t')))
    assert case_id in dump
    for value in _clear_values() + ["Quaglieri"]:
        assert value not in dump, value


def test_a_wrong_key_does_not_open_the_data(tmp_path, monkeypatch):
    from assistant.casefiles.crypto import SealError, new_key

    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    monkeypatch.setenv("MESDROITS_KEY", new_key())
    case_id = open_store(url).save(CASE)
    first = __import__("os").environ["MESDROITS_KEY"]
    monkeypatch.setenv("MESDROITS_KEY", new_key())
    with pytest.raises(SealError):
        open_store(url).get(case_id)
    monkeypatch.setenv("MESDROITS_KEY", f"{new_key()},{first}")      # rotation: new key first, old still opens
    assert open_store(url).get(case_id).case == CASE


def test_key_file_is_created_private_outside_the_database(tmp_path, monkeypatch):
    import os
    import stat

    monkeypatch.delenv("MESDROITS_KEY", raising=False)
    monkeypatch.setenv("MESDROITS_DATA_DIR", str(tmp_path / "data"))
    from assistant.casefiles.store import database_url

    open_store(database_url()).save(CASE)
    key = tmp_path / "data" / "mesdroits.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert key.read_bytes().strip() not in (tmp_path / "data" / "mesdroits.sqlite3").read_bytes()


# --- concurrency -----------------------------------------------------------------------

from tests.store_writer import FIRST_SENT, LETTERS, process_context, write  # noqa: E402


def test_twenty_concurrent_writers_lose_nothing(store):
    """10 threads and 10 processes write to the same case at once for a few seconds: no
    "database is locked", no lost event, no lost history date (before the locking: 47 of 50
    races lost one on SQLite, 50 of 50 on PostgreSQL)."""
    import threading

    case_id = store.save(CASE)
    for letter_id in LETTERS:
        store.record_sent(case_id, letter_id, FIRST_SENT, proof="first")
    url = store.engine.url.render_as_string(hide_password=False)
    rounds = 6
    errors: list[BaseException] = []

    def thread_writer(worker: int) -> None:
        try:
            write(url, case_id, worker, rounds)
        except BaseException as error:   # noqa: BLE001  (reported below)
            errors.append(error)

    context = process_context()
    processes = [context.Process(target=write, args=(url, case_id, w, rounds)) for w in range(10, 20)]
    threads = [threading.Thread(target=thread_writer, args=(w,)) for w in range(10)]
    for worker in (*processes, *threads):
        worker.start()
    for thread in threads:
        thread.join(180)
    for process in processes:
        process.join(180)
        assert process.exitcode == 0
    assert errors == []
    saved = store.get(case_id)
    notes = sorted(e.note for e in saved.events if e.note != "first")
    assert notes == sorted(f"w{w}-{i}" for w in range(20) for i in range(rounds))
    assert saved.version == 1 + 3 + 20 * rounds
    # every letter was sent by someone: its latest date is in the history
    for letter_id, field in (("explanation_request", "explanation_requested_on"),
                             ("document_access", "documents_requested_on"), ("appeal", "appeal_filed_on")):
        assert getattr(saved.case.history, field) in {e.on for e in saved.events if e.kind == "sent" and e.letter_id == letter_id}


# --- files and migrations --------------------------------------------------------------

def test_embedded_database_is_private_and_outside_the_code(monkeypatch, tmp_path):
    import os
    import stat

    from assistant.casefiles.store import ROOT, database_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("MESDROITS_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    url = database_url()
    path = tmp_path / "share" / "mes-droits-face-a-l-algorithme" / "mesdroits.sqlite3"
    assert url == f"sqlite:///{path}" and ROOT not in path.parents
    open_store(url).save(CASE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def _alembic(store: Store, action: str, target: str) -> None:
    from assistant.casefiles.store import migrate

    migrate(store.engine, store.sealer, action, target)


def test_migrations_down_and_up_again_and_match_the_models(store):
    """Upgrade from empty (the fixture), downgrade to nothing, upgrade again; the models and
    the migrations describe the same schema (autogenerate finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assistant.casefiles.tables import Base

    case_id = store.save(CASE)
    _alembic(store, "downgrade", "0002")      # back to clear JSON: the case survives
    _alembic(store, "upgrade", "head")
    assert store.get(case_id).case == CASE
    _alembic(store, "downgrade", "base")
    _alembic(store, "upgrade", "head")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrations_upgrade_a_database_made_before_them(tmp_path):
    """A database made by the old create_all (no version column, no alembic table, the case
    and the letters sent in clear) is upgraded in place: its case kept and sealed, its
    letter moved to the stored versions."""
    import sqlalchemy as sa

    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    letter = _letter()
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE case_files (id VARCHAR(36) PRIMARY KEY, created_at DATETIME, updated_at DATETIME, case_json JSON)")
        conn.exec_driver_sql("CREATE TABLE case_events (id INTEGER PRIMARY KEY, case_id VARCHAR(36), kind VARCHAR(40), letter_id VARCHAR(40), \"on\" DATE, letter_json JSON)")
        conn.execute(sa.text("INSERT INTO case_files VALUES ('old', '2026-01-01 00:00:00', '2026-01-01 00:00:00', :j)"),
                     {"j": CASE.model_dump_json()})
        conn.execute(sa.text("INSERT INTO case_events VALUES (1, 'old', 'sent', 'appeal', '2026-11-20', :j)"),
                     {"j": json.dumps(letter)})
    engine.dispose()
    store = open_store(url)
    assert store.get("old").version == 1 and store.get("old").case == CASE
    assert [s.letter for s in store.letters("old")] == [letter]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("old.sqlite3*"))   # the file and its WAL
    assert CASE.claimant.last_name.encode() not in raw and CASE.claimant.address.encode() not in raw


def test_processes_starting_together_share_one_complete_key(tmp_path):
    """Eight processes open a fresh data folder at once: one key file, complete, that all use."""
    import subprocess
    import sys

    script = ("import sys; from pathlib import Path; from assistant.casefiles.crypto import sealer; "
              "print(sealer(Path(sys.argv[1])).seal('x'))")
    children = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "data")], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, cwd=ROOT_DIR, env={**__import__("os").environ,
                                                                         "MESDROITS_KEY": ""})
                for _ in range(8)]
    tokens = [child.communicate(timeout=120)[0].strip() for child in children]
    assert all(child.returncode == 0 for child in children)
    from assistant.casefiles.crypto import Sealer

    key = (tmp_path / "data" / "mesdroits.key").read_bytes().strip()
    assert [Sealer((key,)).open(token) for token in tokens] == ["x"] * 8
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["mesdroits.key"]


def test_a_new_letter_is_a_draft_whatever_the_caller_asks(store):
    """A status changes only through submit_letter, review_letter and record_sent, which
    record who, when and why: add_letter refuses « approved » from a volunteer (and any
    status but draft from anyone)."""
    from assistant.casefiles.accounts import Accounts, Role

    accounts = Accounts(store)
    org = accounts.create_organisation("Association")
    admin = accounts.add_user(org, f"admin-{org}@x.fr", "Admin", Role.admin, "un mot de passe assez long")
    volunteer = accounts.add_user(org, f"vol-{org}@x.fr", "Bénévole", Role.volunteer, "un mot de passe assez long",
                                  by=admin)
    case_id = store.save(CASE, actor=volunteer)
    for actor, status in ((volunteer, "approved"), (volunteer, "sent"), (None, "in_review"), (None, "superseded")):
        with pytest.raises(ValueError, match="brouillon"):
            store.add_letter(case_id, _letter(), status=status, actor=actor)
    assert store.letters(case_id) == []
    assert store.add_letter(case_id, _letter(), actor=volunteer).status == "draft"
