"""Every order and filter of the root lists is served by an index led by account_id: with
sequential scans off, PostgreSQL's plan for each has no Seq Scan and no Sort of the table."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from db.migrate import upgrade_to_head
from db.queries import lists
from db.queries.listing import Listing
from db.tables.columns import I

ACCOUNT = "acct_explain"


def plans(listing: Listing) -> dict[str, object]:
    """One statement per order (both directions) as the list runs it, plus each filter."""
    statements: dict[str, object] = {}
    for name, sort in listing.sorts.items():
        for descending in (False, True):
            ordered = (
                (sort.column.desc(), listing.id.desc()) if descending else (sort.column, listing.id)
            )
            statements[f"{name} {'DESC' if descending else 'ASC'}"] = (
                select(*listing.columns)
                .where(listing.account == ACCOUNT)
                .order_by(*ordered)
                .limit(21)
            )
    return statements


FILTERS = {
    "status": lists.invoice_conditions(today=date(2026, 3, 1), statuses=["OPEN"]),
    "overdue": lists.invoice_conditions(today=date(2026, 3, 1), overdue=True),
    "project": lists.invoice_conditions(today=date(2026, 3, 1), project_id="prj_x"),
    "due range": lists.invoice_conditions(
        today=date(2026, 3, 1), due_after=date(2026, 1, 1), due_before=date(2026, 2, 1)
    ),
}


@pytest.mark.parametrize("listing", [lists.INVOICES, lists.PAYMENTS, lists.PROJECTS], ids=str)
def test_no_sequential_scan_for_any_order_or_filter(
    postgres_urls: dict[str, str], listing: Listing
) -> None:
    url = postgres_urls["api"]
    upgrade_to_head(url)  # Alembic runs its own event loop: a plain test, as in test_migrations
    asyncio.run(_check(url, listing))


async def _check(url: str, listing: Listing) -> None:
    engine = create_engine(url)
    try:
        await _explain(engine, listing)
    finally:
        await engine.dispose()


async def _explain(engine: AsyncEngine, listing: Listing) -> None:
    statements = plans(listing)
    if listing is lists.INVOICES:
        for name, conditions in FILTERS.items():
            statements[name] = select(func.count()).where(I.account_id == ACCOUNT, *conditions)
    async with engine.connect() as connection:
        await connection.execute(text("SET enable_seqscan = off"))
        for name, statement in statements.items():
            sql = str(
                statement.compile(  # type: ignore[attr-defined]
                    dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
                )
            )
            plan = "\n".join(row[0] for row in await connection.execute(text(f"EXPLAIN {sql}")))
            assert "Seq Scan" not in plan, (name, plan)
            if "ASC" in name or "DESC" in name:
                assert "Sort" not in plan, (name, plan)
