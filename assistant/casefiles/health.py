"""Is the store usable? What `python -m assistant health` answers for a container's health
check: the database answers and its schema is the migrations' latest. `/_stcore/health`
only says Streamlit runs; it said « ok » with PostgreSQL stopped.

Read-only: it never migrates, never creates the SQLite file, never reads a sealed value
(no key needed), and gives up on an unreachable server after a few seconds.
"""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from assistant.casefiles.store import MIGRATIONS, database_url, sqlite_file

CONNECT_TIMEOUT_S = 5


class Health(BaseModel):
    """The answer: `ok`, and when not, a French sentence for the operator (no password, no data)."""

    ok: bool
    message: str


def _where(url: str) -> str:
    """The database named without its password (host, port, name; or the SQLite file)."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return f"fichier {parsed.database}"
    host = parsed.host or parsed.query.get("host") or "socket local"
    return f"{host}{':' + str(parsed.port) if parsed.port else ''}, base {parsed.database}"


def _latest_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def check(url: Optional[str] = None) -> Health:
    """Connect (a few seconds at most), then compare the schema's Alembic revision with the
    migrations' latest."""
    from alembic.runtime.migration import MigrationContext

    url = url or database_url()
    where = _where(url)
    embedded = sqlite_file(url)
    if embedded is not None and not embedded.exists():
        return Health(ok=False, message=f"Base de données absente ({where}) : lancez « python -m assistant migrate ».")
    args = {"connect_timeout": CONNECT_TIMEOUT_S} if url.startswith("postgresql") else {}
    engine = create_engine(url, connect_args=args)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        reason = type(getattr(error, "orig", None) or error).__name__
        return Health(ok=False, message=f"Base de données injoignable ({where} ; {reason}). Vérifiez qu'elle "
                                        "tourne et que DATABASE_URL est juste.")
    finally:
        engine.dispose()
    latest = _latest_revisions()
    if not current:
        return Health(ok=False, message=f"Base de données non migrée ({where}) : lancez « python -m assistant "
                                        "migrate » (le service « migrate » avec Docker Compose).")
    if current != latest:
        return Health(ok=False, message=f"Base de données pas à jour ({where} : version {', '.join(sorted(current))}, "
                                        f"attendue {', '.join(sorted(latest))}) : lancez « python -m assistant "
                                        "migrate » avec ce code-ci.")
    return Health(ok=True, message=f"ok : base de données joignable et à jour ({where}, version {', '.join(sorted(latest))}).")
