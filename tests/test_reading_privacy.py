"""Reading a letter writes nothing (issue 21, point 6): `read` runs under strace, which lists
every file the command and Tesseract open or change; none is opened for writing, created,
renamed or removed. Its home and temporary folders are also an empty folder it cannot write to,
which stays empty.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SHARED, require_shared, require_tool

CALLS = "open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,link,linkat," \
        "symlink,symlinkat,truncate"
WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND|O_TMPFILE")
CHANGES = re.compile(r"^\s*(?:\[pid\s+\d+\]\s*)?\d*\s*(creat|rename\w*|unlink\w*|mkdir\w*|link\w*|symlink\w*|truncate)\(")
# Devices and kernel views, never a file on a disk.
HARMLESS = ("/dev/null", "/dev/tty", "/proc/", "/sys/")


def _writes(trace: str) -> list[str]:
    found = []
    for line in trace.splitlines():
        if "ENOENT" in line and "O_CREAT" not in line:
            continue
        path = re.search(r'"([^"]*)"', line)
        name = path.group(1) if path else ""
        opened = re.search(r"\bopen(?:at2?)?\(", line) and WRITE_FLAGS.search(line)
        if (opened or CHANGES.search(line)) and not name.startswith(HARMLESS):
            found.append(line.strip())
    return found


@pytest.mark.slow
def test_read_writes_no_file(tmp_path):
    strace = require_tool("strace", "strace")
    require_tool("tesseract", "tesseract-ocr")
    photo = require_shared(SHARED / "letters" / "caf-apl-suspension-photo.jpg")
    sealed = tmp_path / "home"
    sealed.mkdir()
    sealed.chmod(0o500)
    trace = tmp_path / "trace.txt"   # written by strace itself, which is not traced
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(sealed), "TMPDIR": str(sealed),
           # Python's own bytecode cache holds no letter, but a stale one would be a write here.
           "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([strace, "-f", "-qq", "-e", f"trace={CALLS}", "-o", str(trace),
                           sys.executable, "-m", "assistant", "read", str(photo), "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert '"claimant.file_number"' in done.stdout   # the letter was really read
    lines = trace.read_text(encoding="utf-8", errors="replace")
    assert lines.count("\n") > 50, "strace traced nothing"
    assert "tesseract" in lines or "tessdata" in lines, "Tesseract did not run under strace"
    assert _writes(lines) == []
    assert list(sealed.iterdir()) == []


def test_the_check_sees_a_write():
    """The trace reading itself: a real write is caught, a read or a device is not."""
    trace = "\n".join([
        '123 openat(AT_FDCWD, "/usr/lib/python3.11/os.py", O_RDONLY|O_CLOEXEC) = 3',
        '123 openat(AT_FDCWD, "/dev/null", O_WRONLY|O_CLOEXEC) = 4',
        '124 openat(AT_FDCWD, "/tmp/page.png", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 5',
        '124 unlink("/tmp/page.png") = 0',
        '125 openat(AT_FDCWD, "/home/x/.cache/y", O_RDONLY) = -1 ENOENT (No such file or directory)',
    ])
    assert [line.split()[1] for line in _writes(trace)] == ['openat(AT_FDCWD,', 'unlink("/tmp/page.png")']
