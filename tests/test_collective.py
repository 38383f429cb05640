"""An association's letters about a body's algorithmic processing (issue 10, item 6)."""

import copy
import io
import json

from docx import Document

from assistant.law.legal_refs import load_refs
from assistant.letters import render_docx
from assistant.letters.collective import build_collective, parse_request
from tests.conftest import ROOT, run_cli

EXAMPLE = json.loads((ROOT / "examples" / "association-cnaf.json").read_text(encoding="utf-8"))


def test_every_paragraph_and_guide_cites_existing_texts():
    refs = load_refs()
    letters = build_collective(parse_request(EXAMPLE))
    assert [l.id for l in letters] == ["algorithm_rules_request", "algorithm_rules_cada_referral"]
    for letter in letters:
        for paragraph in letter.paragraphs:
            assert paragraph.cites and set(paragraph.cites) <= refs.keys(), paragraph.key
        assert set(letter.guide.cites) <= refs.keys() and "article R. 3" in letter.guide.how
    request = letters[0].plain_text()
    assert "L. 300-2" in request and "L. 312-1-3" in request and "code source" in request
    assert letters[1].recipient[0].startswith("Commission d'accès")


def test_same_request_same_letters_and_user_text_verbatim_in_the_docx():
    data = copy.deepcopy(EXAMPLE)
    data["processing"] = "« score » & <règles> \u202eévaluées"
    first = build_collective(parse_request(data))
    assert first == build_collective(parse_request(copy.deepcopy(data)))
    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(first[0]))).paragraphs)
    assert "« score » & <règles> évaluées" in text and "\u202e" not in text


def test_cli_writes_both_letters_and_refuses_a_bad_request(tmp_path):
    result = run_cli("collective", str(ROOT / "examples" / "association-cnaf.json"), "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["algorithm_rules_cada_referral.docx", "algorithm_rules_request.docx"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**EXAMPLE, "association": {"name": "X"}}), encoding="utf-8")
    refused = run_cli("collective", str(bad), "--out", str(tmp_path / "p"))
    assert refused.returncode == 2 and "association.address" in refused.stderr and "Traceback" not in refused.stderr
