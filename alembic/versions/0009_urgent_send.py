"""Review never makes a person miss a date: each organisation says who may send, without
approval, a letter whose last day is close (`organisations.urgent_send`, « admin » for the
existing ones), and the audit log keeps the reason typed for it, sealed
(`audit_log.note_sealed`).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("urgent_send", sa.String(10), nullable=False, server_default="admin"))
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("note_sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("note_sealed")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("urgent_send")
