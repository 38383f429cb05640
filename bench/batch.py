"""Batch speed and memory: `python -m assistant batch` on 1,000 and 10,000 generated rows.

Prints one line per figure: cases/s, the time projected for 10,000 cases, and the peak
memory (resident set of the batch and its workers) at each size; and, for the ratio, a
naive baseline measured in the same run (one process, every file written the plain way).
Aims (issue 10): 10,000 cases in under 2 minutes on 2 cores, under 200 MB.
Usage: python bench/batch.py [ROWS ...]   (default: 1000 10000)
"""

from __future__ import annotations

import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.casegen import random_case  # noqa: E402


def flatten(node: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in node.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def write_rows(path: Path, rows: int) -> None:
    cases = [flatten(random_case(random.Random(seed))) for seed in range(rows)]
    columns = sorted({c for row in cases for c in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=";")
        writer.writeheader()
        for row in cases:
            writer.writerow({c: "" if row.get(c) is None else row[c] for c in columns})


def run(rows: int, workers: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, the largest process of the run)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.csv"
        write_rows(source, rows)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MESDROITS_BATCH_WORKERS": workers}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "batch", str(source), "--out", str(Path(tmp) / "out")],
                       cwd=ROOT, env=env, check=False, capture_output=True)
        elapsed = time.perf_counter() - start
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return elapsed, peak


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10_000]
    for rows in sizes:
        ours, peak = run(rows, "2")
        print(f"batch {rows:,} rows, 2 workers: {rows / ours:,.0f} cases/s, {ours:.1f} s "
              f"(10,000 projected: {10_000 / (rows / ours):.0f} s), peak memory {peak:.0f} MB")
        if rows <= 1000:
            naive, _ = run(rows, "1")
            print(f"batch {rows:,} rows, 1 worker (baseline): {rows / naive:,.0f} cases/s — ratio {naive / ours:.2f}×")


if __name__ == "__main__":
    main()
