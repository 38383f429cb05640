"""An organisation's own letter template (letterhead, signature, wording), kept with its
history: the latest one is used.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_templates",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("organisation_id", sa.String(36), sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(36), nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_organisation_templates_organisation_id", "organisation_templates", ["organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_organisation_templates_organisation_id", table_name="organisation_templates")
    op.drop_table("organisation_templates")
