"""retainage: projects withhold a percentage of each progress invoice; invoices carry their
kind and what they withhold, their lines each share of it, release lines their milestone, and
milestones what is still held

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-09 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
# Chained after 0006 for now: 0007 (events) lands separately and the lead re-chains this.
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Native ADD COLUMN on both backends (and on Citus, which propagates it to every shard): a
# batch's table copy on SQLite would lose 0005's expression index on invoice.
_COLUMNS = (
    ("project", sa.Column("retainage_basis_points", sa.Integer(), server_default="0")),
    ("milestone", sa.Column("retainage_held", sa.BigInteger(), server_default="0")),
    ("invoice", sa.Column("kind", sa.String(length=20), server_default="STANDARD")),
    ("invoice", sa.Column("retainage_amount", sa.BigInteger(), server_default="0")),
    ("invoice_line", sa.Column("retainage_share", sa.BigInteger(), server_default="0")),
    ("invoice_line", sa.Column("retainage_amount", sa.BigInteger(), server_default="0")),
)


def upgrade() -> None:
    for table, column in _COLUMNS:
        column.nullable = False
        op.add_column(table, column)
    op.add_column(
        "invoice_line", sa.Column("released_milestone_id", sa.String(length=40), nullable=True)
    )
    op.create_index(
        "ix_invoice_line_released", "invoice_line", ["account_id", "released_milestone_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_invoice_line_released", table_name="invoice_line")
    for table, column in (*_COLUMNS, ("invoice_line", sa.Column("released_milestone_id"))):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column.name}")
