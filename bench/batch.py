"""Batch speed and memory: `python -m assistant batch` on 1,000 and 10,000 generated rows.

Every run asks for DOCX and PDF (`--format both`): every letter, its guide, the report,
the statistics and the ZIP, checked after the run (every row ok, every DOCX with its PDF,
one PDF in 25 opened). Prints one line per figure: cases/s, the time projected for 10,000
cases, the peak memory (largest resident set of the batch and its workers) at each size
and their ratio; and, for the ratio, a baseline measured in the same run (one worker).
Aims (issue 20): 10,000 cases in under 2 minutes on 2 cores, peak memory at 10,000 within
1.2× that at 1,000. Rows come from tests/casegen.py, each city matching its postcode.
Usage: python bench/batch.py [ROWS ...] [--no-baseline] [--floor]   (default: 1000 10000)

`--floor` prints instead the least time any Typst PDF could give: the batch without PDF
(`--format docx`, CPU a case and documents a case) plus, for each document, the CPU of the
cheapest compile the `typst` wheel does (a one-line page, and a letter compiled again with
the same data, its layout then cached), projected to 10,000 cases on 2 cores.
"""

from __future__ import annotations

import csv
import os
import random
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


# The generator's postcodes with their city: a row whose city the postcode contradicts is
# refused (issue 20), and the bench measures letters, not refusals.
CITIES = {"44000": "Nantes", "69008": "Lyon", "75011": "Paris", "57000": "Metz", "67000": "Strasbourg",
          "68100": "Mulhouse", "97110": "Pointe-à-Pitre", "97200": "Fort-de-France", "97300": "Cayenne",
          "97400": "Saint-Denis", "97600": "Mamoudzou", "20000": "Ajaccio", "20200": "Bastia",
          "13001": "Marseille", "59000": "Lille", "33000": "Bordeaux", "38000": "Grenoble",
          "97133": "Saint-Barthélemy"}


def bench_case(seed: int) -> dict:
    """One valid row: tests/casegen.py's random case, its city matching its postcode."""
    case = random_case(random.Random(seed))
    case["claimant"]["city"] = CITIES[case["claimant"]["postal_code"]]
    return flatten(case)


def write_rows(path: Path, rows: int) -> None:
    """The CSV, written one row at a time (the bench's own memory stays small)."""
    columns = sorted(bench_case(0))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=";")
        writer.writeheader()
        for seed in range(rows):
            row = bench_case(seed)
            writer.writerow({c: "" if row.get(c) is None else row[c] for c in columns})


# Runs the batch as its child and prints the largest resident set of the batch and its
# workers (RUSAGE_CHILDREN: every waited-for descendant), so that each size is measured alone.
PROBE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=False, capture_output=True); "
         "u = resource.getrusage(resource.RUSAGE_CHILDREN); print(u.ru_maxrss, u.ru_utime + u.ru_stime)")


def check(out: Path, rows: int) -> str:
    """The same files as ever: every row ok with its PDF, every DOCX with its PDF twin, the
    report and statistics in the ZIP; one PDF in 25 opened with pypdf."""
    import io
    import zipfile

    from pypdf import PdfReader

    with zipfile.ZipFile(out / "dossiers.zip") as archive:
        names = archive.namelist()
        report = list(csv.DictReader(io.StringIO(archive.read("rapport.csv").decode("utf-8")), delimiter=";"))
        docx = {n[:-5] for n in names if n.endswith(".docx")}
        pdfs = sorted(n for n in names if n.endswith(".pdf"))
        opened = sum(len(PdfReader(io.BytesIO(archive.read(n))).pages) > 0 for n in pdfs[::25])
    problems = []
    if len(report) != rows or any(r["statut"] != "ok" or r["pdf"] != "ok" for r in report):
        problems.append("rows not ok")
    if docx != {n[:-4] for n in pdfs} or "statistiques.json" not in names:
        problems.append("files missing")
    if opened != len(pdfs[::25]):
        problems.append("a PDF does not open")
    return (f"{len(names):,} files, {len(pdfs):,} PDF, {opened} opened" if not problems else "; ".join(problems))


