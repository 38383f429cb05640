"""A throwaway PostgreSQL server for the tests (or the one `TEST_DATABASE_URL` points to).

Debian's postgresql package is installed by `make test`; the server runs as the
`postgres` user when we are root (PostgreSQL refuses to run as root), on a Unix socket
in a temporary folder, and is stopped at the end of the session.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from typing import Iterator


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is missing: install the Debian package postgresql (make test does it)")
    return found[-1]


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Yield a SQLAlchemy URL to a fresh, empty database."""
    # A server of your own, only if named for tests: the tests empty the database they use.
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        yield os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
        return
    root = tempfile.mkdtemp(prefix="test-pg-")   # not the app's « mesdroits- » prefix, which the transient-files tests judge
    data, sock = os.path.join(root, "data"), os.path.join(root, "sock")
    os.makedirs(sock)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    run = lambda cmd: subprocess.run(_as_server_user(cmd), check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run([_bin("initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"])
        run([_bin("pg_ctl"), "-D", data, "-w", "-l", os.path.join(root, "log"),
             "-o", f"-k {sock} -c listen_addresses='' -c fsync=off", "start"])
        run([_bin("createdb"), "-h", sock, "-U", "postgres", "mesdroits"])
        yield f"postgresql+psycopg://postgres@/mesdroits?host={sock}"
    finally:
        subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", data, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
