"""The aging report: what was still owed at the end of a day, by days past due (§7.5)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.as_of import invoices_as_of, open_amount
from db.queries.rows import select_rows
from db.queries.sums import exact_sum
from db.tables.columns import I, P

AGING_BUCKETS = ("current", "days1_to30", "days31_to60", "days61_to90", "over90")


async def aging_rows(
    connection: AsyncConnection,
    *,
    account_id: str,
    day: date,
    client_id: str | None,
    project_id: str | None,
) -> list[Any]:
    """Return per (client, currency) what was still owed at the end of `day`, by days past
    due: not yet due, 1-30, 31-60, 61-90, over 90 (void, paid and credited money excluded)."""
    conditions = []
    if client_id is not None:
        conditions.append(P.client_id == client_id)
    if project_id is not None:
        conditions.append(I.project_id == project_id)
    invoices = invoices_as_of(account_id, day, *conditions)
    owed = open_amount(invoices)
    due = invoices.c.due_on

    def bucket(low: int, high: int | None) -> Any:
        # Days past due = day - dueOn; compared as dates, the same on both backends.
        newest = day - timedelta(days=low)
        within = (
            due <= newest
            if high is None
            else and_(due <= newest, due >= day - timedelta(days=high))
        )
        return exact_sum(case((within, owed), else_=0))

    statement = (
        select(
            invoices.c.client_id,
            invoices.c.currency,
            exact_sum(case((due >= day, owed), else_=0)).label("current"),
            bucket(1, 30).label("days1_to30"),
            bucket(31, 60).label("days31_to60"),
            bucket(61, 90).label("days61_to90"),
            bucket(91, None).label("over90"),
            exact_sum(owed).label("total"),
        )
        .where(owed > literal(0))
        .group_by(invoices.c.client_id, invoices.c.currency)
        .order_by(invoices.c.client_id, invoices.c.currency)
    )
    return await select_rows(connection, statement)
