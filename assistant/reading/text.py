"""The letter's text as the reading rules see it: mended, folded, cut into lines and sentences.

Tesseract's text keeps the letter's lines (needed for the address blocks) but breaks words
(« suspen-\\nsion »), drops accents and misreads a few letters (« ler octobre », « n0s »).
Rules match the folded text (lower case, no accents, one space between words); the folding
keeps every character's place, so the evidence shown is always the letter's own words.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

PATTERNS = Path(__file__).resolve().parent / "patterns.yaml"

MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
          "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
# The months as letters shorten them (« 3 nov. 2026 », « 12 janv. 2026 »), after the full names
# so that a full name is read whole.
MONTHS_SHORT = {"janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH = "|".join([*MONTHS, *MONTHS_SHORT])
# « 2 novembre 2026 », « 1er octobre 2026 » (OCR: « ler », « Ier »), « 3 nov. 2026 »; « 02/11/2026 ».
DATE = re.compile(rf"\b(?P<d>[0-3]?\d|1er)\s+(?P<m>{_MONTH})\.?\s+(?P<y>(?:19|20)\d\d)\b"
                  rf"|\b(?P<nd>[0-3]?\d)[/.-](?P<nm>[01]?\d)[/.-](?P<ny>(?:19|20)\d\d)\b")
# « 1 234,50 € », « 1234.50 euros » (a point before two figures and the currency: cents),
# « 1.234 € », « 80 EUR »; the currency first, as some systems print it: « EUR 920,22 »; « 183,60 E ».
AMOUNT = re.compile(r"(?<![\d,.])(?P<int>\d{1,3}(?:[ .]\d{3})+|\d+)(?:(?:,|\.(?=\d\d\s?(?:€|euros?\b|eur\b)))(?P<dec>\d{1,2}))?"
                    r"\s?(?:€|euros?\b|eur\b)"
                    r"|(?:\beur|€) ?(?P<pint>\d{1,3}(?:[ .]\d{3})+|\d+),(?P<pdec>\d{2})(?!\d|[,.]\d)"
                    # « 183,60 E » (a listing printed without the euro sign), its cents always
                    r"|(?<![\d,.])(?P<eint>\d{1,3}(?:[ .]\d{3})+|\d+),(?P<edec>\d{2}) ?e\b(?![''’-])")
EVIDENCE_MAX = 160


@lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    """patterns.yaml, loaded once."""
    import yaml

    return yaml.safe_load(PATTERNS.read_text(encoding="utf-8"))


@lru_cache(maxsize=512)
def compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.MULTILINE)


def cues(name: str) -> list[re.Pattern[str]]:
    """The compiled patterns of one list of patterns.yaml."""
    return [compiled(p) for p in patterns()[name]]


def _fold_char(ch: str) -> str:
    if ch in "’‘`´":
        return "'"
    if ch.isspace():
        return "\n" if ch == "\n" else " "
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


_OCR_MENDS = (
    (re.compile(r"(?<=[a-z])0(?=[a-z])|(?<=\bn)0(?=s?\b)"), "o"),          # « n0s », « inf0rmation »
    (re.compile(r"^0(?=bjet\b)", re.MULTILINE), "o"),                       # « 0bjet »
    (re.compile(r"(?<=\d)[o](?=\d)"), "0"),                                  # « 2o26 »
    (re.compile(r"(?<=\d)[li|](?=\d)"), "1"),                                # « 2l »
    (re.compile(rf"\b[li|]er(?=\s+(?:{_MONTH})\b)"), "1er"),                 # « ler octobre »
    # an elision printed without its apostrophe (a mainframe's capitals: « PRIME D ACTIVITE »)
    (re.compile(r"(?:(?<=(?<![\w'])[cdjlns])|(?<=(?<![\w'])qu)) (?=[aeiouyh]\w)"), "'"),
)


def fold(text: str) -> str:
    """Lower case, no accents, OCR slips mended: the same length as `text`, place for place."""
    out = "".join(_fold_char(ch) for ch in text)
    for pattern, repl in _OCR_MENDS:
        out = pattern.sub(lambda m: repl if len(repl) == len(m.group()) else m.group(), out)
    return out


def unbreak(text: str) -> str:
    """Words cut at the end of a line joined again (« suspen-\\nsion » → « suspension »),
    spaces at line ends dropped, runs of blank lines made one. A PDF's text layer marks a hyphen
    where the line was cut with U+FFFE (PDFium): before a capital it is a name's own hyphen
    (« Haute-Provence »), before a small letter a word cut in two. A hyphen OCR parted from
    the word before it (« RHÔNE -ALPES ») is joined again."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")
    text = re.sub("\ufffe(?=[A-ZÀ-Þ])", "-", text).replace("\ufffe", "")
    text = re.sub(r"(?<=[a-zà-ÿ])-[ \t]*\n[ \t]*(?=[a-zà-ÿ])", "", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"(?<=[^\W\d_]) -(?=[^\W\d_]{2})", "-", text)   # OCR's « RHÔNE -ALPES », « Nguyen -Thanh »
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_date(match: re.Match[str]) -> Optional[dt.date]:
    """A DATE match (on folded text) as a date, or None when it is not one."""
    if not 1990 <= int(match.group("y") or match.group("ny")) <= 2099:
        return None
    try:
        if match.group("m"):
            day = 1 if match.group("d") == "1er" else int(match.group("d"))
            month = MONTHS.get(match.group("m")) or MONTHS_SHORT[match.group("m")]
            return dt.date(int(match.group("y")), month, day)
        return dt.date(int(match.group("ny")), int(match.group("nm")), int(match.group("nd")))
    except ValueError:
        return None


