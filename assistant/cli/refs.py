"""`python -m assistant refs check`: the report of `letters.refs_health` on the terminal,
and with `--saved` the saved letters a corrected entry touches (the store is opened here,
so that the report itself never imports the case files)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from assistant.letters.refs_health import EXIT_INVALID, RefsInputError, check, format_report


def run_check(args: argparse.Namespace) -> int:
    """The command: 0 nothing stale, 3 some entries stale (or, with --legi, no longer the law in
    force), 2 invalid input (French, on stderr)."""
    try:
        try:
            today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
        except ValueError:
            raise RefsInputError(f"--today : date invalide « {args.today} » (attendu AAAA-MM-JJ).") from None
        if not re.fullmatch(r"\d+", str(args.max_age_days).strip()):
            raise RefsInputError(f"--max-age-days : un nombre de jours positif est attendu (« {args.max_age_days} »).")
        if args.saved and not args.changed:
            raise RefsInputError("--saved : à utiliser avec --changed FICHIER.yaml.")
        store = None
        if args.saved:
            from assistant.casefiles.service import open_store

            store = open_store()
        report = check(today, int(args.max_age_days), Path(args.changed) if args.changed else None, store,
                       legi=Path(args.legi) if getattr(args, "legi", None) else None)
    except RefsInputError as error:
        for line in str(error).splitlines():
            print(f"Erreur : {line}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        json.dump(report.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_report(report))
    return report.exit_code
