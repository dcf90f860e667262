"""record_event: queue an event in the running write; the write stores it just before commit.

Events are kept per account in commit order. Before inserting them, the transaction takes a
per-account lock held until it ends (PostgreSQL: a transaction-level advisory lock; SQLite:
the writer already holds the database lock) and numbers them after the highest committed
sequence. The next writer of the account can only take its numbers after this one has
committed (and is visible) or rolled back (its numbers are free again), so a reader paging by
sequence never sees a later event before an earlier one, and never a gap that fills in later.
Taking the lock at the end keeps writers serialized only for their last statements; whatever
does not need the lock (the webhook endpoints read, the NOTIFY, which PostgreSQL sends only at
commit anyway) is done before it, so the lock is held for the event inserts, the deliveries of
an account with webhooks, and the commit.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.queries.events import INSERT_NEXT_EVENT
from db.statements import Statements, session_statements
from domain.context import Caller
from domain.events.shapes import api_shape
from domain.events.types import EVENT_TYPES
from domain.ids import new_id
from domain.webhooks.queue import delivery_writes, enabled_endpoints


@dataclass(frozen=True)
class PendingEvent:
    type: str
    object_id: str
    data: dict[str, Any]


EVENTS_CHANNEL = "milestone_billing_events"
_PENDING: ContextVar[list[PendingEvent] | None] = ContextVar("pending_events", default=None)


def record_event(event_type: str, subject: Any, *, currency: str | None = None) -> None:
    """Queue an event about `subject` (a row, or a dict with `id`: the data as the API shows it).

    Nothing is written unless the surrounding write commits.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    pending = _PENDING.get()
    if pending is None:
        raise RuntimeError(
            "record_event outside a write: run it in a mutation, or in recording_events()"
        )
    data = subject if isinstance(subject, dict) else api_shape(subject, currency=currency)
    pending.append(PendingEvent(event_type, str(data["id"]), json.loads(json.dumps(data))))


@contextmanager
def collecting_events() -> Iterator[list[PendingEvent]]:
    """Collect the events recorded inside the block (one per write attempt)."""
    token = _PENDING.set([])
    try:
        pending = _PENDING.get()
        assert pending is not None
        yield pending
    finally:
        _PENDING.reset(token)


async def write_events(
    *, db: Statements, caller: Caller, pending: list[PendingEvent]
) -> list[dict[str, Any]]:
    """Return the event rows written for `pending` (each numbered in the database, in
    commit order: see above)."""
    if not pending:
        return []
    account_id = caller.account_id
    now = caller.clock.now()
    rows = [
        {
            "account_id": account_id,
            "id": new_id("evt"),
            "type": event.type,
            "object_id": event.object_id,
            "occurred_at": now,
            "data": json.dumps(event.data, separators=(",", ":")),
        }
        for event in pending
    ]
    endpoints = await enabled_endpoints(db=db, caller=caller)
    # Subscribers in every server process learn of the commit (PostgreSQL NOTIFY is sent then).
    await db.notify(EVENTS_CHANNEL, account_id)
    await db.lock_name(f"events:{account_id}")
    # Deliveries are queued in the same transaction: a committed event is never undelivered.
    await db.execute(
        *((INSERT_NEXT_EVENT, row) for row in rows),
        *delivery_writes(account_id=account_id, endpoints=endpoints, events=rows),
    )
    return rows


@asynccontextmanager
async def recording_events(session: AsyncSession, caller: Caller) -> AsyncIterator[None]:
    """Write the events recorded inside the block in the session's transaction, at its end."""
    with collecting_events() as pending:
        yield
        await write_events(db=await session_statements(session), caller=caller, pending=pending)
