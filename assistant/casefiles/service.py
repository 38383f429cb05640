"""The case files as the app, the CLI and the batches open them: the store with the
follow-up ladder plugged in. The store never runs the engine; on each write it asks this
module, under the case's lock, what to index (the next due date) and how a sending changes
the case's history."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional, Sequence

from sqlalchemy.engine import Engine

from assistant.casefiles.crypto import Sealer
from assistant.casefiles.followup import AnswerKind, FollowupError, ladder, ladder_events, next_due
from assistant.casefiles.store import Store
from assistant.law.analysis import HISTORY_FIELD_OF_LETTER
from assistant.law.model import Case, parse_case


class LadderFollowUp:
    """The store's `FollowUp`: the follow-up ladder (`followup.py`) and the analysis'
    history fields."""

    def next_due(self, case: Case, events: Sequence[Any]) -> Optional[dt.date]:
        """The earliest due date of the ladder's open steps."""
        return next_due(ladder(case, *ladder_events(events)))

    def after_sending(self, case: Case, letter_id: str, on: dt.date) -> Case:
        """The letter's history date filled (core letters only); the case's reference date
        moves with what was sent."""
        field = HISTORY_FIELD_OF_LETTER.get(letter_id)
        if not field:
            return case
        data = case.model_dump(mode="json")
        data.setdefault("history", {})[field] = on.isoformat()
        if data.get("today") and data["today"] < on.isoformat():
            data["today"] = on.isoformat()
        return parse_case(data)

    def answer_kind(self, kind: str) -> str:
        return AnswerKind(kind).value

    def letter_dues(self, case: Case, events: Sequence[Any]) -> dict[str, dt.date]:
        """Each letter's last day: the earliest due date of the ladder's open steps that
        prepare it (the appeal's is the analysis' safe date). A ladder that cannot be drawn
        (FollowupError) dates nothing."""
        try:
            steps = ladder(case, *ladder_events(events))
        except FollowupError:
            return {}
        dues: dict[str, dt.date] = {}
        for step in steps:
            if step.letter_id and step.due is not None:
                dues[step.letter_id] = min(step.due, dues.get(step.letter_id, step.due))
        return dues


def open_store(url: Optional[str] = None, engine: Optional[Engine] = None, seal: Optional[Sealer] = None) -> Store:
    """The store (`DATABASE_URL` or the embedded SQLite file when no `url`), with the ladder."""
    return Store(url, engine=engine, seal=seal, follow_up=LadderFollowUp())
