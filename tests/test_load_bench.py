"""bench/load.py still speaks Streamlit's protocol to the real app: one simulated person, no
think time, goes from the start screen to the letters page against a `streamlit run` it
starts, with no error (a widget key, page flow or message change would stop it)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("load_bench")]


def test_one_person_reaches_the_letters_over_the_websocket() -> None:
    run = subprocess.run([sys.executable, "bench/load.py", "--processes", "1", "--people", "1", "--think", "0", "0",
                          "--journeys", "1", "--idle", "0", "--verbose"],
                         cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    line = next(row for row in run.stdout.splitlines() if row.startswith("processes=1 people="))
    assert "errors=0" in line and "journeys=1" in line, run.stdout
    actions = int(re.search(r"actions=\s*(\d+)", line).group(1))
    assert actions >= 20, line   # the page load, « Commencer », each answer, each screen, rights, letters
    assert re.search(r"letters_p50=\d+ ms", line), line
    assert "vos courriers: n=1" in run.stdout and "réponse: n=" in run.stdout, run.stdout
