"""Analysis speed: in-process cases/s over 10,000 generated cases, and one CLI call's wall time.

Prints one line per figure (aims: > 1,000 cases/s; CLI < 1 s including start-up).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.law.analysis import analyse  # noqa: E402
from assistant.law.model import parse_case  # noqa: E402
from tests.casegen import random_case  # noqa: E402

N = 10_000


def main() -> None:
    cases = [random_case(random.Random(seed)) for seed in range(N)]
    analyse(parse_case(cases[0]))  # warm the caches (legal refs, holidays) like a running app
    start = time.perf_counter()
    for raw in cases:
        analyse(parse_case(raw))
    elapsed = time.perf_counter() - start
    print(f"analyse in-process: {N / elapsed:,.0f} cases/s ({elapsed / N * 1000:.3f} ms a case, validation included)")

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(cases[1], handle)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "analyse", handle.name], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    bare = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)
    os.unlink(handle.name)
    print(f"analyse CLI wall time: {min(runs):.3f} s (best of 5; median {sorted(runs)[2]:.3f} s)")
    print(f"bare interpreter start-up: {min(bare):.3f} s; CLI / bare ratio: {min(runs) / min(bare):.1f}x")


if __name__ == "__main__":
    main()
