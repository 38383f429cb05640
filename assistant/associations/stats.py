"""The numbers that make the case public: anonymised counts over many case files.

`python -m assistant stats CASES.csv|CASES.xlsx [--csv FILE]` reads the same spreadsheet as
the batch and prints counts an association can publish: by body, benefit and situation,
how many decisions gave no reasons, no appeal mention, or mentioned an algorithm, and how
many requests were still unanswered after the answer time. Never a name, a number, a date
or free text; any group of fewer than `SMALL` cases is shown as « < 5 » (small-cell
suppression), so that no person can be singled out, and a second group is shown as
« masqué » where the total and the other groups would give the hidden number back
(complementary suppression).
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Union

from assistant.core.i18n import N_
from assistant.law.analysis import analyse
from assistant.law import interview
from assistant.law.model import Case, InvalidCase

SMALL = 5
HIDDEN = f"< {SMALL}"
MASKED = N_("masqué")     # at least SMALL, hidden so that a « < 5 » cannot be recomputed
Count = Union[int, str]


@dataclass
class Tally:
    """Raw counts (never published as they are: see `published`)."""

    cases: int = 0
    invalid: int = 0
    by: dict[str, Counter] = field(default_factory=lambda: {
        "organism": Counter(), "benefit": Counter(), "situation": Counter(), "route": Counter()})
    flags: Counter = field(default_factory=Counter)

    def add(self, case: Case) -> None:
        """One valid case: only enum values and yes/no facts are kept."""
        analysis = analyse(case)
        self.cases += 1
        self.by["organism"][case.organism.kind.value] += 1
        self.by["benefit"][case.benefit.value] += 1
        self.by["situation"][case.situation.value] += 1
        self.by["route"][analysis.appeal.route] += 1
        d, h = case.decision, case.history
        facts = {
            "no_written_decision": not d.is_written,
            "no_reasons": d.is_written and d.reasons_given is False,
            "no_appeal_mention": d.is_written and d.appeal_info_given is False,
            "algorithm_mentioned": bool(d.algorithm_mentioned),
            "deadline_not_opposable": not analysis.appeal.deadline_opposable,
            "request_sent": bool(h.explanation_requested_on or h.documents_requested_on),
            # The case file records what was sent, not what was answered: a request is
            # counted unanswered once its answer time has passed with a reminder proposed.
            "request_unanswered_after_answer_time": "reminder" in analysis.letters,
            "appeal_filed": bool(h.appeal_filed_on),
        }
        self.flags.update(name for name, true in facts.items() if true)


def suppress(counter: Counter, total_published: bool = True) -> dict[str, Count]:
    """A group's cells (each case in exactly one) with small cells hidden: a count under SMALL
    (but above zero) becomes « < 5 ». Since the total is published, the shown cells would
    give a lone hidden cell back by subtraction: the smallest shown cells are then hidden
    too (« masqué ») until no hidden cell can be pinned down; if even that is not enough,
    nothing of the group is published."""
    cells = {key: value for key, value in sorted(counter.items()) if value}
    hidden = {key: HIDDEN for key, value in cells.items() if value < SMALL}
    if total_published and hidden:
        total = sum(cells.values())
        candidates = sorted((value, key) for key, value in cells.items() if key not in hidden)
        while _pinned(cells, hidden, total):
            if not candidates:
                return {}
            hidden[candidates.pop(0)[1]] = MASKED
    return {key: hidden.get(key, value) for key, value in cells.items()}


def _pinned(cells: dict[str, int], hidden: dict[str, str], total: int) -> bool:
    """Whether the total and the shown cells pin a hidden cell to one value, knowing that a
    « < 5 » lies between 1 and SMALL - 1 and a « masqué » is at least SMALL."""
    rest = total - sum(value for key, value in cells.items() if key not in hidden)
    bounds = [(1, SMALL - 1) if mark == HIDDEN else (SMALL, math.inf) for mark in hidden.values()]
    for index, (low, high) in enumerate(bounds):
        others = bounds[:index] + bounds[index + 1:]
        least = max(low, rest - sum(h for _, h in others))     # the others as large as they can be
        most = min(high, rest - sum(lo for lo, _ in others))    # the others as small as they can be
        if least >= most:
            return True
    return False


def published(tally: Tally) -> dict[str, Any]:
    """What may leave the association: suppressed counts only."""
    flags = Counter({name: tally.flags.get(name, 0) for name in FLAG_LABELS})
    return {
        "cases": tally.cases if tally.cases >= SMALL else HIDDEN,
        "invalid_rows": tally.invalid,
        **{f"by_{name}": suppress(counter, tally.cases >= SMALL) for name, counter in tally.by.items()},
        # Each fact is counted apart (the cases without it are not published): no total to subtract from.
        "facts": {name: (value if value >= SMALL or value == 0 else HIDDEN) for name, value in flags.items()},
    }


# French labels, marked for the interface catalogue (the associations page translates them).
FLAG_LABELS = {
    "no_written_decision": N_("sans décision écrite"),
    "no_reasons": N_("décision sans motifs"),
    "no_appeal_mention": N_("décision sans mention des voies de recours"),
    "algorithm_mentioned": N_("traitement algorithmique mentionné"),
    "deadline_not_opposable": N_("délai de recours non opposable"),
    "request_sent": N_("demande d'explication ou de documents envoyée"),
    "request_unanswered_after_answer_time": N_("demande restée sans réponse après le délai"),
    "appeal_filed": N_("recours déjà formé"),
}


def tally_cases(cases: Iterable[Case]) -> Tally:
    tally = Tally()
    for case in cases:
        tally.add(case)
    return tally


def tally_file(path: Path) -> Tally:
    """Every row of a batch spreadsheet, read and checked as the batch does (`row_case`: the
    same rows are valid in both); invalid rows are counted, never shown."""
    from assistant.associations.batch import _row_errors, iter_rows, row_case

    tally = Tally()
    for _, raw in iter_rows(path):
        if _row_errors(raw):
            tally.invalid += 1
            continue
        try:
            tally.add(row_case(raw))
        except InvalidCase:
            tally.invalid += 1
    return tally


# A published group's values in the interview's words (the case fields they count).
GROUP_FIELDS = {"organism": "organism.kind", "benefit": "benefit", "situation": "situation"}


def group_rows(stats: dict[str, Any], group: str) -> list[tuple[str, Count]]:
    """A published group as (label, count) for a chart and its table: the interview's French
    label of each value (marked for the catalogue: the page translates it), the largest
    counts first, the hidden cells (« < 5 », « masqué ») last."""
    labels = {o.value: o.label for o in interview.case_choices(GROUP_FIELDS[group])}
    cells = stats[f"by_{group}"].items()
    ordered = sorted(cells, key=lambda item: (not isinstance(item[1], int), -item[1] if isinstance(item[1], int) else 0))
    return [(labels.get(value, value), count) for value, count in ordered]


def to_csv(stats: dict[str, Any]) -> str:
    """A flat table (group, value, count) for a spreadsheet or a chart tool."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["groupe", "valeur", "nombre"])
    writer.writerow(["dossiers", "", stats["cases"]])
    for group in ("organism", "benefit", "situation", "route"):
        for value, count in stats[f"by_{group}"].items():
            writer.writerow([group, value, count])
    for name, count in stats["facts"].items():
        writer.writerow(["fait", FLAG_LABELS[name], count])
    return out.getvalue()

