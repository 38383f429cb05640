"""App benchmark, one run: server time of each screen change (streamlit AppTest, the
README's Amina case), time to the first PDF and to the ZIP, and the transferred size of
the first page, raw and gzip-compressed as deploy/nginx.conf serves it.

    .venv/bin/python bench/app.py

One line per figure. Baseline in the same run: the first PDF through a cold LibreOffice,
which the app used before (`to_pdf` of the DOCX).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from assistant.law import interview as iv  # noqa: E402

APP = str(ROOT / "assistant" / "app.py")
CASE = json.loads((ROOT / "examples" / "amina-rsa.json").read_text(encoding="utf-8"))


def timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"the app failed: {at.exception}")
    return elapsed


def button(at: AppTest, key: str):
    try:
        return at.button(key=key)
    except KeyError:
        return None


def screen_changes() -> tuple[list[tuple[str, float]], AppTest]:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["reference_date"] = dt.date.fromisoformat(CASE["today"])
    at.session_state["answers"] = iv.answers_from_case(CASE)
    timed(at)
    times = [("first run", timed(at))]
    time.sleep(3)  # a person reads the start screen; the engine and letters warm up meanwhile (letters/warm.py)
    for _ in range(len(iv.STEPS) + 2):
        forward = next((b for b in (button(at, "nav.next"), button(at, "nav.start")) if b is not None), None)
        if button(at, "to_rights") is not None or forward is None:
            break
        label = str(at.session_state["step"]) if "step" in at.session_state else "start"
        forward.click()
        times.append((f"next from {label}", timed(at)))
    if button(at, "to_rights") is None and "nav.review" in [b.key for b in at.button]:
        at.button(key="nav.review").click()
        times.append(("to review", timed(at)))
    at.button(key="to_rights").click()
    times.append(("review → rights", timed(at)))
    at.button(key="to_letters_top").click()
    times.append(("rights → letters (DOCX + PDF of every letter made here)", timed(at)))
    return times, at


def first_page_size() -> tuple[int, int]:
    """index.html and what it loads at once (JS bundle, CSS), as served raw and gzipped."""
    import streamlit

    static = Path(streamlit.__file__).parent / "static"
    html = (static / "index.html").read_bytes()
    files = [html] + [(static / ref.lstrip("./")).read_bytes()
                      for ref in re.findall(r'(?:src|href)="(\.?/?static/[^"]+\.(?:js|css))"', html.decode())]
    return sum(map(len, files)), sum(len(gzip.compress(f, 6)) for f in files)


def main() -> int:
    times, at = screen_changes()
    for label, seconds in times:
        print(f"screen change {label}: {seconds * 1000:.0f} ms (server)")
    changes = [s for label, s in times[1:-1]]
    print(f"screen change, interview, max: {max(changes) * 1000:.0f} ms")
    print(f"time to first PDF (letters page, all PDFs ready when it shows): {times[-1][1] * 1000:.0f} ms")

    made = at.session_state["letters_bundle"]
    start = time.perf_counter()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # the page's method: stored
        for name, data in (*made.docx.items(), *made.pdf.items()):
            archive.writestr(name, data)
    print(f"time to ZIP ({len(made.docx) + len(made.pdf)} files, {len(buffer.getvalue()) // 1024} KB): "
          f"{(time.perf_counter() - start) * 1000:.1f} ms")

    from assistant.letters import to_pdf

    first = next(iter(made.docx.items()))
    start = time.perf_counter()
    to_pdf(dict([first]))
    print(f"baseline: first PDF through cold LibreOffice: {(time.perf_counter() - start) * 1000:.0f} ms")

    raw, packed = first_page_size()
    print(f"first page transfer: {raw / 1e6:.2f} MB raw, {packed / 1e6:.2f} MB gzip (deploy/nginx.conf), "
          f"{raw / packed:.1f}x smaller")
    return 0


if __name__ == "__main__":
    sys.exit(main())
