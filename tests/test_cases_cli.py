"""`python -m assistant cases|accounts …`: the saved case files from a terminal, scoped to
the user given by --as exactly as in the app (organisation A never reaches B's cases)."""

import copy
import hashlib
import json
import shutil
import zipfile

import pytest
from cryptography.fernet import Fernet

from tests.conftest import VALID_SCENARIOS, run_cli

PASSWORD = "un mot de passe assez long"
CASE = copy.deepcopy(VALID_SCENARIOS[0][1]["case"])


def _cli(data_dir):
    env = {"MESDROITS_DATA_DIR": str(data_dir), "MESDROITS_PASSWORD": PASSWORD, "MESDROITS_KEY": ""}

    def cli(*args, **extra):
        return run_cli(*args, env={**env, **extra}, timeout=120)
    return cli


@pytest.fixture(scope="module")
def built_world(tmp_path_factory):
    """Two organisations, each with an admin; A's admin adds a volunteer; one case each —
    made once per module through the CLI (about ten seconds), then copied for each test."""
    data = tmp_path_factory.mktemp("world") / "data"
    cli = _cli(data)
    for org, email in (("France Services A", "admin@a.fr"), ("Association B", "admin@b.fr")):
        assert cli("accounts", "create-organisation", org, "--admin-email", email, "--admin-name", "Admin").returncode == 0
    added = cli("accounts", "add-user", "--as", "admin@a.fr", "vol@a.fr", "Bénévole", "volunteer",
                MESDROITS_NEW_PASSWORD=PASSWORD)
    assert added.returncode == 0, added.stderr
    path = data.parent / "case.json"
    path.write_text(json.dumps(CASE, ensure_ascii=False), encoding="utf-8")
    ids = {}
    for who in ("admin@a.fr", "admin@b.fr"):
        done = cli("cases", "import", str(path), "--consent", "signed", "--as", who)
        assert done.returncode == 0, done.stderr
        ids[who] = done.stdout.strip()
    return data, ids


@pytest.fixture
def world(tmp_path, built_world):
    """The module's world in this test's own data folder (database and key file copied)."""
    data, ids = built_world
    shutil.copytree(data, tmp_path / "data")
    return _cli(tmp_path / "data"), dict(ids)


def test_each_user_lists_only_their_organisation(world):
    cli, ids = world
    listed = cli("cases", "list", "--as", "admin@a.fr")
    assert listed.returncode == 0 and ids["admin@a.fr"] in listed.stdout and ids["admin@b.fr"] not in listed.stdout
    assert CASE["claimant"]["first_name"] in listed.stdout
    operator = cli("cases", "list")
    assert ids["admin@a.fr"] in operator.stdout and ids["admin@b.fr"] in operator.stdout


@pytest.mark.parametrize("action", ["export", "close", "delete"])
def test_another_organisations_case_is_out_of_reach(world, tmp_path, action):
    cli, ids = world
    extra = {"export": ["--out", str(tmp_path / "out")], "delete": ["--yes"], "close": []}[action]
    refused = cli("cases", action, ids["admin@b.fr"], "--as", "admin@a.fr", *extra)
    assert refused.returncode == 2 and "dossier introuvable" in refused.stderr and "Traceback" not in refused.stderr
    assert ids["admin@b.fr"] in cli("cases", "list", "--as", "admin@b.fr").stdout


def test_roles_are_enforced_from_the_command_line(world):
    cli, ids = world
    refused = cli("cases", "delete", ids["admin@a.fr"], "--yes", "--as", "vol@a.fr")
    assert refused.returncode == 2 and "rôle" in refused.stderr
    wrong = cli("cases", "list", "--as", "admin@a.fr", MESDROITS_PASSWORD="pas le bon mot de passe")
    assert wrong.returncode == 2 and "mot de passe incorrect" in wrong.stderr


