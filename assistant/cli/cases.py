"""`python -m assistant cases …` and `accounts …`: the saved case files from a terminal.

For the operator of a server (no `--as`: the whole local store, as the person holding the
database and its key) or for a user of an organisation (`--as EMAIL`: exactly what that
user may see and do in the app). Passwords come from `MESDROITS_PASSWORD` (scripts) or are
asked without echo. Every refusal is a French message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any, Optional


class CliRefusal(Exception):
    """A French message for stderr, exit code 2."""


def add_parsers(sub: Any) -> None:
    p_cases = sub.add_parser("cases", help="dossiers enregistrés : list, import, export, close, delete, purge, rekey")
    cases = p_cases.add_subparsers(dest="action", required=True)
    for name, helptext in (("list", "liste les dossiers par prochaine échéance"),
                           ("import", "enregistre un dossier (fichier JSON/YAML du contrat)"),
                           ("export", "écrit un dossier (JSON) et ses courriers (ZIP)"),
                           ("close", "clôt un dossier (la purge compte à partir de là)"),
                           ("delete", "efface un dossier pour de bon"),
                           ("purge", "efface les dossiers clos depuis plus que la durée de conservation, et les réponses en cours expirées")):
        p = cases.add_parser(name, help=helptext)
        p.add_argument("--as", dest="as_user", default=None, metavar="EMAIL",
                       help="agir comme cet utilisateur (son organisation, son rôle)")
        if name in ("export", "close", "delete"):
            p.add_argument("case_id")
        if name == "import":
            p.add_argument("case_file")
            p.add_argument("--consent", choices=["signed", "oral", "electronic"], required=True,
                           help="comment la personne a accepté que son dossier soit gardé")
        if name == "export":
            p.add_argument("--out", required=True)
        if name == "delete":
            p.add_argument("--yes", action="store_true", help="confirme l'effacement")
        if name == "list":
            p.add_argument("--status", choices=["open", "closed", "all"], default="open")
            p.add_argument("--organism", default=None)
            p.add_argument("--benefit", default=None)
            p.add_argument("--today", default=None, help="date de référence AAAA-MM-JJ (défaut : aujourd'hui)")
        if name == "purge":
            p.add_argument("--days", type=int, default=None, help="durée de conservation (défaut : MESDROITS_RETENTION_DAYS ou 365)")
    # No --as: re-sealing touches every organisation's data, so only whoever holds the
    # server's database and keys (MESDROITS_KEY="NOUVELLE,ANCIENNE") runs it.
    rekey_help = ("rescelle toutes les données sous la première clé de MESDROITS_KEY (MESDROITS_KEY=\"NOUVELLE,"
                  "ANCIENNE\"), pour retirer ensuite l'ancienne ; opérateur du serveur seulement")
    cases.add_parser("rekey", help=rekey_help, description=rekey_help + ".")
    p_accounts = sub.add_parser("accounts", help="organisations et comptes")
    accounts = p_accounts.add_subparsers(dest="action", required=True)
    p_org = accounts.add_parser("create-organisation", help="crée une organisation et son administrateur")
    p_org.add_argument("name")
    p_org.add_argument("--admin-email", required=True)
    p_org.add_argument("--admin-name", required=True)
    p_org.add_argument("--requires-review", action="store_true", help="les courriers doivent être approuvés")
    p_user = accounts.add_parser("add-user", help="ajoute un compte (par un administrateur)")
    p_user.add_argument("--as", dest="as_user", required=True, metavar="ADMIN_EMAIL")
    p_user.add_argument("email")
    p_user.add_argument("name")
    p_user.add_argument("role", choices=["mediator", "volunteer", "lawyer", "admin"])
    link_help = ("adresse de la page « Espace professionnel » telle que les gens l'ouvrent "
                 "(par exemple https://droits.exemple.fr/espace-pro)")
    p_invite = accounts.add_parser("invite", help="crée un compte sans mot de passe et affiche le lien à usage unique "
                                   "avec lequel la personne le choisit (par un administrateur)")
    p_invite.add_argument("--as", dest="as_user", required=True, metavar="ADMIN_EMAIL")
    p_invite.add_argument("--url", required=True, help=link_help)
    p_invite.add_argument("email")
    p_invite.add_argument("name")
    p_invite.add_argument("role", choices=["mediator", "volunteer", "lawyer", "admin"])
    p_reset = accounts.add_parser("reset-password", help="le mot de passe du compte cesse de marcher ; affiche le lien "
                                  "à usage unique pour en choisir un autre (par un administrateur)")
    p_reset.add_argument("--as", dest="as_user", required=True, metavar="ADMIN_EMAIL")
    p_reset.add_argument("--url", required=True, help=link_help)
    p_reset.add_argument("email")
    for name, helptext in (("list-users", "liste les comptes de l'organisation"),
                           ("disable", "désactive un compte (ses sessions ouvertes perdent leurs droits)"),
                           ("enable", "réactive un compte désactivé"),
                           ("remove", "supprime un compte"),
                           ("set-role", "change le rôle d'un compte")):
        p = accounts.add_parser(name, help=f"{helptext} (par un administrateur)")
        p.add_argument("--as", dest="as_user", required=True, metavar="ADMIN_EMAIL")
        if name != "list-users":
            p.add_argument("email")
        if name == "set-role":
            p.add_argument("role", choices=["mediator", "volunteer", "lawyer", "admin"])
        if name == "remove":
            p.add_argument("--yes", action="store_true", help="confirme la suppression")


def _password(variable: str, prompt: str) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliRefusal(f"mot de passe manquant : définissez {variable} ou lancez la commande dans un terminal.")
    return getpass.getpass(prompt)


def _actor(store: Any, email: Optional[str]) -> Any:
    if email is None:
        return None
    from assistant.casefiles.accounts import Accounts

    user = Accounts(store).authenticate(email, _password("MESDROITS_PASSWORD", f"Mot de passe de {email} : "))
    if user is None:
        raise CliRefusal("identifiant ou mot de passe incorrect.")
    return user


def run_cases(args: argparse.Namespace) -> int:
    from assistant.casefiles.accounts import NotAllowed
    from assistant.casefiles.service import open_store
    from assistant.casefiles.store import NotFound

    store = open_store()
    try:
        actor = _actor(store, getattr(args, "as_user", None))
        return _CASE_ACTIONS[args.action](store, actor, args)
    except NotFound:
        raise CliRefusal(f"dossier introuvable : {getattr(args, 'case_id', '')}.") from None
    except NotAllowed as error:
        raise CliRefusal(str(error)) from None


def _list(store: Any, actor: Any, args: argparse.Namespace) -> int:
    from assistant.casefiles.dashboard import dashboard

    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    board = dashboard(store, today, actor=actor, organism=args.organism, benefit=args.benefit,
                      status=None if args.status == "all" else args.status, limit=10_000)
    for row in board.rows:
        due = row.next_due.isoformat() if row.next_due else "—"
        print(f"{row.id}\t{due}\t{row.bucket}\t{row.organism}\t{row.benefit}\t{row.situation}\t{row.status}\t{row.name}")
    print(f"{board.total} dossier(s) : " + ", ".join(f"{k} {v}" for k, v in board.counts.items()), file=sys.stderr)
    return 0


def _import(store: Any, actor: Any, args: argparse.Namespace) -> int:
    from assistant.law.appeals import require_commune
    from assistant.law.model import load_case
    from assistant.casefiles.store import Consent

    case = require_commune(load_case(args.case_file), str(args.case_file))
    consent = Consent(given_on=dt.date.today(), scope=["keep_file"], how=args.consent)
    print(store.save(case, actor=actor, consent=consent))
    return 0


def _export(store: Any, actor: Any, args: argparse.Namespace) -> int:
    """The person's copy in clear: files readable by their owner only (0600), in a folder
    made for them (0700); a folder that already exists keeps its mode."""
    out = Path(args.out)
    if not out.is_dir():
        out.mkdir(parents=True, mode=0o700)
        out.chmod(0o700)      # whatever the umask
    from assistant.casefiles.export import export_zip

    archive = export_zip(store, args.case_id, actor=actor)
    _write_private(out / f"dossier-{args.case_id}.zip", archive)
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        _write_private(out / f"dossier-{args.case_id}.json", opened.read("dossier.json"))
    print(f"Dossier exporté dans {out}", file=sys.stderr)
    return 0


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, also when it existed before (then 0644)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _rekey(store: Any, actor: Any, args: argparse.Namespace) -> int:
    """Every sealed value sealed again under the first key of MESDROITS_KEY."""
    done = store.rekey()
    for column, count in done.items():
        print(f"{column}\t{count}")
    sealing = store.sealer.fingerprints[0]
    print(f"{sum(done.values())} valeur(s) rescellée(s) sous la clé {sealing}. Gardez seulement cette clé dans "
          "MESDROITS_KEY (ou dans le fichier de clé) : les autres peuvent être retirées ; les sauvegardes "
          "plus anciennes ont encore besoin de l'ancienne clé.", file=sys.stderr)
    return 0


def _close(store: Any, actor: Any, args: argparse.Namespace) -> int:
    from assistant.casefiles.store import Status

    store.set_status(args.case_id, Status.closed, actor=actor)
    return 0


def _delete(store: Any, actor: Any, args: argparse.Namespace) -> int:
    if not args.yes:
        raise CliRefusal("effacement non confirmé : ajoutez --yes (il ne pourra pas être annulé).")
    store.delete(args.case_id, actor=actor)
    print(f"Dossier {args.case_id} effacé.", file=sys.stderr)
    return 0


def _purge(store: Any, actor: Any, args: argparse.Namespace) -> int:
    from assistant.casefiles.drafts import Drafts

    gone = store.purge(days=args.days, actor=actor)
    print(f"{len(gone)} dossier(s) clos effacé(s).", file=sys.stderr)
    # Expired in-progress answers of the app: nobody's any more, deleted whoever runs it.
    print(f"{Drafts(store).purge()} réponse(s) en cours expirée(s) effacée(s).", file=sys.stderr)
    return 0


_CASE_ACTIONS = {"list": _list, "import": _import, "export": _export, "close": _close, "delete": _delete,
                 "purge": _purge, "rekey": _rekey}


def run_accounts(args: argparse.Namespace) -> int:
    from assistant.casefiles.accounts import Accounts, NotAllowed, Role
    from assistant.casefiles.service import open_store

    store = open_store()
    accounts = Accounts(store)
    try:
        if args.action == "create-organisation":
            password = _password("MESDROITS_PASSWORD", f"Mot de passe de {args.admin_email} : ")
            organisation, _admin = accounts.create_organisation_with_admin(
                args.name, args.admin_email, args.admin_name, password, requires_review=args.requires_review)
            print(organisation)
            return 0
        admin = _actor(store, args.as_user)
        if args.action == "add-user":
            password = _password("MESDROITS_NEW_PASSWORD", f"Mot de passe du nouveau compte {args.email} : ")
            user = accounts.add_user(admin.organisation_id, args.email, args.name, Role(args.role), password, by=admin)
            print(json.dumps({"id": user.id, "email": user.email, "role": user.role.value}))
            return 0
        if args.action == "list-users":
            for member in accounts.users(by=admin):
                status = "actif" if member.active else f"désactivé le {member.disabled_at:%Y-%m-%d}"
                print(f"{member.email}\t{member.role.value}\t{status}\t{member.name}")
            return 0
        if args.action == "invite":
            _print_link(accounts.invite(args.email, args.name, Role(args.role), by=admin), args.url)
            return 0
        return _manage_account(accounts, admin, args)
    except (NotAllowed, ValueError) as error:
        raise CliRefusal(str(error)) from None


def _manage_account(accounts: Any, admin: Any, args: argparse.Namespace) -> int:
    """disable, enable, remove, set-role, reset-password: the account named by its e-mail, in
    the admin's own organisation only (the library checks the admin's current role again)."""
    from assistant.casefiles.accounts import Role

    email = args.email.strip().lower()
    member = next((m for m in accounts.users(by=admin) if m.email == email), None)
    if member is None:
        raise CliRefusal(f"compte introuvable dans votre organisation : {email}.")
    if args.action == "remove" and not args.yes:
        raise CliRefusal("suppression non confirmée : ajoutez --yes (elle ne pourra pas être annulée).")
    if args.action == "set-role":
        accounts.set_role(member.id, Role(args.role), by=admin)
    elif args.action == "reset-password":
        _print_link(accounts.reset_password(member.id, by=admin), args.url)
    else:
        change = {"disable": accounts.disable, "enable": accounts.enable, "remove": accounts.remove}[args.action]
        change(member.id, by=admin)
    print(f"Compte {email} : {_DONE[args.action]}.", file=sys.stderr)
    return 0


_DONE = {"disable": "désactivé", "enable": "réactivé", "remove": "supprimé", "set-role": "rôle changé",
         "reset-password": "ancien mot de passe désactivé"}


def _print_link(link: Any, page_url: str) -> None:
    """The one-time link on stdout (for the admin to pass on); when it expires on stderr."""
    from assistant.casefiles.accounts import link_address

    print(link_address(page_url, link.token))
    print(f"Lien à usage unique pour {link.member.email}, valable jusqu'au {link.expires_at:%Y-%m-%d %H:%M} UTC : "
          "envoyez-le à la personne ; il ne sera plus affiché.", file=sys.stderr)
