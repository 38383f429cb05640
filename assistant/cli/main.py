"""Command line (CONTRACT §2): `python -m assistant analyse|letters|batch|read …`, plus `stats`.

Exit codes: 0 success; 2 invalid input (French message on stderr, no traceback);
1 anything else; `refs check` also 3 when some legal references are stale. Imports are
lazy so that `analyse` starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad usage, which is our 'invalid input' code: say it in French."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"Erreur : commande invalide ({message}).", file=sys.stderr)
        sys.exit(2)


def _build_parser() -> argparse.ArgumentParser:
    from assistant.core.version import DISTRIBUTION, project_version

    parser = _Parser(prog="python -m assistant", description="Mes droits face à l'algorithme")
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {project_version()}",
                        help="affiche la version et s'arrête")
    sub = parser.add_subparsers(dest="command", required=True)
    p_analyse = sub.add_parser("analyse", help="analyse un dossier et affiche le résultat en JSON")
    p_analyse.add_argument("case_file")
    p_letters = sub.add_parser("letters", help="produit les courriers d'un dossier")
    p_letters.add_argument("case_file")
    p_letters.add_argument("--out", required=True)
    p_letters.add_argument("--format", choices=["docx", "pdf", "both"], default="docx")
    p_letters.add_argument("--only", nargs="+", default=None, metavar="LETTER_ID")
    p_batch = sub.add_parser("batch", help="traite un fichier CSV ou XLSX de dossiers")
    p_batch.add_argument("cases_file")
    p_batch.add_argument("--out", required=True)
    p_batch.add_argument("--format", choices=["docx", "pdf", "both"], default="docx")
    p_batch.add_argument("--publipostage", action="store_true",
                         help="avec --format pdf|both : envoi.pdf, tous les courriers dans l'ordre avec une liste en tête")
    p_batch.add_argument("--resume", action="store_true",
                         help="reprend un traitement interrompu dans le même dossier de sortie")
    sub.add_parser("migrate", help="crée ou met à jour la base des dossiers enregistrés (Alembic)")
    sub.add_parser("health", help="vérifie que la base des dossiers répond et est à jour (code 0), sinon dit "
                                  "pourquoi (code 1) ; ne change rien")
    p_backup = sub.add_parser("backup", help="sauvegarde chiffrée de la base des dossiers (fichier 0600)")
    p_backup.add_argument("--out", default=None, metavar="DOSSIER_OU_FICHIER",
                          help="où écrire (défaut : backups/ à côté de la base embarquée)")
    p_backup.add_argument("--from-stdin", action="store_true",
                          help="chiffre un pg_dump -Fc lu sur l'entrée standard (Docker Compose : make backup COMPOSE=1)")
    p_restore = sub.add_parser("restore", help="remet en place une sauvegarde (arrêtez l'application avant)")
    p_restore.add_argument("backup_file")
    p_restore.add_argument("--to-stdout", action="store_true",
                           help="écrit le pg_dump déchiffré sur la sortie standard, pour pg_restore (Docker Compose)")
    p_tpl = sub.add_parser("template", help="écrit un tableur vide avec les bonnes colonnes (en français)")
    p_tpl.add_argument("out_file")
    p_coll = sub.add_parser("collective", help="courriers d'une association sur un traitement algorithmique")
    p_coll.add_argument("request_file")
    p_coll.add_argument("--out", required=True)
    p_stats = sub.add_parser("stats", help="statistiques anonymisées d'un fichier de dossiers")
    p_stats.add_argument("cases_file")
    p_stats.add_argument("--csv", default=None, metavar="FICHIER", help="écrit aussi un tableau CSV")
    p_refs = sub.add_parser("refs", help="références juridiques (legal_refs) : fraîcheur et emplois")
    refs_sub = p_refs.add_subparsers(dest="refs_command", required=True)
    refs_help = ("liste chaque référence (date de vérification, statut, où elle est employée) et signale celles "
                 "vérifiées depuis trop longtemps. Codes de sortie : 0 rien de périmé ; 3 au moins une référence "
                 "à revérifier ; 2 entrée invalide (message en français)")
    p_check = refs_sub.add_parser("check", help=refs_help, description=refs_help + ".")
    p_check.add_argument("--max-age-days", default="365", metavar="JOURS", help="ancienneté maximale (défaut : 365)")
    p_check.add_argument("--today", default=None, metavar="AAAA-MM-JJ", help="date de référence (défaut : aujourd'hui)")
    p_check.add_argument("--changed", default=None, metavar="FICHIER.yaml",
                         help="entrées corrigées (format de legal_refs/) : différences et ce qu'elles touchent")
    p_check.add_argument("--saved", action="store_true",
                         help="avec --changed : les courriers enregistrés qui les citent (base des dossiers)")
    p_check.add_argument("--json", action="store_true", help="le rapport en JSON")
    p_check.add_argument("--legi", default=None, metavar="CHEMIN",
                         help="données du paquet npm @socialgouv/legi-data : signale les références dont la version "
                              "citée n'est plus en vigueur ou dont le texte a changé (code de sortie 3)")
    from assistant.cli.cases import add_parsers
    from assistant.cli.read import add_parser as add_read_parser

    add_parsers(sub)
    add_read_parser(sub)
    return parser


def _collective(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.law.gate import MAX_CASE_FILE_BYTES, InputRefused, read_limited
    from assistant.letters import render_docx_many
    from assistant.letters.collective import build_collective, parse_request
    from assistant.law.model import InvalidCase, parse_text

    source = Path(args.request_file)
    try:   # bounded: a device such as /dev/zero never ends
        text = read_limited(source, MAX_CASE_FILE_BYTES, "une demande ne fait que quelques kilo-octets").decode("utf-8")
    except InputRefused as error:
        raise InvalidCase(error.messages, str(source)) from None
    except UnicodeDecodeError:
        raise InvalidCase(["fichier illisible (pas en UTF-8)."], str(source)) from None
    letters = build_collective(parse_request(parse_text(text, str(source)), str(source)))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for letter, data in zip(letters, render_docx_many(letters)):
        (out / f"{letter.id}.docx").write_bytes(data)
    print(f"{len(letters)} courrier(s) écrit(s) dans {out}", file=sys.stderr)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    """Schema up to date, then the automatic purge of closed cases past their retention and
    of the app's expired in-progress answers."""
    from assistant.casefiles.drafts import Drafts
    from assistant.casefiles.service import open_store

    store = open_store()
    gone = store.purge()
    if gone:
        print(f"{len(gone)} dossier(s) clos effacé(s) (durée de conservation écoulée).", file=sys.stderr)
    expired = Drafts(store).purge()
    if expired:
        print(f"{expired} réponse(s) en cours expirée(s) effacée(s).", file=sys.stderr)
    return 0


