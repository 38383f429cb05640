"""Accounts an admin can revoke, and failed sign-ins counted in the database: `users.active`
becomes `users.disabled_at` (when, not only whether), and `sign_in_failures` holds the
recent failures per e-mail address and per source, so that a lock holds across browser
sessions and server processes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE NOT active"))
    with op.batch_alter_table("users") as batch:
        batch.drop_column("active")
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute(sa.text("UPDATE users SET active = false WHERE disabled_at IS NOT NULL"))
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled_at")
