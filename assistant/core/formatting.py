"""Dates, amounts and numbers the French way, through babel (never by hand)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

LOCALE = "fr_FR"


def long_date(day: Optional[dt.date], locale: str = LOCALE) -> str:
    """« 23 novembre 2026 »; an unknown date reads « date inconnue »."""
    if day is None:
        return "date inconnue"
    text = format_date(day, format="long", locale=locale)
    # French writes the first day of the month as an ordinal: « 1er novembre ».
    if day.day == 1 and locale.startswith("fr"):
        text = "1er" + text[1:]
    return text


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