def test_export_then_delete(world, tmp_path):
    cli, ids = world
    case_id = ids["admin@a.fr"]
    out = tmp_path / "out"
    assert cli("cases", "export", case_id, "--out", str(out), "--as", "admin@a.fr").returncode == 0
    data = json.loads((out / f"dossier-{case_id}.json").read_text(encoding="utf-8"))
    assert data["case"]["claimant"]["last_name"] == CASE["claimant"]["last_name"] and data["consents"][0]["how"] == "signed"
    assert zipfile.ZipFile(out / f"dossier-{case_id}.zip").namelist()[0] == "dossier.json"
    unconfirmed = cli("cases", "delete", case_id, "--as", "admin@a.fr")
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    assert cli("cases", "delete", case_id, "--yes", "--as", "admin@a.fr").returncode == 0
    assert case_id not in cli("cases", "list", "--as", "admin@a.fr").stdout


def test_purge_after_closing(world):
    cli, ids = world
    case_id = ids["admin@a.fr"]
    assert cli("cases", "close", case_id, "--as", "admin@a.fr").returncode == 0
    assert cli("cases", "purge", "--days", "1").returncode == 0
    assert case_id in cli("cases", "list", "--status", "all").stdout      # closed today: kept
    purged = cli("cases", "purge", "--days", "0")
    assert purged.returncode == 0 and "1 dossier(s)" in purged.stderr
    assert case_id not in cli("cases", "list", "--status", "all").stdout


# --- keys and exported files (issue 16) ---------------------------------------------------

def fingerprint(key: bytes) -> str:
    """What the messages and the README call a key's fingerprint."""
    return hashlib.sha256(key.strip()).hexdigest()[:8]


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def test_a_lost_or_wrong_key_is_a_french_message_with_exit_2(world, tmp_path):
    cli, _ids = world
    key_file = tmp_path / "data" / "mesdroits.key"
    key = key_file.read_bytes()
    key_file.unlink()
    lost = cli("cases", "list", MESDROITS_KEY="")
    assert lost.returncode == 2 and "Erreur interne" not in lost.stderr and "Traceback" not in lost.stderr
    assert fingerprint(key) in lost.stderr and str(key_file) in lost.stderr and "MESDROITS_KEY" in lost.stderr
    assert not key_file.exists()             # no new key beside the sealed data
    wrong = cli("cases", "list", MESDROITS_KEY=new_key())
    assert wrong.returncode == 2 and "Erreur : " in wrong.stderr and fingerprint(key) in wrong.stderr
    assert "Traceback" not in wrong.stderr
    key_file.write_bytes(key)
    assert cli("cases", "list", MESDROITS_KEY="").returncode == 0


def test_rekey_retires_the_old_key(world, tmp_path):
    """Only the server's operator re-seals (every organisation's data): no --as."""
    cli, ids = world
    old, new = (tmp_path / "data" / "mesdroits.key").read_text().strip(), new_key()
    assert cli("cases", "rekey", "--as", "admin@a.fr", MESDROITS_KEY=f"{new},{old}").returncode == 2
    done = cli("cases", "rekey", MESDROITS_KEY=f"{new},{old}")
    assert done.returncode == 0, done.stderr
    assert "case_files.sealed\t2" in done.stdout and fingerprint(new.encode()) in done.stderr
    listed = cli("cases", "list", "--as", "admin@a.fr", MESDROITS_KEY=new)
    assert listed.returncode == 0 and ids["admin@a.fr"] in listed.stdout and CASE["claimant"]["first_name"] in listed.stdout
    assert cli("cases", "list", MESDROITS_KEY=old).returncode == 2


def test_an_export_is_readable_by_its_owner_only(world, tmp_path):
    import os
    import stat

    cli, ids = world
    case_id = ids["admin@a.fr"]
    out = tmp_path / "new" / "export"
    assert cli("cases", "export", case_id, "--out", str(out), "--as", "admin@a.fr").returncode == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [f"dossier-{case_id}.json", f"dossier-{case_id}.zip"]
    assert all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)
    files[0].chmod(0o644)                    # an older export, made before: rewritten private
    assert cli("cases", "export", case_id, "--out", str(out), "--as", "admin@a.fr").returncode == 0
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
