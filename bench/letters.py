"""Letters benchmark: 1,000 letters rendered our way and the naive way, then PDF.

    .venv/bin/python bench/letters.py [--n 1000] [--naive-sample 200] [--no-pdf]

One line per figure. Ours = `render_docx_many` (template parsed once, static zip parts
compressed once, two worker processes). Naive = `DocxTemplate(path)` + render + save per
letter, measured in the same run on a sample and reported per letter. PDF = the batched
LibreOffice conversion of all 1,000 DOCX (`to_pdf`), against Typst typesetting the same
letters in process (`render_pdf_many`, two worker processes), and the first PDF of each
engine from cold (what a person waits for in the app).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.law.analysis import analyse  # noqa: E402
from assistant.letters import build_letters, render_docx_many, to_pdf  # noqa: E402
from assistant.letters.pdf import render_pdf_many  # noqa: E402
from assistant.letters.render import LETTER_TEMPLATE, letter_context  # noqa: E402
from assistant.law.model import parse_case  # noqa: E402
from tests.casegen import random_case  # noqa: E402


def make_letters(n: int):
    rng = random.Random(2026)
    letters = []
    while len(letters) < n:
        case = parse_case(random_case(rng))
        letters += build_letters(case, analyse(case))
    return letters[:n]


def naive(letters) -> float:
    from docxtpl import DocxTemplate

    start = time.perf_counter()
    for letter in letters:
        template = DocxTemplate(LETTER_TEMPLATE)
        template.render(letter_context(letter), autoescape=True)
        template.save(io.BytesIO())
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--naive-sample", type=int, default=200, help="letters rendered the naive way (rate extrapolated)")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    letters = make_letters(args.n)
    build = time.perf_counter() - start
    print(f"build {len(letters)} letters (case → analysis → Letter): {len(letters) / build:.0f} letters/s")

    sample = letters[: args.naive_sample]
    naive_rate = len(sample) / naive(sample)
    print(f"naive DocxTemplate(path)+render+save: {naive_rate:.1f} letters/s ({len(sample)} letters)")

    start = time.perf_counter()
    documents = render_docx_many(letters)
    ours = time.perf_counter() - start
    ours_rate = len(documents) / ours
    print(f"ours render_docx_many: {ours_rate:.1f} letters/s ({len(documents)} letters in {ours:.2f} s)")
    print(f"ratio ours/naive: {ours_rate / naive_rate:.1f}x")

    if not args.no_pdf:
        import subprocess
        cold = ("import time; t = time.perf_counter(); from assistant.letters import typeset; "
                "from bench.letters import make_letters; l = make_letters(1)[0]; t = time.perf_counter(); "
                "typeset.letter_pdf(l); print(time.perf_counter() - t)")
        first = float(subprocess.run([sys.executable, "-c", cold], cwd=ROOT, capture_output=True, text=True,
                                     check=True).stdout)
        print(f"pdf first letter, typst, cold engine: {first * 1000:.0f} ms")
        start = time.perf_counter()
        to_pdf({"first.docx": documents[0]})
        print(f"pdf first letter, libreoffice, cold soffice: {(time.perf_counter() - start) * 1000:.0f} ms")
        start = time.perf_counter()
        typst_pdfs = render_pdf_many(letters)
        typst_time = time.perf_counter() - start
        print(f"pdf {len(typst_pdfs)} letters via typst (2 processes): {typst_time:.1f} s "
              f"({len(typst_pdfs) / typst_time:.1f} letters/s)")
        start = time.perf_counter()
        pdfs = to_pdf({f"{i:04d}_{letter.id}.docx": doc for i, (letter, doc) in enumerate(zip(letters, documents))})
        elapsed = time.perf_counter() - start
        print(f"pdf {len(pdfs)} letters via batched soffice: {elapsed:.1f} s ({len(pdfs) / elapsed:.1f} letters/s)")
        print(f"ratio typst/libreoffice: {elapsed / typst_time:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
