"""as of: search columns of clients and credit notes, the root lists' remaining indexes (each
led by account_id), and balanceDue ordering that counts credit

The as-of figures (balance(asOf), agingReport) need no new column: issuedOn, voidedAt, the
allocations' createdAt/reversedAt, credit applications' createdAt/reversedAt and refundedOn
date every event already.

Revision ID: 0009
Revises: 0006 (the lead re-chains it after 0007 and 0008)
Create Date: 2026-12-01 01:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from db.search_columns import backfill_search_text

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_BALANCE_DUE_SQL = "(CASE WHEN status = 'VOID' THEN 0 ELSE total - amount_paid END)"
BALANCE_DUE_SQL = (
    "(CASE WHEN status = 'VOID' THEN 0 ELSE total - amount_paid - credited_amount END)"
)

# table: (search_text length, columns folded into it)
SEARCH_COLUMNS = {"client": (521, ("name", "email")), "credit_note": (20, ("number",))}
INDEXES: dict[str, list[tuple[str, list[Any]]]] = {
    "invoice": [("ix_invoice_balance_open", ["account_id", sa.text(BALANCE_DUE_SQL), "id"])],
    "payment": [("ix_payment_unapplied", ["account_id", "unapplied_amount"])],
    "client": [("ix_client_name_id", ["account_id", "name", "id"])],
    "credit_note": [
        ("ix_credit_note_created", ["account_id", "created_at", "id"]),
        ("ix_credit_note_number_id", ["account_id", "number", "id"]),
        ("ix_credit_note_amount", ["account_id", "amount", "id"]),
        ("ix_credit_note_status", ["account_id", "status", "created_at"]),
    ],
}


def upgrade() -> None:
    for table, (length, sources) in SEARCH_COLUMNS.items():
        # A plain ADD COLUMN: a batch's table copy would drop tables that reference this one.
        op.add_column(
            table, sa.Column("search_text", sa.String(length), nullable=False, server_default="")
        )
        backfill_search_text(op.get_bind(), table, sources)
    op.drop_index("ix_invoice_balance_due", table_name="invoice")
    for table, indexes in INDEXES.items():
        for name, columns in indexes:
            op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, indexes in INDEXES.items():
        for name, _columns in indexes:
            op.drop_index(name, table_name=table)
    op.create_index(
        "ix_invoice_balance_due", "invoice", ["account_id", sa.text(OLD_BALANCE_DUE_SQL), "id"]
    )
    for table in SEARCH_COLUMNS:
        # Native DROP COLUMN (SQLite 3.35+): a batch's table copy would trip foreign keys.
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_text")
