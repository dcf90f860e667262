"""Statements of the event outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, PreparedWrite, select_rows
from db.tables import Event
from db.tables.columns import EVT

LAST_SEQUENCE = PreparedSelect(
    select(func.max(EVT.sequence).label("last")).where(EVT.account_id == ACCOUNT)
)
INSERT_EVENT = PreparedWrite(insert(Event), columns=EVT.keys())


@dataclass(frozen=True)
class EventFilter:
    """Which of an account's events a reader wants; None means any."""

    account_id: str
    types: Sequence[str] | None = None
    object_id: str | None = None
    occurred_after: datetime | None = None


def _where(wanted: EventFilter) -> list[Any]:
    conditions: list[Any] = [EVT.account_id == wanted.account_id]
    if wanted.types is not None:
        conditions.append(EVT.type.in_(list(wanted.types)))
    if wanted.object_id is not None:
        conditions.append(EVT.object_id == wanted.object_id)
    if wanted.occurred_after is not None:
        conditions.append(EVT.occurred_at > wanted.occurred_after)
    return conditions


async def event_page(
    connection: AsyncConnection, *, wanted: EventFilter, after: int, limit: int
) -> list[Any]:
    """Return up to `limit` events in commit order with a sequence above `after`."""
    statement = (
        select(EVT.id, EVT.sequence, EVT.type, EVT.object_id, EVT.occurred_at, EVT.data)
        .where(*_where(wanted), EVT.sequence > after)
        .order_by(EVT.sequence)
        .limit(limit)
    )
    return await select_rows(connection, statement)


async def count_events(connection: AsyncConnection, *, wanted: EventFilter) -> int:
    """Return how many events match, across every page."""
    statement = select(func.count()).select_from(Event).where(*_where(wanted))
    return int(await connection.scalar(statement) or 0)
