"""events and webhooks: the outbox of changes, webhook endpoints, deliveries and attempts

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 22:31:29.253939
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.placement import create_placed_table

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_placed_table(
        op,
        "event",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    op.create_index("ix_event_object", "event", ["account_id", "object_id", "sequence"])
    op.create_index("uq_event_sequence", "event", ["account_id", "sequence"], unique=True)
    create_placed_table(
        op,
        "webhook_endpoint",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("event_types", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    create_placed_table(
        op,
        "webhook_delivery",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id", "endpoint_id"],
            ["webhook_endpoint.account_id", "webhook_endpoint.id"],
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "event_id"],
            ["event.account_id", "event.id"],
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    op.create_index("ix_webhook_delivery_due", "webhook_delivery", ["status", "next_attempt_at"])
    op.create_index(
        "ix_webhook_delivery_endpoint",
        "webhook_delivery",
        ["account_id", "endpoint_id", "created_at", "id"],
    )
    create_placed_table(
        op,
        "webhook_attempt",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("delivery_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id", "delivery_id"],
            ["webhook_delivery.account_id", "webhook_delivery.id"],
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("account_id", "id"),
    )
    op.create_index(
        "ix_webhook_attempt_delivery",
        "webhook_attempt",
        ["account_id", "delivery_id", "number"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_attempt_delivery", table_name="webhook_attempt")
    op.drop_table("webhook_attempt")
    op.drop_index("ix_webhook_delivery_endpoint", table_name="webhook_delivery")
    op.drop_index("ix_webhook_delivery_due", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook_endpoint")
    op.drop_index("uq_event_sequence", table_name="event")
    op.drop_index("ix_event_object", table_name="event")
    op.drop_table("event")