def _health(args: argparse.Namespace) -> int:
    """For a container's health check: 0 when the store's database answers and is migrated."""
    from assistant.casefiles.health import check

    health = check()
    print(health.message, file=sys.stdout if health.ok else sys.stderr)
    return 0 if health.ok else 1


def _backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.casefiles import backup
    from assistant.cli.cases import CliRefusal

    try:
        kind, data = ("postgresql", sys.stdin.buffer.read()) if args.from_stdin else backup.dump()
        if args.from_stdin and not data.startswith(b"PGDMP"):   # pg_dump -Fc's signature
            raise backup.BackupError("l'entrée standard n'est pas un pg_dump --format=custom (vide ? pg_dump a-t-il "
                                     "échoué ?) : rien n'a été écrit.")
        path = backup.write_backup(Path(args.out) if args.out else backup.default_folder(), kind, data)
    except backup.BackupError as error:
        raise CliRefusal(str(error)) from None
    print(f"Sauvegarde chiffrée écrite : {path} (clé des sauvegardes : {backup.backup_key_path()}).", file=sys.stderr)
    return 0


def _restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.casefiles import backup
    from assistant.cli.cases import CliRefusal

    try:
        blob = Path(args.backup_file).read_bytes()
        if args.to_stdout:
            if sys.stdout.isatty():
                raise backup.BackupError("--to-stdout écrit la base en clair : redirigez-le vers pg_restore.")
            sys.stdout.buffer.write(backup.decrypt(blob)[1])
            return 0
        kind = backup.restore(blob)
    except OSError as error:
        raise CliRefusal(f"{args.backup_file} : lecture impossible ({error.strerror}).") from None
    except backup.BackupError as error:
        raise CliRefusal(str(error)) from None
    print(f"Sauvegarde {kind} remise en place depuis {args.backup_file}.", file=sys.stderr)
    return 0


def _cases(args: argparse.Namespace) -> int:
    from assistant.cli.cases import run_cases

    return run_cases(args)


