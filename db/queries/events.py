"""Statements of the event outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, bindparam, func, insert, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedWrite, select_rows
from db.tables import Event
from db.tables.columns import EVT

# One event, numbered after the account's highest sequence in the same statement: run under
# the account's events lock, it is one round trip where a read and an insert were two, and the
# lock is held for fewer of them. Each statement of a READ COMMITTED transaction reads a new
# snapshot, so it sees what the previous holder of the lock committed, and the rows this
# transaction inserted before it.
INSERT_NEXT_EVENT = PreparedWrite(
    insert(Event).from_select(
        ["account_id", "id", "sequence", "type", "object_id", "occurred_at", "data"],
        select(
            ACCOUNT,
            bindparam("id", type_=String),
            func.coalesce(func.max(EVT.sequence), literal_column("0")) + literal_column("1"),
            bindparam("type", type_=String),
            bindparam("object_id", type_=String),
            bindparam("occurred_at", type_=EVT.occurred_at.type),
            bindparam("data", type_=Text),
        ).where(EVT.account_id == ACCOUNT),
    )
)


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
