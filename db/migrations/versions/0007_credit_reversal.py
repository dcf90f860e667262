"""credit reversal: a credit application reversed with reverseCreditApplication keeps its
reason

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "credit_application", sa.Column("reversal_reason", sa.String(length=500), nullable=True)
    )


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+ and Citus), as 0006 does: no batch table copy.
    op.execute("ALTER TABLE credit_application DROP COLUMN reversal_reason")