def _accounts(args: argparse.Namespace) -> int:
    from assistant.cli.cases import run_accounts

    return run_accounts(args)


def _refs(args: argparse.Namespace) -> int:
    from assistant.cli.refs import run_check

    return run_check(args)


def _template(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.associations.batch import template_xlsx

    Path(args.out_file).write_bytes(template_xlsx())
    return 0


def _read(args: argparse.Namespace) -> int:
    from assistant.cli.read import run_read

    return run_read(args)


def _stats(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.associations.stats import published, tally_file, to_csv

    stats = published(tally_file(Path(args.cases_file)))
    json.dump(stats, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    if args.csv:
        _write_text(Path(args.csv), to_csv(stats))
    return 0


def _write_text(path: Path, text: str) -> None:
    """An output file the person named: a folder or a read-only place is their input error."""
    from assistant.law.model import InvalidCase

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InvalidCase([f"écriture impossible ({error.strerror}) : donnez le chemin d'un fichier."], str(path)) from None


def _analyse(args: argparse.Namespace) -> int:
    from assistant.law.analysis import analyse
    from assistant.law.appeals import require_commune
    from assistant.law.model import load_case

    analysis = analyse(require_commune(load_case(args.case_file), str(args.case_file)))
    json.dump(analysis.to_json_dict(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _letters(args: argparse.Namespace) -> int:
    from assistant.cli.letters import run_letters

    return run_letters(args)


def _batch(args: argparse.Namespace) -> int:
    from assistant.associations.batch import run_batch

    results, archive = run_batch(args.cases_file, args.out, pdf=args.format in ("pdf", "both"), resume=args.resume,
                                 mailing=args.publipostage)
    invalid = [r for r in results if r.errors]
    valid = len(results) - len(invalid)
    from assistant.core import logs

    logs.event("batch_done", source="cli", rows=len(results), invalid_rows=len(invalid),
               pdf_failures=sum(r.pdf == "échec" for r in results), format=args.format)
    print(f"{valid} dossier(s) traité(s), {len(invalid)} invalide(s). Archive : {archive}", file=sys.stderr)
    for result in invalid:
        for message in result.errors:
            print(f"  - {args.cases_file}, ligne {result.row} : {message}", file=sys.stderr)
    no_pdf = [r for r in results if r.pdf == "échec"]
    if no_pdf:
        print(f"PDF non produits pour {len(no_pdf)} dossier(s) (voir rapport.csv) : les DOCX sont là.", file=sys.stderr)
    return 2 if invalid else 1 if no_pdf else 0


def main(argv: list[str] | None = None) -> int:
    from assistant.core import logs

    args = _build_parser().parse_args(argv)
    handlers = {"analyse": _analyse, "letters": _letters, "batch": _batch, "stats": _stats, "collective": _collective, "template": _template,
                "migrate": _migrate, "health": _health, "backup": _backup, "restore": _restore, "cases": _cases,
                "accounts": _accounts, "refs": _refs, "read": _read}
    logs.configure(default="off")   # JSON lines only where MESDROITS_LOG says: stderr is for people here
    with logs.timed("command_done", source="cli", command=args.command) as fields:
        fields["exit_code"] = code = _run(handlers[args.command], args)
    return code


def _run(handler, args: argparse.Namespace) -> int:
    from assistant.cli.cases import CliRefusal
    from assistant.core import logs
    from assistant.law.gate import InputRefused
    from assistant.law.model import InvalidCase

    try:
        return handler(args)
    except CliRefusal as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except InvalidCase as error:
        print(f"Dossier invalide — {error.source or 'entrée'} :", file=sys.stderr)
        for message in error.messages:
            print(f"  - {message}", file=sys.stderr)
        return 2
    except InputRefused as error:   # the gate, reached without a file name to give
        print("Entrée invalide :", file=sys.stderr)
        for message in error.messages:
            print(f"  - {message}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug: exit 1, short and without the case's data
        from assistant.casefiles.crypto import SealError  # here, not at the top: `analyse` starts without cryptography

        if isinstance(error, SealError):   # a lost or wrong key: the operator's to fix, said in French
            print(f"Erreur : {error}", file=sys.stderr)
            return 2
        error_id = logs.error("command_failed", error, source="cli", command=args.command)
        if os.environ.get("MESDROITS_DEBUG"):
            raise
        print(f"Erreur interne ({type(error).__name__}, erreur n° {error_id}). Relancez avec MESDROITS_DEBUG=1 "
              "pour le détail.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
