"""Where each letter of a case stands in the review (issue 12), read from the store for the
professional pages: the live version of each letter, the version it started from, and the
counts the dashboard shows.

Reads only, through `Store.letters` (one query per case: the dashboard shows 50 cases at
most).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Optional

from assistant.casefiles.store import LetterStatus, NotFound, Store, StoredLetter

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

