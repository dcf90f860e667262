"""Live updates: subscribers wait for an account's commits, then read its new events.

A commit wakes the account's subscribers in this process (the mutation frame, after commit)
and, on PostgreSQL, in every process through NOTIFY (server/listener.py). A woken subscriber
reads the events after the last one it saw, so a lost or doubled wake-up loses or doubles
nothing.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select

from db.engine import read_connection
from db.queries.events import EventFilter, event_page
from db.tables.columns import EVT, A, I
from resolvers.context import context_of
from resolvers.events import EventView, check_types

_WAITING: dict[str, set[asyncio.Event]] = defaultdict(set)
BATCH = 100


def wake(account_id: str) -> None:
    """Wake this process's subscribers of the account (safe to call for none)."""
    for waiter in list(_WAITING.get(account_id, ())):
        waiter.set()


async def follow_events(
    info: Any, *, types: list[str] | None = None, object_id: str | None = None
) -> AsyncIterator[EventView]:
    """Yield the caller's events committed from now on, in commit order, as they come."""
    context = context_of(info)
    wanted = EventFilter(context.caller.account_id, check_types(types), object_id)
    waiter = asyncio.Event()
    _WAITING[wanted.account_id].add(waiter)
    try:
        last = await _last_sequence(context.engine, wanted.account_id)
        while True:
            await waiter.wait()
            waiter.clear()
            async for event in _events_after(context.engine, wanted, last):
                last = max(last, event.sequence)
                if _matches(event, wanted):
                    yield event
    finally:
        _WAITING[wanted.account_id].discard(waiter)


def _matches(event: EventView, wanted: EventFilter) -> bool:
    return (wanted.types is None or event.type in wanted.types) and (
        wanted.object_id is None or event.object_id == wanted.object_id
    )


async def _events_after(engine: Any, wanted: EventFilter, last: int) -> AsyncIterator[EventView]:
    everything = EventFilter(wanted.account_id)
    while True:
        async with read_connection(engine) as connection:
            rows = await event_page(connection, wanted=everything, after=last, limit=BATCH)
        for row in rows:
            yield EventView.from_row(row)
        if len(rows) < BATCH:
            return
        last = rows[-1].sequence


async def _last_sequence(engine: Any, account_id: str) -> int:
    async with read_connection(engine) as connection:
        statement = select(EVT.sequence).where(EVT.account_id == account_id)
        found = await connection.scalar(statement.order_by(EVT.sequence.desc()).limit(1))
    return int(found or 0)


async def projects_touched(info: Any, event: EventView) -> set[str]:
    """Return the ids of the projects an event changed (a payment's: its invoices' projects)."""
    data = event.data if isinstance(event.data, dict) else {}
    if event.object_id.startswith("prj_"):
        return {event.object_id}
    if data.get("projectId"):
        return {str(data["projectId"])}
    invoice_ids: set[str] = set()
    if data.get("invoiceId"):
        invoice_ids.add(str(data["invoiceId"]))
    context = context_of(info)
    account_id = context.caller.account_id
    async with read_connection(context.engine) as connection:
        if event.object_id.startswith("pay_"):
            invoice_ids |= set(
                await connection.scalars(
                    select(A.invoice_id).where(
                        A.account_id == account_id, A.payment_id == event.object_id
                    )
                )
            )
        if event.object_id.startswith("inv_"):
            invoice_ids.add(event.object_id)
        if not invoice_ids:
            return set()
        found = await connection.scalars(
            select(I.project_id).where(I.account_id == account_id, I.id.in_(invoice_ids))
        )
        return set(found)
