"""Random valid case files (dicts, as in CONTRACT §1), for property tests and benchmarks.

Every field is drawn independently within what the model accepts, so that the
generator explores combinations nobody thought of, not the scenarios we know.
"""

from __future__ import annotations

import datetime as dt
import random

from assistant.law.model import BENEFITS_BY_ORGANISM, SITUATIONS_BY_ORGANISM

POSTAL_CODES = ["44000", "69008", "75011", "57000", "67000", "68100", "97110", "97200", "97300",
                "97400", "97600", "20000", "20200", "13001", "59000", "33000", "38000", "97133"]
NAMES = ["Amina", "Nguyễn Thị Thu", "محمد", "O'Brien", "Zoé & Co", "<b>Léa</b>", "Jean-Étienne", "😀 Kim"]


def _maybe(rng: random.Random, value, none_rate: float = 0.3):
    return None if rng.random() < none_rate else value


def _bool(rng: random.Random):
    return rng.choice([True, False, None])


def random_case(rng: random.Random, today: dt.date | None = None) -> dict:
    """A valid case dict; dates are ordered and never after `today`."""
    today = today or dt.date(2026, 11, 23) + dt.timedelta(days=rng.randint(-800, 400))
    kind = rng.choice(sorted(BENEFITS_BY_ORGANISM, key=lambda k: k.value))
    benefit = rng.choice(sorted(BENEFITS_BY_ORGANISM[kind], key=lambda b: b.value))
    received = rng.choice([True, False, None])

    def past(max_days: int = 400) -> dt.date:
        return today - dt.timedelta(days=rng.randint(0, max_days))

    decision_date = past() if received is not False and rng.random() < 0.8 else None
    received_on = None
    if received is not False and rng.random() < 0.8:
        base = decision_date or past()
        received_on = min(today, base + dt.timedelta(days=rng.randint(0, 15)))
    after = decision_date or dt.date(1990, 1, 1)

    def after_decision() -> dt.date | None:
        if rng.random() < 0.6:
            return None
        lo = max(after, today - dt.timedelta(days=300))
        return lo + dt.timedelta(days=rng.randint(0, max(0, (today - lo).days)))

    return {
        "claimant": {
            "first_name": rng.choice(NAMES),
            "last_name": rng.choice(NAMES),
            "address": rng.choice(["12 rue des Lilas", "Bât. B\nApt 3, 4 allée <des> Pins", "x" * 300]),
            "postal_code": rng.choice(POSTAL_CODES),
            "city": rng.choice(["Nantes", "Saint-Denis", "Metz", "Lyon"]),
            "email": _maybe(rng, "nom@exemple.fr"),
            "phone": _maybe(rng, "+33 6 12 34 56 78"),
            "file_number": _maybe(rng, str(rng.randint(1000000, 9999999))),
        },
        "organism": {"kind": kind.value, "name": _maybe(rng, "Organisme & Cie"), "address": None},
        "benefit": benefit.value,
        "situation": rng.choice(sorted(SITUATIONS_BY_ORGANISM[kind], key=lambda x: x.value)).value,
        "decision": {
            "received": received,
            "date": decision_date and decision_date.isoformat(),
            "received_on": received_on and received_on.isoformat(),
            "reasons_given": _bool(rng),
            "appeal_info_given": _bool(rng),
            "algorithm_mentioned": _bool(rng),
            "ground": rng.choice([None, "administrative", "medical"]),
        },
        "context": {
            "after_control": _bool(rng),
            "heard_before": _bool(rng),
            "fraud_alleged": _bool(rng),
            "amount_eur": _maybe(rng, round(rng.uniform(0, 20000), 2)),
            "withholding_eur": _maybe(rng, round(rng.uniform(0, 500), 2)),
            "started_on": _maybe(rng, past().isoformat()),
            "own_words": _maybe(rng, "Je ne comprends pas : j'avais envoyé ma déclaration & mes justificatifs."),
        },
        "history": {
            "explanation_requested_on": (d := after_decision()) and d.isoformat(),
            "documents_requested_on": _maybe(rng, past(200).isoformat(), 0.6),
            "appeal_filed_on": (d := after_decision()) and d.isoformat(),
        },
        "today": today.isoformat(),
    }
