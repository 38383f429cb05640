"""Where each letter of a case stands in the review (issue 12), read from the store for the
professional pages: the live version of each letter, the version it started from, the
counts the dashboard shows, and each waiting letter's last day (issue 20): the letters
waiting sorted by urgency, the urgent ones for the lawyers.

Reads only, through `Store.letters` (one query per case: the dashboard shows 50 cases at
most) and `Store.letters_in`. The last days come from the store's follow-up (the ladder of
`followup.py`, given by `service.open_store`): nothing is computed here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Iterable, Optional, Sequence

from pydantic import BaseModel, ConfigDict

from assistant.casefiles.store import LetterStatus, NotFound, SavedCase, Store, StoredLetter, is_urgent

# A version still to be worked on or sent; sent and superseded ones are history.
LIVE = (LetterStatus.draft.value, LetterStatus.in_review.value, LetterStatus.approved.value)


def live_versions(versions: list[StoredLetter]) -> list[StoredLetter]:
    """The versions that can still change or go out, oldest first (one per letter, as a
    rule: an edit supersedes its parent)."""
    return [v for v in versions if v.status in LIVE]


def live_version(versions: list[StoredLetter], letter_id: str) -> Optional[StoredLetter]:
    """The newest live version of one letter of the case, if any."""
    found = [v for v in live_versions(versions) if v.letter_id == letter_id]
    return found[-1] if found else None


def first_version(versions: list[StoredLetter], version: StoredLetter) -> StoredLetter:
    """The version a chain of edits started from: the text as generated."""
    by_id = {v.id: v for v in versions}
    current = version
    while current.parent_id is not None and current.parent_id in by_id:
        current = by_id[current.parent_id]
    return current


def chain(versions: list[StoredLetter], version: StoredLetter) -> list[StoredLetter]:
    """The versions from the generated one to `version`, in order."""
    by_id = {v.id: v for v in versions}
    found = [version]
    while found[-1].parent_id is not None and found[-1].parent_id in by_id:
        found.append(by_id[found[-1].parent_id])
    return found[::-1]


def status_counts(versions: list[StoredLetter]) -> Counter:
    """How many live versions are in each status (draft, in_review, approved)."""
    return Counter(v.status for v in live_versions(versions))


def counts_by_case(store: Store, case_ids: Iterable[str], actor: Any = None) -> dict[str, Counter]:
    """The live versions' statuses of each case (a case gone meanwhile counts none)."""
    counts: dict[str, Counter] = {}
    for case_id in case_ids:
        try:
            counts[case_id] = status_counts(store.letters(case_id, actor=actor))
        except NotFound:
            counts[case_id] = Counter()
    return counts



# --- Last days (issue 20: review never makes a person miss a date) ------------------------------


def letter_dues(store: Store, saved: SavedCase) -> dict[str, dt.date]:
    """Each letter's last day in this case (the follow-up's earliest due date for it); a
    letter with no time limit is absent."""
    return store.follow_up.letter_dues(saved.case, saved.events)


def days_left(due: Optional[dt.date], today: dt.date) -> Optional[int]:
    """Days from `today` to the last day; negative once passed; None without a date."""
    return None if due is None else (due - today).days


class Waiting(BaseModel):
    """One letter version waiting (for review, or as a draft), with its case and last day."""

    model_config = ConfigDict(frozen=True)
    case: SavedCase
    version: StoredLetter
    due: Optional[dt.date]
    days_left: Optional[int]
    urgent: bool


def waiting(store: Store, today: dt.date, statuses: Sequence[str] = (LetterStatus.in_review.value,),
            actor: Any = None) -> list[Waiting]:
    """The open cases' letters in these statuses, the most urgent first: closest last day
    first (passed ones before), undated last; then the oldest version first."""
    found = []
    for saved, versions in store.letters_in(statuses, actor=actor):
        dues = letter_dues(store, saved)
        for version in versions:
            due = dues.get(version.letter_id)
            found.append(Waiting(case=saved, version=version, due=due, days_left=days_left(due, today),
                                 urgent=is_urgent(due, today)))
    return sorted(found, key=lambda w: (w.due is None, w.due or dt.date.max, w.version.created_at, w.version.id))


def urgent_reviews(store: Store, today: dt.date, actor: Any = None) -> list[Waiting]:
    """The letters waiting for a lawyer whose last day is within URGENT_DAYS, most urgent
    first: what the lawyers are told on their pages."""
    return [w for w in waiting(store, today, actor=actor) if w.urgent]
