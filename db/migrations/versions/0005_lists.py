"""lists: search columns, the root lists' indexes (each led by account_id), persisted queries

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from db.distribute import Rule, place_new_table
from db.search_columns import backfill_search_text

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BALANCE_DUE_SQL = "(CASE WHEN status = 'VOID' THEN 0 ELSE total - amount_paid END)"

SEARCH_COLUMNS = {"project": 410, "invoice": 20, "payment": 200}
# (table, columns folded into search_text)
SEARCH_SOURCES = {
    "project": ("name", "client_name"),
    "invoice": ("number",),
    "payment": ("reference",),
}
INDEXES: dict[str, list[tuple[str, list[Any]]]] = {
    "project": [("ix_project_name", ["account_id", "name", "id"])],
    "invoice": [
        ("ix_invoice_created", ["account_id", "created_at", "id"]),
        ("ix_invoice_due", ["account_id", "due_on", "id"]),
        ("ix_invoice_issued", ["account_id", "issued_on", "id"]),
        ("ix_invoice_number_id", ["account_id", "number", "id"]),
        ("ix_invoice_total", ["account_id", "total", "id"]),
        ("ix_invoice_balance_due", ["account_id", sa.text(BALANCE_DUE_SQL), "id"]),
        ("ix_invoice_status_due", ["account_id", "status", "due_on"]),
    ],
    "payment": [
        ("ix_payment_created", ["account_id", "created_at", "id"]),
        ("ix_payment_received", ["account_id", "received_on", "id"]),
        ("ix_payment_amount", ["account_id", "amount", "id"]),
        ("ix_payment_method", ["account_id", "method", "received_on"]),
    ],
}


def upgrade() -> None:
    for table, length in SEARCH_COLUMNS.items():
        # A plain ADD COLUMN (SQLite supports it with a default): recreating the table, as a
        # batch would, drops tables that others reference.
        op.add_column(
            table, sa.Column("search_text", sa.String(length), nullable=False, server_default="")
        )
        backfill_search_text(op.get_bind(), table, SEARCH_SOURCES[table])
    for table, indexes in INDEXES.items():
        for name, columns in indexes:
            op.create_index(name, table, columns, unique=False)
    op.create_table(
        "persisted_query",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("query", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    # A reference table until 0011 keyed it by account.
    place_new_table(op, "persisted_query", rule=Rule.REFERENCE)


def downgrade() -> None:
    op.drop_table("persisted_query")
    for table, indexes in INDEXES.items():
        for name, _columns in indexes:
            op.drop_index(name, table_name=table)
    for table in SEARCH_COLUMNS:
        # Native DROP COLUMN (SQLite 3.35+): a batch's table copy would trip foreign keys.
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_text")
