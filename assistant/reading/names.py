"""Which of two names is the first name: « Benhamou Brigitte » and « Brigitte Benhamou » both
give (« Brigitte », « Benhamou »), when a letter prints both in small letters and its greeting
does not tell.

The first names are INSEE's (first_names.txt, made by tools/make_first_names.py). A name that
is both a first and a last name (« Martin », « Laurent ») decides nothing.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

from assistant.reading.text import fold

FIRST_NAMES = Path(__file__).resolve().parent / "first_names.txt"


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The folded first names of first_names.txt, loaded once."""
    lines = FIRST_NAMES.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_first_name(word: str) -> bool:
    """A known first name, or a compound of known first names (« Marie-Claire », « Jean-Kévin »)."""
    folded = fold(word.strip())
    known = first_names()
    return folded in known or ("-" in folded and all(part in known for part in folded.split("-")))


def order(a: str, b: str) -> Optional[tuple[str, str]]:
    """(first name, last name) when exactly one of `a` and `b` is a known first name; None when
    both or neither are (the order stays a guess)."""
    first_a, first_b = is_first_name(a), is_first_name(b)
    if first_a == first_b:
        return None
    return (a, b) if first_a else (b, a)


def against_print(a: str, b: str) -> bool:
    """Whether `b`, printed second, is the only known first name and a compound (« Ravi
    Jean-Baptiste », « Guillemot Marie-Pierre »): « Jean-Baptiste », « Marie-Louise » are family
    names too, overseas above all, so neither the print's order nor the names tell which is which."""
    return not is_first_name(a) and is_first_name(b) and "-" in b
