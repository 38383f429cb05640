"""Dates, amounts and numbers the French way, through babel (never by hand)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from assistant.core.i18n import BABEL_LOCALES, N_, current_language, translate

LOCALE = "fr_FR"

# The one way of saying a last day (issue 20 §5), in the messages catalogue: every page, the
# `.ics` and the review queue call `last_day` / `days_until` rather than writing their own.
LAST_DAY = N_("au plus tard le {date}")
TODAY, TOMORROW, IN_DAYS = N_("aujourd'hui"), N_("demain"), N_("dans {n} jours")


def long_date(day: Optional[dt.date], locale: str = LOCALE) -> str:
    """« 23 novembre 2026 »; an unknown date reads « date inconnue »."""
    if day is None:
        return "date inconnue"
    text = format_date(day, format="long", locale=locale)
    # French writes the first day of the month as an ordinal: « 1er novembre ».
    if day.day == 1 and locale.startswith("fr"):
        text = "1er" + text[1:]
    return text


def days_until(day: dt.date, today: dt.date, language: Optional[str] = None) -> Optional[str]:
    """« aujourd'hui », « demain », « dans 3 jours » (the session's language unless given);
    None for a day already past: a past date is never said as a target."""
    left = (day - today).days
    if left < 0:
        return None
    lang = language or current_language()
    if left == 0:
        return translate(TODAY, lang)
    if left == 1:
        return translate(TOMORROW, lang)
    return translate(IN_DAYS, lang).format(n=left)


def last_day(day: dt.date, today: Optional[dt.date] = None, language: Optional[str] = None,
             capital: bool = False) -> str:
    """« au plus tard le 7 décembre 2026 », then « (demain) » / « (dans 3 jours) » when `today`
    is given and the day is not past; the date through babel in the same language as the words
    (the session's unless given). `capital` for the start of a sentence or a line."""
    lang = language or current_language()
    text = translate(LAST_DAY, lang).format(date=long_date(day, BABEL_LOCALES.get(lang, LOCALE)))
    when = days_until(day, today, lang) if today is not None else None
    if when is not None:
        text = f"{text} ({when})"
    return text[:1].upper() + text[1:] if capital else text


def place_and_date(city: str, day: dt.date) -> str:
    """« Nantes, le 23 novembre 2026 » (the letter's dateline)."""
    return f"{city}, le {long_date(day)}"


def amount(value: Optional[float], locale: str = LOCALE) -> str:
    """« 1 234,50 € » (babel puts the French non-breaking spaces)."""
    if value is None:
        return "montant inconnu"
    return format_currency(value, "EUR", locale=locale)


def number(value: float, locale: str = LOCALE) -> str:
    return format_decimal(value, locale=locale)
