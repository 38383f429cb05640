"""Published statistics: anonymised, small cells suppressed, matching a hand count."""

import csv
import json

from assistant.law.model import parse_case
from collections import Counter
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.associations.stats import HIDDEN, MASKED, SMALL, published, suppress, tally_cases, to_csv
from tests.conftest import run_cli, with_changes
from tests.test_batch import flatten, write_csv
from tests.test_rights import BASE


def case(**changes):
    return with_changes(BASE, **changes)


# Hand count: 6 CAF family-allowance suspensions without reasons (one mentions an
# algorithm), 2 CPAM sick-pay refusals, 1 MDPH AAH refusal.
FIXTURE = (
    [case(decision__reasons_given=False)] * 5
    + [case(decision__reasons_given=False, decision__algorithm_mentioned=True)]
    + [case(organism__kind="cpam", organism__name=None, benefit="indemnites_journalieres", situation="refusal")] * 2
    + [case(organism__kind="mdph", organism__name=None, benefit="aah", situation="refusal")]
)


def test_counts_match_the_hand_count_and_small_cells_are_hidden():
    stats = published(tally_cases(parse_case(c) for c in FIXTURE))
    assert stats["cases"] == 9
    assert stats["by_organism"] == {"caf": 6, "cpam": HIDDEN, "mdph": HIDDEN}
    # 9 cases, 6 suspensions shown: the refusals would be 9 - 6 = 3. The 6 is hidden too.
    assert stats["by_situation"] == {"refusal": HIDDEN, "suspension": MASKED}
    assert stats["facts"]["no_reasons"] == 6 and stats["facts"]["algorithm_mentioned"] == HIDDEN
    assert stats["facts"]["appeal_filed"] == 0
    assert all(v in (HIDDEN, MASKED) or v >= 5 for group in ("by_organism", "by_benefit", "by_situation", "by_route")
               for v in stats[group].values())


def test_fewer_than_five_cases_hide_even_the_total():
    assert published(tally_cases(parse_case(c) for c in FIXTURE[:3]))["cases"] == HIDDEN


def test_stats_command_publishes_no_personal_data(tmp_path):
    rows = [flatten(c) for c in FIXTURE]
    source = tmp_path / "dossiers.csv"
    write_csv(source, rows)
    table = tmp_path / "stats.csv"
    result = run_cli("stats", str(source), "--csv", str(table))
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["by_organism"]["caf"] == 6
    text = result.stdout + table.read_text(encoding="utf-8")
    claimant = BASE["claimant"]
    for secret in (claimant["last_name"], claimant["first_name"], claimant["address"], "2026-10-02", "44000"):
        assert secret not in text
    rows = list(csv.reader(table.open(encoding="utf-8"), delimiter=";"))
    assert rows[0] == ["groupe", "valeur", "nombre"] and ["organism", "cpam", HIDDEN] in rows
    assert to_csv(stats).count("\n") == len(rows)


def possible_values(published_cells: dict, total: int) -> dict:
    """What a reader can work out of each hidden cell from the published total and cells,
    knowing that « < 5 » is 1 to 4 and « masqué » at least 5: every consistent value."""
    hidden = [key for key, value in published_cells.items() if not isinstance(value, int)]
    rest = total - sum(value for value in published_cells.values() if isinstance(value, int))
    ranges = [range(1, SMALL) if published_cells[key] == HIDDEN else range(SMALL, rest + 1) for key in hidden]
    seen = {key: set() for key in hidden}
    for values in product(*ranges):
        if sum(values) == rest:
            for key, value in zip(hidden, values):
                seen[key].add(value)
    return seen


def test_a_lone_small_cell_is_not_given_back_by_the_total():
    cells = Counter({"suspension": 6, "refusal": 3})
    shown = suppress(cells)
    assert shown == {"refusal": HIDDEN, "suspension": MASKED}
    assert possible_values(shown, 9) == {"refusal": {1, 2, 3, 4}, "suspension": {5, 6, 7, 8}}
    # Two small cells both at their bound (4 + 4 from the total) are pinned too: one more hidden.
    assert suppress(Counter({"a": 4, "b": 4, "c": 10, "d": 30})) == {"a": HIDDEN, "b": HIDDEN, "c": MASKED, "d": 30}
    # Nothing small: nothing hidden.
    assert suppress(Counter({"a": 5, "b": 7})) == {"a": 5, "b": 7}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=14), min_size=1, max_size=5))
def test_no_hidden_cell_can_be_recomputed(counts):
    cells = Counter({f"g{index}": count for index, count in enumerate(counts)})
    shown = suppress(cells)
    if not shown:                      # nothing could protect it: nothing of the group is published
        return
    assert set(shown) == set(cells)
    for key, value in shown.items():
        assert value == cells[key] if isinstance(value, int) else (cells[key] < SMALL) == (value == HIDDEN)
    for key, values in possible_values(shown, sum(counts)).items():
        assert cells[key] in values and len(values) > 1, (counts, shown, key, values)


def test_the_published_total_hides_the_group_cells_the_same_way():
    stats = published(tally_cases(parse_case(c) for c in FIXTURE))
    for group in ("by_organism", "by_benefit", "by_situation", "by_route"):
        for key, values in possible_values(stats[group], stats["cases"]).items():
            assert len(values) > 1, (group, key, values)


def test_groups_are_shown_in_the_interviews_words():
    """Issue 20, point 10: the chart and its table name each value as the interview does, the
    largest counts first, the hidden cells last (never a code such as `allocations_familiales`)."""
    from assistant.associations.stats import group_rows

    stats = published(tally_cases(parse_case(c) for c in FIXTURE))
    assert group_rows(stats, "organism") == [("La CAF (caisse d'allocations familiales)", 6),
                                             ("La CPAM (assurance maladie)", HIDDEN),
                                             ("La MDPH (maison départementale des personnes handicapées)", HIDDEN)]
    assert group_rows(stats, "situation") == [("Ma demande a été refusée", HIDDEN),
                                              ("Mes paiements sont suspendus ou bloqués", MASKED)]
    assert [name for name, _ in group_rows(stats, "benefit")][0] == "Allocations familiales"


def test_stats_read_the_rows_as_the_batch_does(tmp_path):
    """The same rows are valid for `stats` and `batch`: French words are read, and a city its
    postcode sends to another département is an invalid row, not a count for the wrong place."""
    rows = [flatten(c) for c in FIXTURE]
    rows.append({**flatten(FIXTURE[0]), "situation": "trop-perçu", "organism.kind": "La CAF"})
    rows += [{**flatten(FIXTURE[0]), "claimant.postal_code": "4400"}] * 2     # 04400 is not Nantes
    source = tmp_path / "dossiers.csv"
    write_csv(source, rows)
    result = run_cli("stats", str(source))
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert (stats["cases"], stats["invalid_rows"]) == (10, 2)
