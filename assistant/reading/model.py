"""What reading a letter proposes, and the one error it raises.

A proposal is never an answer: the interview shows it pre-ticked with the words it was read
from, and only the person's confirmation makes it one (issue 21, point 3). Field names are the
case file's dotted names (CONTRACT §1), values in the case file's format (ISO dates, enum ids,
numbers, booleans), so `read --json` (CONTRACT §2) prints these models as they are.
"""
from __future__ import annotations

from typing import Union

from pydantic import BaseModel, ConfigDict, Field

# Below this a rule's finding is dropped: unanswered is better than wrong.
CONFIDENCE_THRESHOLD = 0.8

Value = Union[bool, int, float, str, list[str]]


class Proposal(BaseModel):
    """One field read from a letter: the value, the words it was read from, how sure."""
    model_config = ConfigDict(frozen=True)
    value: Value
    evidence: str = Field(max_length=400)
    confidence: float = Field(ge=0.0, le=1.0)


class Reading(BaseModel):
    """Everything read from one letter (one or more pages). `fields` holds only what
    passed CONFIDENCE_THRESHOLD; a field absent here is for the person to answer."""
    model_config = ConfigDict(frozen=True)
    fields: dict[str, Proposal] = {}
    pages: int = 0


class UnreadableLetter(ValueError):
    """A file that cannot be read: unsupported, broken, encrypted, too large, too many pages,
    or no text. The message is French, names the file, and is shown as it is (CLI exit 2)."""
