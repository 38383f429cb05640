"""Alembic environment: migrations run on the connection the store hands over (the app and
the tests never need an alembic.ini), or on DATABASE_URL from the command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from assistant.casefiles.crypto import sealer
from assistant.casefiles.store import data_dir, database_url
from assistant.casefiles.tables import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if "sealer" not in context.config.attributes:   # migrations that seal data; the store hands its own
    context.config.attributes["sealer"] = sealer(data_dir())   # (never a new key file beside sealed data)


def run(conn) -> None:
    context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:  # `alembic upgrade head` by hand
    with create_engine(database_url()).connect() as conn:
        run(conn)
