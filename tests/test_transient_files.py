"""No personal file stays in the temp folders or /dev/shm: after a success, a failure, or a
conversion killed with kill -9 (the next conversion sweeps what it left)."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from assistant.law.analysis import analyse
from assistant.letters import build_letters, render_docx_many
from assistant.letters import pdf
from assistant.law.model import parse_case
from tests.conftest import ROOT, VALID_SCENARIOS, require_tool

FOLDERS = [Path(tempfile.gettempdir()), Path("/dev/shm")]
# On one worker, one after the other: the kill -9 test leaves a dead process's folders on
# purpose, which a test running beside it would count.
pytestmark = pytest.mark.xdist_group("transient_files")


def transient(*own: int, dead: bool = True) -> set[str]:
    """The transient folders that are ours (this process or the `own` children) and, with
    `dead`, those left by a process that is gone; those of another live process — the other
    test worker converting at the same moment — are not ours to judge."""
    mine = {os.getpid(), *own}

    def counts(name: str) -> bool:
        pid = name[len(pdf.TRANSIENT):].split("-", 1)[0]
        return not pid.isdigit() or int(pid) in mine or (dead and not pdf._alive(int(pid)))

    return {p.name for folder in FOLDERS if folder.is_dir() for p in folder.glob(f"{pdf.TRANSIENT}*") if counts(p.name)}


def docx_files() -> dict[str, bytes]:
    case = parse_case(VALID_SCENARIOS[0][1]["case"])
    letters = build_letters(case, analyse(case))
    return {f"{letter.id}.docx": data for letter, data in zip(letters, render_docx_many(letters))}


def test_success_and_failure_leave_nothing(tmp_path, monkeypatch):
    """Judged on this process's own folders only: a conversion killed elsewhere at the same
    moment (another worker's test) leaves folders of a dead process that are not ours."""
    require_tool("soffice", "libreoffice-writer-nogui")
    before = transient(dead=False)
    assert set(pdf.to_pdf(docx_files())) and transient(dead=False) <= before
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "soffice").write_text("#!/bin/sh\nexit 3\n")
    (fake / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    try:
        pdf.to_pdf(docx_files())
    except pdf.PdfUnavailable as error:
        assert "échoué" in str(error)
    else:
        raise AssertionError("a failing LibreOffice must raise PdfUnavailable")
    assert transient(dead=False) <= before


def test_a_killed_conversion_is_swept_by_the_next_one():
    require_tool("soffice", "libreoffice-writer-nogui")
    before = transient()
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from tests.test_transient_files import docx_files; "
              "from assistant.letters import pdf; pdf.to_pdf(docx_files())")
    child = subprocess.Popen([sys.executable, "-c", script, str(ROOT)], cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (transient(child.pid) - before):
        time.sleep(0.05)
    leftovers = transient(child.pid) - before
    os.killpg(child.pid, signal.SIGKILL)      # the conversion and its soffice, no cleanup
    child.wait()
    assert leftovers, "the conversion never started"
    time.sleep(0.2)
    pdf.sweep_transient()
    # judged on the killed conversion's own folders: another worker's test may hold its own
    # meanwhile (stop 30's clean-clone run: a PostgreSQL test's « mesdroits-pg-… »)
    assert not (leftovers & transient()), leftovers & transient()