def run(rows: int, workers: str) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (the batch and its workers: what a busy machine does not
    blur), peak RSS (MB, the largest process of the run) and the output check."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.csv"
        write_rows(source, rows)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MESDROITS_BATCH_WORKERS": workers}
        command = [sys.executable, "-m", "assistant", "batch", str(source), "--out", str(Path(tmp) / "out"),
                   "--format", "both"]
        start = time.perf_counter()
        probe = subprocess.run([sys.executable, "-c", PROBE, *command], cwd=ROOT, env=env, check=True,
                               capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        peak, cpu = probe.stdout.split()
        return elapsed, float(cpu), int(peak) / 1024, check(Path(tmp) / "out", rows)


def floor(rows: int = 1000) -> None:
    """Why the 2-minute aim is out of reach with one Typst compile per PDF (see the docstring)."""
    import json

    import typst

    from assistant.letters import typeset
    from bench.letters import make_letters
    from assistant.letters.render import letter_context

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.csv"
        write_rows(source, rows)
        command = [sys.executable, "-m", "assistant", "batch", str(source), "--out", str(Path(tmp) / "out"),
                   "--format", "docx"]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MESDROITS_BATCH_WORKERS": "2"}
        probe = subprocess.run([sys.executable, "-c", PROBE, *command], cwd=ROOT, env=env, check=True,
                               capture_output=True, text=True)
        cpu = float(probe.stdout.split()[1]) / rows
        documents = sum(1 for _ in (Path(tmp) / "out").rglob("*.docx")) / rows

    def per_compile(compile_once, times: int = 200) -> float:
        for _ in range(20):
            compile_once()
        start = time.process_time()
        for _ in range(times):
            compile_once()
        return (time.process_time() - start) / times

    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "line.typ"
        page.write_text('#set text(font: "DejaVu Sans")\nMadame, Monsieur,\n', encoding="utf-8")
        fonts = [str(d) for d in typeset.FONT_DIRS]
        line = typst.Compiler(input=str(page), root=tmp, font_paths=fonts, ignore_system_fonts=True)
        empty = per_compile(lambda: line.compile(format="pdf"))
    letter = json.dumps({**letter_context(make_letters(1)[0]), "fonts": typeset.FONTS}, ensure_ascii=False)
    engine = typeset._engine(typeset.LETTER_TYPST)._compiler
    cached = per_compile(lambda: engine.compile(sys_inputs={"data": letter}, format="pdf"))
    for label, each in (("a one-line page", empty), ("a letter with its layout cached", cached)):
        least = (cpu + documents * each) * 10_000 / 2
        print(f"floor: batch without PDF {cpu * 1000:.1f} ms of CPU a case, {documents:.2f} documents a case; "
              f"Typst, {label}: {each * 1000:.2f} ms a PDF → 10,000 cases with PDF at least {least:.0f} s "
              f"on 2 cores (aim 120 s)")


def main() -> None:
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    sizes = [int(a) for a in sys.argv[1:] if a not in flags] or [1000, 10_000]
    if "--floor" in flags:
        floor(sizes[0] if sizes != [1000, 10_000] else 1000)
        return
    peaks = {}
    for rows in sizes:
        ours, cpu, peaks[rows], checked = run(rows, "2")
        print(f"batch {rows:,} rows, DOCX + PDF, 2 workers: {rows / ours:,.0f} cases/s, {ours:.1f} s "
              f"(10,000 projected: {10_000 / (rows / ours):.0f} s), CPU {cpu / rows * 1000:.0f} ms a case, "
              f"peak memory {peaks[rows]:.0f} MB; {checked}")
        if rows <= 1000 and "--no-baseline" not in flags:
            naive, naive_cpu, _, _ = run(rows, "1")
            print(f"batch {rows:,} rows, 1 worker (baseline): {rows / naive:,.0f} cases/s, CPU "
                  f"{naive_cpu / rows * 1000:.0f} ms a case — ratio {naive / ours:.2f}×")
    if len(peaks) > 1:
        low, high = min(peaks), max(peaks)
        print(f"peak memory {high:,} rows / {low:,} rows: {peaks[high] / peaks[low]:.2f}× (aim ≤ 1.2×)")


if __name__ == "__main__":
    main()