def parse_amount(match: re.Match[str]) -> Decimal:
    """An AMOUNT (or a table row's amount) as a Decimal, whichever side its currency is on."""
    groups = match.groupdict()
    whole, cents = (groups["pint"], groups["pdec"]) if groups.get("pint") else \
        (groups["eint"], groups["edec"]) if groups.get("eint") else (groups["int"], groups["dec"])
    return Decimal(f"{re.sub(r'[ .]', '', whole)}.{(cents or '0').ljust(2, '0')}")


def as_number(amount: Decimal) -> float | int:
    return int(amount) if amount == amount.to_integral() else float(amount)


@dataclass(frozen=True)
class Hit:
    """A cue found: where, and the letter's words around it."""
    start: int
    end: int
    evidence: str


@dataclass
class Letter:
    """One letter's text in the views the rules need."""
    raw: str
    text: str = field(init=False)       # mended, with its lines
    folded: str = field(init=False)     # same length as `text`
    flat: str = field(init=False)       # one space between words (sentences over line ends)
    flat_folded: str = field(init=False)
    breaks: tuple[int, ...] = field(init=False)  # flat positions where a paragraph or a short line ends

    def __post_init__(self) -> None:
        self.text = unbreak(self.raw)
        self.folded = fold(self.text)
        flat, flat_folded, breaks = [], [], []
        lines = self.text.split("\n")
        # the text's width: its long lines' length, not the longest one's (a footer run on one
        # line, « Conseil départemental … — 49000 Angers 1/2 », would make every line « short »)
        lengths = sorted(len(line) for line in lines if line.strip())
        longest = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
        for line, folded in zip(lines, self.folded.split("\n")):
            words, fwords = line.split(), folded.split()
            if not words:
                breaks.append(len(" ".join(flat)))
                continue
            flat.append(" ".join(words))
            flat_folded.append(" ".join(fwords))
            if len(line) < 0.7 * longest or line.rstrip()[-1:] in ".:!?":
                breaks.append(len(" ".join(flat)))
        self.flat, self.flat_folded = " ".join(flat), " ".join(flat_folded)
        self.breaks = tuple(sorted(set(breaks)))

    @cached_property
    def lines(self) -> list[tuple[str, str]]:
        """(line, folded line), blank lines dropped, each stripped."""
        return [(a.strip(), b.strip()) for a, b in zip(self.text.split("\n"), self.folded.split("\n")) if a.strip()]

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Spans of the flat text's sentences: a full stop, a paragraph's end, a short line's end
        (a letterhead's or an address's line)."""
        # (after a small letter, accented too, a figure, a bracket or the euro sign: « versée. »,
        # « 847,74 €. »; not after a capital, « L. 262-46 », « M. Durand »)
        cuts = {m.end() for m in re.finditer(r"(?<=[a-zà-öø-ÿœ\d)»\]€])[.!?](?= )", self.flat)} | set(self.breaks)
        spans, start = [], 0
        for cut in sorted(cuts | {len(self.flat)}):
            if self.flat[start:cut].strip():
                spans.append((start, cut))
            start = cut
        return spans

    def sentence_of(self, pos: int) -> tuple[int, int]:
        for a, b in self.sentences:
            if a <= pos < b:
                return a, b
        return 0, len(self.flat)

    def evidence(self, start: int, end: int) -> str:
        """The sentence around flat[start:end], cut to EVIDENCE_MAX characters around it."""
        a, b = self.sentence_of(start)
        b = max(b, end)
        if b - a > EVIDENCE_MAX:
            a0, b0 = a, b
            a = max(a, start - 60)
            b = min(b, max(end, a + EVIDENCE_MAX))
            if a > a0:  # whole words only
                a = self.flat.find(" ", a, start) + 1 or a
            if b < b0:
                b = self.flat.rfind(" ", end, b) if self.flat.rfind(" ", end, b) > 0 else b
        return self.flat[a:b].strip(" ,;")

    def find(self, name: str, within: Optional[tuple[int, int]] = None) -> Iterator[Hit]:
        """Every match of the patterns of list `name` in the flat folded text, in order."""
        lo, hi = within or (0, len(self.flat_folded))
        found = sorted({(m.start(), m.end()) for p in cues(name) for m in p.finditer(self.flat_folded, lo, hi)})
        for start, end in found:
            yield Hit(start, end, self.evidence(start, end))

    def any(self, name: str, within: Optional[tuple[int, int]] = None) -> Optional[Hit]:
        return next(self.find(name, within), None)

    def sentence_has(self, name: str, pos: int) -> bool:
        return self.any(name, self.sentence_of(pos)) is not None

    @cached_property
    def complete(self) -> bool:
        """An opening, a body and a closing formula, and no « page 1/2 » left unread: a letter
        read whole, from which a missing mention may be read as a « no »."""
        opened = any(p.search(line) for p in cues("opening") for _, line in self.lines)
        closed = self.any("closing") is not None
        pages = [(m.group("n"), m.group("of")) for p in cues("page_of") for _, line in self.lines for m in p.finditer(line)]
        whole = not pages or any(n == of for n, of in pages)
        return opened and closed and whole and len(self.flat) > 200
