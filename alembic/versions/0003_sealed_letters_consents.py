"""Personal data sealed at rest, stored letter versions, consents, dashboard columns.

The case file moves from a clear JSON column to a sealed one (assistant.casefiles.crypto); the
dashboard gets clear, non-identifying columns (organism kind, benefit, situation, status,
next due date) and one index; letters sent with their text move to `letter_versions`,
sealed; events gain a channel, an answer kind and a sealed note; consents get a table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _sealer():
    return context.config.attributes["sealer"]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    seal = _sealer()
    bind = op.get_bind()
    with op.batch_alter_table("case_files") as batch:
        batch.add_column(sa.Column("sealed", sa.Text(), nullable=True))
        batch.add_column(sa.Column("organism_kind", sa.String(20), nullable=True))
        batch.add_column(sa.Column("benefit", sa.String(40), nullable=True))
        batch.add_column(sa.Column("situation", sa.String(20), nullable=True))
        batch.add_column(sa.Column("status", sa.String(10), nullable=False, server_default="open"))
        batch.add_column(sa.Column("next_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("case_events") as batch:
        batch.add_column(sa.Column("channel", sa.String(20), nullable=True))
        batch.add_column(sa.Column("answer_kind", sa.String(30), nullable=True))
        batch.add_column(sa.Column("sealed", sa.Text(), nullable=True))
    op.create_table(
        "letter_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("case_files.id", ondelete="CASCADE"), nullable=False),
        sa.Column("letter_id", sa.String(40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("project_version", sa.String(40), nullable=False),
        sa.Column("template_version", sa.String(40), nullable=False),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.Column("refs_verified", sa.JSON(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.String(36), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment_sealed", sa.Text(), nullable=True),
    )
    op.create_index("ix_letter_versions_case_id", "letter_versions", ["case_id"])
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("case_files.id", ondelete="CASCADE"), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("how", sa.String(20), nullable=False),
        sa.Column("recorded_by", sa.String(36), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
    )
    op.create_index("ix_consents_case_id", "consents", ["case_id"])

    # Seal what was in clear, and fill the dashboard columns.
    cases = sa.table("case_files", sa.column("id"), sa.column("case_json", sa.JSON), sa.column("sealed"),
                     sa.column("organism_kind"), sa.column("benefit"), sa.column("situation"))
    for case_id, data in bind.execute(sa.select(cases.c.id, cases.c.case_json)).all():
        data = _json(data)
        bind.execute(cases.update().where(cases.c.id == case_id).values(
            sealed=seal.seal(data), organism_kind=data["organism"]["kind"], benefit=data["benefit"],
            situation=data["situation"]))
    events = sa.table("case_events", sa.column("id"), sa.column("case_id"), sa.column("letter_id"),
                      sa.column("letter_json"))     # untyped: JSON's "is not None" would compare to 'null'
    letters = sa.table("letter_versions", *(sa.column(c) for c in (
        "case_id", "letter_id", "number", "status", "created_at", "project_version", "template_version", "sealed")),
        sa.column("refs", sa.JSON), sa.column("refs_verified", sa.JSON))
    numbers: dict[tuple[str, str], int] = {}
    for _id, case_id, letter_id, letter in bind.execute(
            sa.select(events.c.id, events.c.case_id, events.c.letter_id, events.c.letter_json)
            .where(events.c.letter_json.is_not(None)).order_by(events.c.id)).all():
        letter = _json(letter)
        if not letter:
            continue
        key = (case_id, letter_id or "")
        numbers[key] = numbers.get(key, 0) + 1
        refs = list(dict.fromkeys(c for p in letter.get("paragraphs", []) if isinstance(p, dict)
                                  for c in p.get("cites", [])))
        bind.execute(letters.insert().values(
            case_id=case_id, letter_id=letter_id or "", number=numbers[key], status="sent",
            created_at=dt.datetime.now(dt.timezone.utc), project_version="before-0003", template_version="unknown",
            refs=refs, refs_verified={}, sealed=seal.seal(letter)))

    with op.batch_alter_table("case_events") as batch:
        batch.drop_column("letter_json")
    with op.batch_alter_table("case_files") as batch:
        batch.drop_column("case_json")
        batch.alter_column("sealed", existing_type=sa.Text(), nullable=False)
        batch.alter_column("organism_kind", existing_type=sa.String(20), nullable=False)
        batch.alter_column("benefit", existing_type=sa.String(40), nullable=False)
        batch.alter_column("situation", existing_type=sa.String(20), nullable=False)
        batch.create_index("ix_case_files_dashboard", ["organisation_id", "status", "next_due"])
        batch.create_index("ix_case_files_due", ["status", "next_due"])


def downgrade() -> None:
    """Back to clear JSON (the key is needed to open it); stored letters and consents are
    dropped, the letters sent go back into their events."""
    seal = _sealer()
    bind = op.get_bind()
    with op.batch_alter_table("case_files") as batch:
        batch.drop_index("ix_case_files_due")
        batch.drop_index("ix_case_files_dashboard")
        batch.add_column(sa.Column("case_json", sa.JSON(), nullable=True))
    with op.batch_alter_table("case_events") as batch:
        batch.add_column(sa.Column("letter_json", sa.JSON(), nullable=True))
    cases = sa.table("case_files", sa.column("id"), sa.column("case_json", sa.JSON), sa.column("sealed"))
    for case_id, token in bind.execute(sa.select(cases.c.id, cases.c.sealed)).all():
        bind.execute(cases.update().where(cases.c.id == case_id).values(case_json=seal.open(token)))
    with op.batch_alter_table("case_files") as batch:
        batch.alter_column("case_json", existing_type=sa.JSON(), nullable=False)
        for column in ("sealed", "organism_kind", "benefit", "situation", "status", "next_due", "closed_at"):
            batch.drop_column(column)
    with op.batch_alter_table("case_events") as batch:
        for column in ("channel", "answer_kind", "sealed"):
            batch.drop_column(column)
    op.drop_index("ix_consents_case_id", table_name="consents")
    op.drop_table("consents")
    op.drop_index("ix_letter_versions_case_id", table_name="letter_versions")
    op.drop_table("letter_versions")
