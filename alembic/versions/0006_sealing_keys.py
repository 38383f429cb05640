"""The fingerprints of the keys that sealed the data (never the keys): when the configured
key does not open the database, the refusal names the key to put back; `cases rekey`
leaves only the sealing key's.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sealing_keys",
        sa.Column("fingerprint", sa.String(16), primary_key=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sealing_keys")
