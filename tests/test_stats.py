"""Published statistics: anonymised, small cells suppressed, matching a hand count."""

import csv
import json

from assistant.model import parse_case
from assistant.stats import HIDDEN, published, tally_cases, to_csv
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
    assert stats["by_situation"] == {"refusal": HIDDEN, "suspension": 6}
    assert stats["facts"]["no_reasons"] == 6 and stats["facts"]["algorithm_mentioned"] == HIDDEN
    assert stats["facts"]["appeal_filed"] == 0
    assert all(v == HIDDEN or v >= 5 for group in ("by_organism", "by_benefit", "by_situation", "by_route")
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
