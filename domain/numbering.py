"""Gapless per-account numbers (INV-000001, IS-00000001) from a counter row.

The counter row is updated in the caller's transaction: PostgreSQL holds its row lock until
commit and SQLite's writer holds the database lock, so two issuers never get the same
number, and a rolled-back transaction gives its number back.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import AccountCounter
from db.tables.columns import COUNTERS

INVOICE_SERIES = ("invoice", "INV-", 6)
SCHEDULE_SERIES = ("invoice_schedule", "IS-", 8)
CREDIT_NOTE_SERIES = ("credit_note", "CN-", 6)


async def next_number(
    *, session: AsyncSession, account_id: str, series: tuple[str, str, int]
) -> str:
    """Return the next number of the series for this account, e.g. `INV-000042`."""
    name, prefix, width = series
    value = await session.scalar(
        update(AccountCounter)
        .where(COUNTERS.account_id == account_id, COUNTERS.series == name)
        .values(value=COUNTERS.value + 1)
        .returning(COUNTERS.value)
    )
    if value is None:
        raise RuntimeError(f"account {account_id} has no {name} counter")
    return f"{prefix}{int(value):0{width}d}"
