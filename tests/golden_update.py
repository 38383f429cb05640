"""Regenerate the golden letter texts: `python -m tests.golden_update` (or `make golden`).

tests/golden/<scenario>/<letter_id>.txt is the plain text extracted (python-docx) from the
rendered DOCX of every letter the analysis proposes for every valid scenario, plus
guide.txt, the sending guide. Scenarios: the public ones (tests/scenarios/public, a copy of
../shared/scenarios), and ours in tests/golden/cases/.
Review the diff before committing: it is the wording a lawyer signs off on.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
OWN_CASES = GOLDEN / "cases"
PUBLIC_SCENARIOS = ROOT / "tests" / "scenarios" / "public"


def golden_scenarios() -> list[tuple[str, dict]]:
    """(name, case dict) for every valid public scenario and every case of ours."""
    out = []
    for path in sorted(PUBLIC_SCENARIOS.glob("*.json")) + sorted(OWN_CASES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("expect", {}).get("exit", 0) == 0:
            out.append((path.stem, data["case"]))
    return out


def docx_text(content: bytes) -> str:
    """The text of a DOCX as a reader sees it: one line per paragraph, breaks kept."""
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs) + "\n"


def render_texts(case_data: dict) -> dict[str, str]:
    """{file name: extracted text} for one scenario: each letter and the guide."""
    from assistant.law.analysis import analyse
    from assistant.letters import build_letters, render_docx, render_guide_docx
    from assistant.law.model import parse_case

    case = parse_case(case_data)
    letters = build_letters(case, analyse(case))
    texts = {f"{letter.id}.txt": docx_text(render_docx(letter)) for letter in letters}
    texts["guide.txt"] = docx_text(render_guide_docx(letters))
    return texts


def main() -> int:
    sys.path.insert(0, str(ROOT))
    names = set()
    for name, case_data in golden_scenarios():
        names.add(name)
        folder = GOLDEN / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for file_name, text in render_texts(case_data).items():
            (folder / file_name).write_text(text, encoding="utf-8")
        print(f"{folder.relative_to(ROOT)}: {len(list(folder.iterdir()))} files")
    for stale in GOLDEN.iterdir():
        if stale.is_dir() and stale.name not in names and stale != OWN_CASES:
            shutil.rmtree(stale)
            print(f"removed {stale.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
