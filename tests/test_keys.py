"""The sealing key (issue 16, finding 7): a lost or wrong key stops the store when it opens,
naming the key it expects, and no new key is ever made beside sealed data; `rekey` seals
everything again under the newest key so that the old one can go (SQLite and PostgreSQL)."""

import datetime as dt
import os
import stat

import pytest
from sqlalchemy import inspect, select, text

import assistant.casefiles.keys as keys_module
import assistant.casefiles.store as store_module
from assistant.casefiles.crypto import KEY_FILE_NAME, SealError, Sealer, fingerprint, new_key
from assistant.casefiles.service import open_store
from assistant.casefiles.keys import sealed_columns
from assistant.casefiles.store import Store, database_url
from assistant.casefiles.tables import SealingKeyRow
from tests.pg import temporary_postgres
from tests.test_store import CASE, _letter


@pytest.fixture(scope="module")
def postgres_server():
    with temporary_postgres() as url:
        yield url


def _empty(url: str) -> None:
    """Every table emptied, the schema kept: the server may be shared (TEST_DATABASE_URL)
    and each test seals with keys of its own."""
    engine = store_module.make_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(f'"{t}"' for t in inspect(connection).get_table_names() if t != "alembic_version")
        if tables:
            connection.execute(text(f"TRUNCATE {tables} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, monkeypatch):
    """An empty database of each kind, which this process has not checked with any key."""
    monkeypatch.setattr(keys_module, "_KEYS_CHECKED", set())
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'keys.sqlite3'}"
        return
    url = request.getfixturevalue("postgres_server")
    _empty(url)
    yield url
    _empty(url)


@pytest.fixture
def key_file_mode(tmp_path, monkeypatch):
    """The embedded database with its key file, as on a laptop (no MESDROITS_KEY)."""
    monkeypatch.delenv("MESDROITS_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MESDROITS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(keys_module, "_KEYS_CHECKED", set())
    return tmp_path / "data" / KEY_FILE_NAME


def _new_process() -> None:
    """What a process starting now knows: no database checked yet with any key."""
    keys_module._KEYS_CHECKED.clear()


def _fill(store: Store, cases: int = 5) -> dict:
    """Cases with every kind of sealed value: the case, a proof of sending, a letter and a
    reviewer's comment. Returns what they open to."""
    for number in range(cases):
        case = CASE.model_copy(update={"claimant": CASE.claimant.model_copy(update={"last_name": f"Nom{number}"})})
        case_id = store.save(case)
        store.record_sent(case_id, "explanation_request", dt.date(2026, 11, 10), proof=f"AR {number}")
        version = store.add_letter(case_id, _letter())
        store.review_letter(version.id, approve=False, comment=f"à revoir {number}")
        with store.write() as session:       # an audited reason (e.g. an urgent send's)
            store.audit(session, None, "letter.urgent_sent", case_id, note=f"raison {number}")
    return _opened(store)


def _opened(store: Store) -> dict:
    found = {}
    for saved in store.list():
        [letter] = store.letters(saved.id)
        [note] = [entry["note"] for entry in store.audit_trail(saved.id) if entry["note"]]
        found[saved.id] = (saved.case, saved.events[0].note, letter.letter, letter.comment, note)
    return found


# --- a lost or wrong key ----------------------------------------------------------------

def test_a_lost_key_file_is_not_replaced_beside_sealed_data(key_file_mode):
    store = open_store(database_url())
    case_id = store.save(CASE)
    store.close()
    key = key_file_mode.read_bytes()
    key_file_mode.unlink()
    with pytest.raises(SealError) as refused:
        open_store(database_url())
    message = str(refused.value)
    assert fingerprint(key) in message and str(key_file_mode) in message and "MESDROITS_KEY" in message
    assert not key_file_mode.exists()        # never a new key beside data sealed with the old one
    key_file_mode.write_bytes(key)           # the backup put back: everything opens again
    assert open_store(database_url()).get(case_id).case == CASE


def test_a_key_file_is_still_made_for_a_database_without_sealed_data(key_file_mode):
    open_store(database_url())
    assert stat.S_IMODE(os.stat(key_file_mode).st_mode) == 0o600


def test_a_wrong_key_is_refused_when_the_store_opens(url, monkeypatch):
    first, second = new_key(), new_key()
    monkeypatch.setenv("MESDROITS_KEY", first)
    open_store(url).save(CASE)
    monkeypatch.setenv("MESDROITS_KEY", second)
    with pytest.raises(SealError) as refused:
        open_store(url)
    message = str(refused.value)
    assert f"empreinte {fingerprint(first.encode())}" in message and fingerprint(second.encode()) in message
    assert "Clé attendue" in message and first not in message and second not in message


def test_data_split_between_two_keys_is_refused_with_only_one(url, monkeypatch):
    """What the old silent replacement left behind: old rows under one key, new rows under
    another. Either key alone is refused, naming the other; both together open."""
    old, new = new_key(), new_key()
    monkeypatch.setenv("MESDROITS_KEY", old)
    open_store(url).save(CASE)
    monkeypatch.setenv("MESDROITS_KEY", f"{new},{old}")
    open_store(url).save(CASE)                    # sealed with the new key
    for alone, missing in ((old, new), (new, old)):
        _new_process()
        monkeypatch.setenv("MESDROITS_KEY", alone)
        with pytest.raises(SealError, match=fingerprint(missing.encode())):
            open_store(url)


# --- rekey ------------------------------------------------------------------------------

def test_after_rekey_the_new_key_alone_opens_everything(url, monkeypatch):
    old, new = new_key(), new_key()
    monkeypatch.setenv("MESDROITS_KEY", old)
    expected = _fill(open_store(url))
    assert {value[3] for value in expected.values()} == {f"à revoir {n}" for n in range(5)}
    monkeypatch.setenv("MESDROITS_KEY", f"{new},{old}")
    store = open_store(url)
    done = store.rekey(batch_size=2)         # several batches per table
    assert done == {"case_files.sealed": 5, "case_events.sealed": 5, "letter_versions.sealed": 5,
                    "letter_versions.comment_sealed": 5, "audit_log.note_sealed": 5}
    store.close()

    _new_process()
    monkeypatch.setenv("MESDROITS_KEY", new)
    store = open_store(url)
    assert _opened(store) == expected
    with store.engine.connect() as connection:
        tokens = [value for name, _primary, columns in sealed_columns(connection) for column in columns
                  for value in connection.scalars(text(f"SELECT {column} FROM {name} WHERE {column} IS NOT NULL"))]
        recorded = list(connection.scalars(select(SealingKeyRow.fingerprint)))
    assert len(tokens) == 25 and all(Sealer((new.encode(),)).opener(t) for t in tokens)
    assert recorded == [fingerprint(new.encode())]
    assert any(entry["action"] == "key.rekey" for entry in store.audit_trail())
    store.close()

    _new_process()
    monkeypatch.setenv("MESDROITS_KEY", old)  # the retired key opens nothing any more
    with pytest.raises(SealError, match=fingerprint(new.encode())):
        open_store(url)


def test_rekey_stops_at_a_value_no_key_opens(url, monkeypatch):
    """Batches already done stay done (they open with the keys still configured); the
    refusal names the row, never its content."""
    monkeypatch.setenv("MESDROITS_KEY", new_key())
    store = open_store(url)
    ids = sorted(store.save(CASE) for _ in range(3))
    foreign = Sealer((new_key().encode(),)).seal({"x": 1})
    with store.engine.begin() as connection:   # the middle row: the opening check tries the ends
        connection.execute(text("UPDATE case_files SET sealed = :t WHERE id = :id"), {"t": foreign, "id": ids[1]})
    with pytest.raises(SealError, match=f"case_files.sealed, ligne {ids[1]}"):
        store.rekey(batch_size=1)
    assert store.get(ids[0]).case == CASE and store.get(ids[2]).case == CASE


def test_the_dashboard_says_so_in_french_without_a_traceback():
    """A signed-in user's dashboard when a case no longer opens with the server's key (e.g.
    a database restored from another server): a French sentence, no traceback."""
    from tests.test_app_case_files import app, member, save_case

    store = open_store(database_url())
    user = member(store)
    case_id = save_case(store, user)
    foreign = Sealer((new_key().encode(),)).seal({"claimant": {"first_name": "X"}})
    try:
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE case_files SET sealed = :t WHERE id = :id"), {"t": foreign, "id": case_id})
        at = app(user, page="pages/dashboard.py")
        assert not at.exception, at.exception
        assert [e.value for e in at.error] == [
            "Connexion impossible pour l'instant : les dossiers enregistrés ne sont pas accessibles. Réessayez plus "
            "tard ou prévenez la personne qui gère ce service."]
    finally:
        store.delete(case_id)              # the tests' shared database opens with its key again


@pytest.mark.parametrize("page", ["pages/case_file.py", "pages/letter_review.py", "pages/legal_refs_health.py"])
def test_every_professional_page_says_so_in_french_when_the_store_does_not_open(monkeypatch, page):
    """The store refuses to open (lost key): the pages that check the signed-in user first
    show the same French sentence, never the generic error or a traceback."""
    from assistant.pages import workspace
    from tests.test_app_case_files import app, member

    user = member(open_store(database_url()))

    def refused(*_args, **_kwargs):
        raise SealError("les données enregistrées ne s'ouvrent pas avec cette clé (empreinte attendue : 0123abcd).")

    # Inside case_store (process-cached: emptied before and after), not case_store itself: a
    # helper module imported by a page during this test would keep a patched case_store.
    monkeypatch.setattr(workspace, "open_store", refused)
    workspace.case_store.clear()
    try:
        at = app(user, page=page)
    finally:
        workspace.case_store.clear()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Connexion impossible pour l'instant : les dossiers enregistrés ne sont pas accessibles. Réessayez plus "
        "tard ou prévenez la personne qui gère ce service."]
