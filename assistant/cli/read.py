"""`python -m assistant read FILE... [--json]` and `read FOLDER --xlsx OUT.xlsx` (CONTRACT §2).

The files of one letter (its pages, in the order given) are read in memory; only the
proposals are printed, and nothing but the spreadsheet asked for is written. A file that
cannot be read is an input error (exit 2, a French message naming it).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.reading.model import Proposal, Reading


def add_parser(sub) -> None:
    """The `read` subcommand, on the main parser's subparsers."""
    p_read = sub.add_parser("read", help="lit la photo, le scan ou le PDF d'un courrier et propose les réponses "
                                         "(rien n'est enregistré)")
    p_read.add_argument("files", nargs="+", metavar="FICHIER",
                        help="les pages d'un même courrier (JPEG, PNG, HEIC, PDF), ou avec --xlsx un dossier "
                             "contenant un sous-dossier par personne")
    output = p_read.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="les champs proposés en JSON (CONTRACT §2)")
    output.add_argument("--xlsx", default=None, metavar="SORTIE.xlsx",
                        help="écrit le tableur des dossiers pré-rempli, une ligne par sous-dossier (aucun courrier)")


def _read_paths(paths: list[Path]) -> "Reading":
    from assistant.law.gate import InputRefused, read_limited
    from assistant.reading import read_letter
    from assistant.reading.model import UnreadableLetter
    from assistant.reading.sources import MAX_FILE_BYTES

    files = []
    for path in paths:
        try:
            data = read_limited(path, MAX_FILE_BYTES, "prenez une photo moins lourde ou envoyez les pages séparément")
        except InputRefused as error:
            raise UnreadableLetter(f"{path} : {' '.join(error.messages)}") from None
        files.append((str(path), data))
    return read_letter(files)


def run_read(args: argparse.Namespace) -> int:
    from assistant.cli.cases import CliRefusal
    from assistant.reading.model import UnreadableLetter
    from assistant.reading.ocr import OcrUnavailable

    try:
        if args.xlsx:
            return _run_xlsx(args)
        reading = _read_paths([Path(name) for name in args.files])
    except UnreadableLetter as error:
        raise CliRefusal(str(error)) from None
    except OcrUnavailable as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    if args.json:
        fields = {name: proposal.model_dump(mode="json") for name, proposal in reading.fields.items()}
        json.dump({"fields": fields}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(table(reading))
    return 0


def _run_xlsx(args: argparse.Namespace) -> int:
    from assistant.associations.prefill import person_folders, prefill_xlsx, read_folders
    from assistant.cli.cases import CliRefusal

    if len(args.files) != 1 or not Path(args.files[0]).is_dir():
        raise CliRefusal(f"{' '.join(args.files)} : avec --xlsx, donnez un seul dossier, qui contient un "
                         "sous-dossier de scans par personne.")
    folder = Path(args.files[0])
    if not person_folders(folder):
        raise CliRefusal(f"{folder} : aucun sous-dossier. Rangez les scans de chaque personne dans son propre "
                         "sous-dossier.")
    out = Path(args.xlsx)
    if out.suffix.lower() != ".xlsx":
        raise CliRefusal(f"{out} : le tableur écrit est un fichier .xlsx ; donnez un nom qui finit par .xlsx.")
    rows = read_folders(folder, lambda paths: _read_paths(paths).fields)
    try:
        out.write_bytes(prefill_xlsx(rows))
    except OSError as error:
        raise CliRefusal(f"{out} : écriture impossible ({error.strerror}).") from None
    unread = [row for row in rows if row.problem]
    print(f"{len(rows)} dossier(s) lu(s), dont {len(unread)} illisible(s) : {out}. Relisez chaque ligne (colonne "
          "« À vérifier ») avant de lancer « batch ».", file=sys.stderr)
    for row in unread:
        print(f"  - {row.folder} : {row.problem}", file=sys.stderr)
    return 0


def shown(path: str, proposal: "Proposal") -> str:
    """A proposed value in French words: dates in full, yes/no, the interview's labels."""
    import datetime as dt

    from assistant.associations.prefill import cell_value
    from assistant.core.formatting import amount, long_date

    value = cell_value(path, proposal.value)
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and path.startswith("context."):
        return amount(value)
    return str(value)


def table(reading: "Reading") -> str:
    """The proposals as a French table: field, proposed value, confidence, words read."""
    from assistant.law.model import label

    if not reading.fields:
        return (f"{reading.pages} page(s) lue(s) ; aucun champ n'a pu être lu avec assez de certitude : "
                "répondez vous-même aux questions.\n")
    rows = [("Champ", "Valeur proposée", "Confiance", "Lu sur le courrier")]
    for path, proposal in reading.fields.items():
        evidence = " ".join(proposal.evidence.split())
        evidence = evidence if len(evidence) <= 60 else evidence[:59] + "…"
        rows.append((label(path), shown(path, proposal), f"{round(proposal.confidence * 100)} %", f"« {evidence} »"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 20)
    footer = (f"{reading.pages} page(s) lue(s). Ce sont des propositions : vérifiez chacune sur votre courrier ; "
              "un champ absent n'a pas pu être lu avec assez de certitude.")
    return "\n".join(lines) + "\n\n" + footer + "\n"
