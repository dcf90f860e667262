"""allocation position: a payment's allocations keep the order they were given in

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Existing allocations of a payment are numbered 1, 2, ... in the order they were listed
# until now (oldest first, then by id): deterministic, and the same on SQLite and PostgreSQL.
BACKFILL = """
UPDATE allocation SET position = (
    SELECT COUNT(*) FROM allocation AS earlier
    WHERE earlier.account_id = allocation.account_id
      AND earlier.payment_id = allocation.payment_id
      AND (earlier.created_at < allocation.created_at
           OR (earlier.created_at = allocation.created_at AND earlier.id <= allocation.id))
)
"""


def upgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(
            "ix_allocation_payment", ["account_id", "payment_id", "position"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_allocation_payment")
        batch_op.drop_column("position")
