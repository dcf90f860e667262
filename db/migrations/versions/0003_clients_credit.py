"""clients: one client per distinct (account, clientName) of the existing projects; payments
carry their client and the money not (or no longer) applied to invoices

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00
"""

import secrets
import string
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.distribute import place_new_table

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BASE62 = string.digits + string.ascii_letters

# Every distinct client name of an account, dated by its oldest project.
CLIENT_NAMES = """
SELECT account_id, client_name, MIN(created_at) AS created_at
FROM project GROUP BY account_id, client_name ORDER BY account_id, MIN(created_at), client_name
"""
LINK_PROJECTS = """
UPDATE project SET client_id = (
    SELECT client.id FROM client
    WHERE client.account_id = project.account_id AND client.name = project.client_name
)
"""
# A payment's client is its first allocation's invoice's project's client. Payments written
# before 0003 always allocated to something; one across two clients keeps the first.
LINK_PAYMENTS = """
UPDATE payment SET client_id = (
    SELECT project.client_id FROM allocation
    JOIN invoice ON invoice.account_id = allocation.account_id
        AND invoice.id = allocation.invoice_id
    JOIN project ON project.account_id = invoice.account_id AND project.id = invoice.project_id
    WHERE allocation.account_id = payment.account_id AND allocation.payment_id = payment.id
    ORDER BY allocation.position LIMIT 1
)
"""
# Money of a reversed allocation is the payment's again: unapplied, ready to apply or refund.
UNAPPLIED = """
UPDATE payment SET unapplied_amount = amount - COALESCE((
    SELECT SUM(allocation.amount) FROM allocation
    WHERE allocation.account_id = payment.account_id AND allocation.payment_id = payment.id
      AND allocation.reversed_at IS NULL
), 0)
"""


def _new_client_id() -> str:
    return "cli_" + "".join(secrets.choice(BASE62) for _ in range(22))


def upgrade() -> None:
    op.create_table(
        "client",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index("uq_client_name", ["account_id", "name"], unique=True)
        batch_op.create_index("ix_client_page", ["account_id", "created_at", "id"], unique=False)
    place_new_table(op, "client")

    connection = op.get_bind()
    # created_at is copied as the database returned it (SQLite's text, PostgreSQL's
    # timestamp), so it is stored exactly as the project's was.
    sqlite = connection.dialect.name == "sqlite"
    client = sa.table(
        "client",
        sa.column("account_id", sa.String),
        sa.column("id", sa.String),
        sa.column("name", sa.String),
        sa.column("created_at", sa.String if sqlite else sa.DateTime(timezone=True)),
    )
    names = connection.execute(sa.text(CLIENT_NAMES)).all()
    if names:
        connection.execute(
            client.insert(),
            [
                {"account_id": a, "id": _new_client_id(), "name": n, "created_at": c}
                for a, n, c in names
            ],
        )

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=40), nullable=True))
    op.execute(LINK_PROJECTS)
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.alter_column("client_id", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_foreign_key(
            "fk_project_client", "client", ["account_id", "client_id"], ["account_id", "id"]
        )
        batch_op.create_index(
            "ix_project_client", ["account_id", "client_id", "created_at", "id"], unique=False
        )

    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("unapplied_amount", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("refunded_amount", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.execute(LINK_PAYMENTS)
    op.execute(UNAPPLIED)
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_payment_client", "client", ["account_id", "client_id"], ["account_id", "id"]
        )
        batch_op.create_index(
            "ix_payment_client", ["account_id", "client_id", "created_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_client")
        batch_op.drop_constraint("fk_payment_client", type_="foreignkey")
        batch_op.drop_column("refunded_amount")
        batch_op.drop_column("unapplied_amount")
        batch_op.drop_column("client_id")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index("ix_project_client")
        batch_op.drop_constraint("fk_project_client", type_="foreignkey")
        batch_op.drop_column("client_id")
    op.drop_table("client")
