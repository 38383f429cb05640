"""The case files' key from a file (`MESDROITS_KEY_FILE`, a Docker secret in
deploy/compose.yaml) rather than the environment: it seals and opens, holds the keys of a
rotation (one a line, or comma-separated), and a missing or empty file stops with a French
message naming it — never a new key made in its place."""

from __future__ import annotations

import pytest

import assistant.casefiles.keys as keys_module
from assistant.casefiles.crypto import KEY_FILE_NAME, SealError, Sealer, configured_keys, fingerprint, new_key
from assistant.casefiles.service import open_store
from tests.conftest import run_cli
from tests.test_store import CASE


@pytest.fixture
def secret(tmp_path, monkeypatch):
    """A key file as Docker mounts a secret, and no MESDROITS_KEY in the environment."""
    monkeypatch.delenv("MESDROITS_KEY", raising=False)
    monkeypatch.setenv("MESDROITS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(keys_module, "_KEYS_CHECKED", set())
    path = tmp_path / "run-secrets" / "mesdroits_key"
    path.parent.mkdir()
    monkeypatch.setenv("MESDROITS_KEY_FILE", str(path))
    return path


def test_the_store_seals_with_the_key_of_the_file_and_makes_no_key_of_its_own(secret, tmp_path):
    key = new_key()
    secret.write_text(key + "\n")
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    try:
        case_id = store.save(CASE)
        assert store.sealer.fingerprints == (fingerprint(key.encode()),)
        assert store.get(case_id).case == CASE
    finally:
        store.close()
    assert not (tmp_path / "data" / KEY_FILE_NAME).exists()


def test_a_rotation_in_the_file_opens_the_old_and_seals_with_the_new(secret):
    old, new = new_key(), new_key()
    sealed = Sealer((old.encode(),)).seal({"nom": "Dupont"})
    for text in (f"{new}\n{old}\n", f"{new},{old}"):
        secret.write_text(text)
        sealer = Sealer(configured_keys(secret.parent))
        assert sealer.open(sealed) == {"nom": "Dupont"}
        assert sealer.fingerprints[0] == fingerprint(new.encode())
        assert sealer.opener(sealer.reseal(sealed)) == fingerprint(new.encode())


def test_the_environment_still_wins_when_both_are_set(secret, monkeypatch):
    secret.write_text(new_key())
    key = new_key()
    monkeypatch.setenv("MESDROITS_KEY", key)
    assert configured_keys(secret.parent) == (key.encode(),)


@pytest.mark.parametrize("content", [None, "", "\n \n"])
def test_a_missing_or_empty_key_file_stops_with_a_french_message(secret, content):
    if content is not None:
        secret.write_text(content)
    with pytest.raises(SealError, match="MESDROITS_KEY_FILE") as error:
        configured_keys(secret.parent)
    assert str(secret) in str(error.value)
    assert ("ne se lit pas" if content is None else "est vide") in str(error.value)


def test_the_command_line_says_so_and_creates_nothing(tmp_path):
    missing = tmp_path / "absent.key"
    done = run_cli("cases", "list", env={"MESDROITS_KEY": "", "MESDROITS_KEY_FILE": str(missing),
                                         "DATABASE_URL": "", "MESDROITS_DATA_DIR": str(tmp_path / "data")})
    assert done.returncode == 2, done.stderr
    assert "MESDROITS_KEY_FILE" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "data" / KEY_FILE_NAME).exists()
