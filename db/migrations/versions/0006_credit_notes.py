"""credit notes: credit notes and their lines, where their credit went, refunds; invoices
carry the credit applied to them; every account gets a credit_note number counter

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.placed_tables import create_placed_table

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# No account has this series before 0006. No NOT EXISTS: Citus refuses a correlated
# subquery over the `account` reference table.
COUNTERS = """
INSERT INTO account_counter (account_id, series, value)
SELECT id, 'credit_note', 0 FROM account
"""


def _key(*names: str) -> list[sa.Column[str]]:
    return [sa.Column(name, sa.String(length=40), nullable=False) for name in names]


def upgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("credited_amount", sa.BigInteger(), nullable=False, server_default="0")
        )
    create_placed_table(
        op,
        "credit_note",
        *_key("account_id", "id"),
        sa.Column("number", sa.String(length=20), nullable=False),
        *_key("invoice_id", "client_id"),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("applied_amount", sa.BigInteger(), nullable=False),
        sa.Column("unapplied_amount", sa.BigInteger(), nullable=False),
        sa.Column("refunded_amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["account_id", "invoice_id"], ["invoice.account_id", "invoice.id"]),
        sa.ForeignKeyConstraint(["account_id", "client_id"], ["client.account_id", "client.id"]),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    op.create_index("uq_credit_note_number", "credit_note", ["account_id", "number"], unique=True)
    op.create_index("ix_credit_note_invoice", "credit_note", ["account_id", "invoice_id"])
    op.create_index(
        "ix_credit_note_client", "credit_note", ["account_id", "client_id", "created_at", "id"]
    )
    create_placed_table(
        op,
        "credit_note_line",
        *_key("account_id", "id", "credit_note_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.String(length=40), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(
            ["account_id", "credit_note_id"], ["credit_note.account_id", "credit_note.id"]
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "milestone_id"], ["milestone.account_id", "milestone.id"]
        ),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    op.create_index(
        "ix_credit_note_line_note", "credit_note_line", ["account_id", "credit_note_id", "position"]
    )
    op.create_index(
        "ix_credit_note_line_milestone", "credit_note_line", ["account_id", "milestone_id"]
    )
    create_placed_table(
        op,
        "credit_application",
        *_key("account_id", "id", "credit_note_id", "invoice_id"),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("at_creation", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(
            ["account_id", "credit_note_id"], ["credit_note.account_id", "credit_note.id"]
        ),
        sa.ForeignKeyConstraint(["account_id", "invoice_id"], ["invoice.account_id", "invoice.id"]),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    op.create_index(
        "ix_credit_application_note", "credit_application", ["account_id", "credit_note_id"]
    )
    op.create_index(
        "ix_credit_application_invoice", "credit_application", ["account_id", "invoice_id"]
    )
    create_placed_table(
        op,
        "refund",
        *_key("account_id", "id"),
        sa.Column("payment_id", sa.String(length=40), nullable=True),
        sa.Column("credit_note_id", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("refunded_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["account_id", "payment_id"], ["payment.account_id", "payment.id"]),
        sa.ForeignKeyConstraint(
            ["account_id", "credit_note_id"], ["credit_note.account_id", "credit_note.id"]
        ),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    op.create_index("ix_refund_payment", "refund", ["account_id", "payment_id"])
    op.create_index("ix_refund_credit_note", "refund", ["account_id", "credit_note_id"])
    op.execute(COUNTERS)


def downgrade() -> None:
    op.execute("DELETE FROM account_counter WHERE series = 'credit_note'")
    for table in ("refund", "credit_application", "credit_note_line", "credit_note"):
        op.drop_table(table)
    # Native DROP COLUMN (SQLite 3.35+), as 0005 does: a batch's table copy would lose 0005's
    # expression index ix_invoice_balance_due, and 0005's downgrade then fails to drop it.
    op.execute("ALTER TABLE invoice DROP COLUMN credited_amount")
