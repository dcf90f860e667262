"""persisted queries per account: the store keyed by (account_id, sha256), distributed by account

The store is a cache Apollo's link refills by itself (a miss costs one round trip), so the
shared table is dropped rather than copied: its rows name no account to copy them to.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.distribute import Rule, place_new_table
from db.placement import create_placed_table

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("persisted_query")
    create_placed_table(
        op,
        "persisted_query",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("query", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("account_id", "sha256"),
    )
    op.create_index(
        "ix_persisted_query_age", "persisted_query", ["account_id", "created_at", "sha256"]
    )


def downgrade() -> None:
    op.drop_index("ix_persisted_query_age", table_name="persisted_query")
    op.drop_table("persisted_query")
    op.create_table(
        "persisted_query",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("query", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    place_new_table(op, "persisted_query", rule=Rule.REFERENCE)  # its rule before 0011
