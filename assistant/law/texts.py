"""Every sentence the legal engine shows, as keyed data (`data/sentences.yaml`).

A sentence has a key, its French and English text with `{placeholders}`, and the
`legal_refs` ids it rests on (`cites`), so that a note printed on the rights page, in a
guide or in a letter always carries its texts. Durations are rendered from the
`legal_refs` periods in force on the decision's date (`duration`, `time_of`), never typed
in Python or in the sentences: a sentence may bind a placeholder to an entry's period
(`periods: {time: <legal_refs id>}`), or to its longer period in case of fraud
(`fraud_periods`, the entry's `fraud_deadline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import datetime as dt

from assistant.core.formatting import long_date
from assistant.law.legal_refs import Period, period, ref

DATA = Path(__file__).resolve().parent / "data" / "sentences.yaml"
LANGS = ("fr", "en")


class TextsError(RuntimeError):
    """Our sentence data is inconsistent: fix the YAML."""


@lru_cache(maxsize=1)
def sentences() -> dict[str, dict[str, Any]]:
    import yaml

    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for key, entry in raw.items():
        missing = [lang for lang in LANGS if not entry.get(lang)]
        if missing:
            raise TextsError(f"{key}: no text in {', '.join(missing)}")
    return raw


def say(key: str, lang: str = "fr", on: Optional[dt.date] = None, **params: Any) -> str:
    """The sentence `key` in `lang`, placeholders filled; those the sentence binds to a
    legal_refs period (`periods`) in words, as in force on `on` (the decision's date)."""
    try:
        entry = sentences()[key]
    except KeyError:
        raise TextsError(f"unknown sentence key: {key}") from None
    bound = {name: time_of(ref_id, lang, on) for name, ref_id in (entry.get("periods") or {}).items()}
    bound |= {name: duration(period(ref_id, on, fraud=True), lang)
              for name, ref_id in (entry.get("fraud_periods") or {}).items()}
    return str(entry[lang if lang in LANGS else "fr"]).format(**{**bound, **params})


def cites(key: str) -> tuple[str, ...]:
    """The legal_refs ids a sentence rests on (empty for plain wording)."""
    return tuple(sentences()[key].get("cites") or ())


_NUMBERS = {
    "fr": {1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 10: "dix", 15: "quinze", 20: "vingt"},
    "en": {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 10: "ten", 15: "fifteen", 20: "twenty"},
}
_UNITS = {
    "fr": (("an", "ans"), ("mois", "mois"), ("jour", "jours")),
    "en": (("year", "years"), ("month", "months"), ("day", "days")),
}


def duration(length: Period, lang: str = "fr") -> str:
    """« deux mois », « un an », "two months" from a legal_refs period."""
    lang = lang if lang in LANGS else "fr"
    parts = []
    for value, (one, many) in zip((length.years, length.months, length.days), _UNITS[lang]):
        if value:
            parts.append(f"{_NUMBERS[lang].get(value, str(value))} {one if value == 1 else many}")
    return (" et " if lang == "fr" else " and ").join(parts)


def time_of(ref_id: str, lang: str = "fr", on: Optional[dt.date] = None) -> str:
    """The time limit an article sets on `on` (the decision's date), in words (« deux mois »)."""
    return duration(period(ref_id, on), lang)


def first_time(ref_ids: "list[str] | tuple[str, ...]", lang: str = "fr", on: Optional[dt.date] = None) -> str:
    """The time limit of the first of `ref_ids` that sets one, in words (a paragraph citing
    a family's texts, e.g. the limitation period of an overpayment)."""
    for ref_id in ref_ids:
        if ref(ref_id).deadline:
            return time_of(ref_id, lang, on)
    raise TextsError(f"none of {', '.join(ref_ids)} sets a time limit")


def of_time(ref_id: str, on: Optional[dt.date] = None) -> str:
    """« d'un mois », « de deux mois »: French `de` before the time limit, elided."""
    words = time_of(ref_id, "fr", on)
    return f"d'{words}" if words[:1] in "aeiouhy" else f"de {words}"


def within_time(ref_id: str, on: Optional[dt.date] = None) -> str:
    """« dans le mois », « dans l'année », « dans les deux mois »: within the time limit."""
    length = period(ref_id, on)
    single = {(0, 1, 0): "dans le mois", (1, 0, 0): "dans l'année"}
    return single.get((length.years, length.months, length.days)) or f"dans les {duration(length)}"


@dataclass(frozen=True)
class Category:
    """One case of an article that lists cases (the `categories` of a legal_refs entry,
    e.g. the CRPA L211-2 decisions that must state their reasons), in any language."""

    ref_id: str
    name: str

    def text(self, lang: str = "fr") -> str:
        wording = (ref(self.ref_id).categories or {})[self.name]
        return wording[lang if lang in wording else "fr"]

    @property
    def legal_basis(self) -> tuple[str, ...]:
        return (self.ref_id,)


@dataclass(frozen=True)
class Note:
    """A keyed sentence with its parameters: rendered in any language, cited.

    A parameter is plain text (a name, kept as it is), « time:<legal_refs id> » (the
    period of that entry, in words), a date (written in the sentence's language), or
    itself a `Note` or a `Category`, rendered in the same language and adding its texts
    to the sentence's."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()
    # The decision's date, which chooses the periods in force (None: today); nested
    # notes without their own take it from the sentence they sit in.
    on: Optional[dt.date] = field(default=None, compare=False)

    def text(self, lang: str = "fr", on: Optional[dt.date] = None) -> str:
        on = self.on or on
        values = {}
        for name, value in self.params:
            if isinstance(value, Note):
                values[name] = value.text(lang, on)
            elif isinstance(value, Category):
                values[name] = value.text(lang)
            elif isinstance(value, dt.date):
                values[name] = long_date(value, "fr_FR" if lang == "fr" else "en_GB")
            elif value.startswith("time:"):
                values[name] = time_of(value[5:], lang, on)
            else:
                values[name] = value
        return say(self.key, lang, on, **values)

    @property
    def legal_basis(self) -> tuple[str, ...]:
        nested = [i for _, value in self.params if isinstance(value, (Note, Category)) for i in value.legal_basis]
        return tuple(dict.fromkeys((*cites(self.key), *nested)))


def note(key: str, on: Optional[dt.date] = None, **params: "str | Note | Category | dt.date") -> Note:
    return Note(key, tuple(sorted(params.items())), on)
