"""The README's worked example is what the command really prints."""

import json
import re
from pathlib import Path

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


def test_worked_example_matches_the_cli():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    out = json.loads(run_cli("analyse", "examples/amina-rsa.json").stdout)
    shown = re.search(r'"appeal": (\{.*?\n  \})', readme, re.S).group(1)
    assert json.loads(shown) == out["appeal"]
    assert f'"letters": {json.dumps(out["letters"])}' in readme
    for right in out["rights"]:
        assert right["id"] in readme
