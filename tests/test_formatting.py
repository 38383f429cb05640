"""One way of saying a last day (issue 20 §5): « au plus tard le 7 décembre 2026 (demain) »,
the date through babel in the same language as the words around it."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.core.formatting import days_until, last_day

DAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(("today", "said"), [
    (DAY, "aujourd'hui"), (DAY - dt.timedelta(days=1), "demain"), (DAY - dt.timedelta(days=14), "dans 14 jours"),
])
def test_days_until_says_today_tomorrow_or_in_n_days(today: dt.date, said: str) -> None:
    assert days_until(DAY, today, "fr") == said


def test_a_past_day_has_no_relative_wording() -> None:
    assert days_until(DAY, DAY + dt.timedelta(days=1), "fr") is None
    assert last_day(DAY, DAY + dt.timedelta(days=1), "fr") == "au plus tard le 7 décembre 2026"


def test_last_day_in_french() -> None:
    assert last_day(DAY, language="fr") == "au plus tard le 7 décembre 2026"
    assert last_day(DAY, DAY - dt.timedelta(days=1), "fr") == "au plus tard le 7 décembre 2026 (demain)"
    assert last_day(DAY, DAY, "fr", capital=True) == "Au plus tard le 7 décembre 2026 (aujourd'hui)"
    assert last_day(dt.date(2027, 1, 1), language="fr") == "au plus tard le 1er janvier 2027"


def test_last_day_in_english_never_mixes_languages() -> None:
    said = last_day(DAY, DAY - dt.timedelta(days=3), "en", capital=True)
    assert said == "By 7 December 2026 at the latest (in 3 days)"
    assert "plus tard" not in said and "décembre" not in said


def test_last_day_follows_the_session_language_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.core import i18n

    monkeypatch.setattr(i18n, "_session_language", lambda: "en")
    assert last_day(DAY) == "by 7 December 2026 at the latest"
    assert days_until(DAY, DAY) == "today"
