"""Operating the service: the version from one source (`--version`), `pip install .` with its
`mesdroits` command (a wheel built offline, installed apart from the checkout and run), and
`make`'s virtualenv that is never left half-made (a fake Python that cannot make one)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
NAME = "mes-droits-face-a-l-algorithme"


def test_version_comes_from_pyproject():
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"{NAME} {VERSION}", done
    from assistant.core.version import project_version
    from assistant.letters.provenance import project_version as stored_with_letters

    assert project_version() == stored_with_letters() == VERSION


def _source_copy(tmp_path: Path) -> Path:
    """What the wheel is built from, copied: the build writes build/ and *.egg-info beside it."""
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("assistant", "legal_refs", "alembic"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "requirements.txt", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    return source


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    source = _source_copy(tmp)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                           "--no-index", str(source), "-w", str(tmp / "dist")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    [built] = (tmp / "dist").glob("*.whl")
    return built


def test_the_wheel_holds_the_command_every_module_and_every_data_file(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "mesdroits = assistant.cli.main:main" in archive.read(entry_points).decode()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = archive.read(metadata).decode()
    assert f"Version: {VERSION}" in meta
    pins = [line for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert pins and all(f"Requires-Dist: {pin}" in meta for pin in pins), meta
    checkout = {p.relative_to(ROOT).as_posix() for p in (ROOT / "assistant").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert checkout - names == set(), "missing from the wheel (pyproject.toml [tool.setuptools])"
    refs = {f"legal_refs/{p.name}" for p in (ROOT / "legal_refs").glob("*.yaml")}
    migrations = {f"assistant/_data/{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "alembic").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts}
    assert refs and migrations and (refs | migrations) - names == set()


def test_the_installed_command_runs_apart_from_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                           "--target", str(site), str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    command = site / "bin" / "mesdroits"
    env = {**os.environ, "PYTHONPATH": str(site), "MESDROITS_DATA_DIR": str(tmp_path / "data")}
    env.pop("MESDROITS_LOG", None)
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(command), *args], cwd=outside, env=env, capture_output=True, text=True,
                              timeout=120)

    where = subprocess.run([sys.executable, "-c", "import assistant; print(assistant.__file__)"], cwd=outside,
                           env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(site)), where   # the installed copy, not the checkout
    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"{NAME} {VERSION}", version
    example = str(ROOT / "examples" / "amina-rsa.json")
    analysed = run("analyse", example)
    assert analysed.returncode == 0, analysed.stderr
    assert json.loads(analysed.stdout) == json.loads(run_cli("analyse", example).stdout)
    migrated = run("migrate")        # the store's migrations, from inside the package
    assert migrated.returncode == 0, migrated.stderr
    letters = run("letters", example, "--out", str(tmp_path / "out"))
    assert letters.returncode == 0 and (tmp_path / "out" / "appeal.docx").is_file(), letters.stderr


# --- The lock files: every dependency pinned with its hashes ------------------------------------


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw.split("[", 1)[0]).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, version = line.split("==")
            pins[_name(name)] = version.strip()
    return pins


def _locked(path: Path) -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes)."""
    text = path.read_text(encoding="utf-8")
    entries = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._\[\]-]*)==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)", text, re.M)
    return {_name(name): (version, hashes.count("--hash=")) for name, version, hashes in entries}


def test_the_lock_files_hold_the_pins_with_their_hashes():
    runtime = _pins(ROOT / "requirements.txt")
    test = {**runtime, **_pins(ROOT / "requirements-test.txt")}
    locked_runtime, locked_test = _locked(ROOT / "requirements.lock"), _locked(ROOT / "requirements-test.lock")
    for pins, locked, lock in ((runtime, locked_runtime, "requirements.lock"), (test, locked_test, "requirements-test.lock")):
        stale = {name: (version, locked.get(name, ("absent",))[0]) for name, version in pins.items()
                 if locked.get(name, ("",))[0] != version}
        assert not stale, f"{lock} is stale (make lock): {stale}"
        assert all(count >= 1 for _, count in locked.values()), lock
    # The test environment adds to the runtime one, never changes it.
    assert {name: locked_test[name][0] for name in locked_runtime} == {n: v for n, (v, _) in locked_runtime.items()}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements.lock" in makefile
    assert "pip install --quiet --require-hashes -r requirements-test.lock" in makefile


# --- make: the virtualenv -----------------------------------------------------------------------

FAKE_PYTHON_WITHOUT_VENV = """#!/bin/sh
# Debian's python3 without python3-venv: `-m venv DIR` leaves DIR/bin/python, no pip, exit 1.
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\nexit 1\\n' > "$3/bin/python"; chmod +x "$3/bin/python"
  echo "The virtual environment was not created successfully because ensurepip is not available." >&2
  exit 1
fi
exit 0
"""


def _make(folder: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess:
    make = shutil.which("make")
    assert make, "make est nécessaire (apt-get install make)"
    env = {**os.environ, "PATH": path or os.environ["PATH"]}
    return subprocess.run([make, "--no-print-directory", "-C", str(folder), *args], capture_output=True, text=True,
                          env=env, timeout=60)


def _project(tmp_path: Path) -> Path:
    """A checkout stand-in: the real Makefile and requirement files, nothing else."""
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("Makefile", "requirements.txt", "requirements-test.txt", "requirements.lock", "requirements-test.lock"):
        shutil.copy2(ROOT / name, folder / name)
    return folder


def test_make_run_without_python3_venv_says_so_in_french_and_leaves_no_venv(tmp_path):
    folder = _project(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(FAKE_PYTHON_WITHOUT_VENV)
    (bin_dir / "python3").chmod(0o755)
    for _ in range(2):   # and again: the failed attempt left nothing that would let it go further
        done = _make(folder, "run", path=f"{bin_dir}:{os.environ['PATH']}")
        assert done.returncode != 0
        assert "python3-venv" in done.stderr and "sudo apt-get install python3-venv" in done.stderr, done.stderr
        assert "Rien n'a été laissé dans .venv" in done.stderr
        assert not (folder / ".venv").exists()


def test_make_keeps_an_existing_working_venv(tmp_path):
    """A .venv made before the stamp existed, where pip runs, is used as it is (never rebuilt)."""
    folder = _project(tmp_path)
    venv_bin = folder / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    calls = tmp_path / "calls.log"
    (venv_bin / "python").write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexit 0\n')
    (venv_bin / "python").chmod(0o755)
    done = _make(folder, "install")
    assert done.returncode == 0, done.stderr
    assert (folder / ".venv" / ".created").is_file() and (folder / ".venv" / ".runtime-installed").is_file()
    assert calls.read_text().splitlines() == ["-m pip --version",
                                               "-m pip install --quiet --require-hashes -r requirements.lock"]
