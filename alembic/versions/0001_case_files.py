"""Case files and their events, with a version counter for concurrent writers.

Databases made before migrations existed (`create_all`) already have both tables: they
only gain the `version` column.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "case_files" not in existing:
        op.create_table(
            "case_files",
            sa.Column("id", sa.String(36), primary_key=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("case_json", sa.JSON(), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        )
    else:
        columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("case_files")}
        if "version" not in columns:
            with op.batch_alter_table("case_files") as batch:
                batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    if "case_events" not in existing:
        op.create_table(
            "case_events",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("case_id", sa.String(36), sa.ForeignKey("case_files.id", ondelete="CASCADE"), nullable=False),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("letter_id", sa.String(40), nullable=True),
            sa.Column("on", sa.Date(), nullable=False),
            sa.Column("letter_json", sa.JSON(), nullable=True),
        )
        op.create_index("ix_case_events_case_id", "case_events", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_events_case_id", table_name="case_events")
    op.drop_table("case_events")
    op.drop_table("case_files")
