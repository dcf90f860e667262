"""The events feed: an account's events in commit order, paged by sequence."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphql import GraphQLError
from strawberry.types import Info

from db.engine import read_connection
from db.queries.events import EventFilter, count_events, event_page
from domain.events.types import EVENT_TYPES
from resolvers.context import context_of
from resolvers.cursor_values import BIGINT_HIGH
from resolvers.pagination import Edge, Page, make_page, page_size

CURSOR_PREFIX = "evt:"
SEQUENCE_DIGITS = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True, slots=True)
class EventView:
    id: str
    sequence: int
    type: str
    object_id: str
    occurred_at: datetime
    data: Any

    @classmethod
    def from_row(cls, row: Any) -> EventView:
        return cls(row.id, row.sequence, row.type, row.object_id, row.occurred_at, _data(row))


def _data(row: Any) -> Any:
    return json.loads(row.data) if isinstance(row.data, str) else row.data


def encode_event_cursor(sequence: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{sequence}".encode()).decode()


def decode_event_cursor(cursor: str) -> int:
    """Return the sequence a cursor stands for; refuse one this server did not make."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError("not an event cursor")
        digits = text.removeprefix(CURSOR_PREFIX)
        # ASCII digits only (int() also takes " 3", "+3", "3_0" and other scripts' digits),
        # and a sequence a BIGINT holds: the database refuses a larger one as an error.
        if not SEQUENCE_DIGITS.fullmatch(digits) or int(digits) > BIGINT_HIGH:
            raise ValueError("not a sequence")
        return int(digits)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise GraphQLError(
            "Invalid cursor for `after`.", extensions={"code": "INVALID", "field": ["after"]}
        ) from error


class EventEdge(Edge[EventView]):
    __slots__ = ()

    @property
    def cursor(self) -> str:
        node: EventView = self.node
        return encode_event_cursor(node.sequence)


def check_types(types: list[str] | None) -> list[str] | None:
    """Return the event types asked for, refusing an unknown one by name."""
    for index, name in enumerate(types or []):
        if name not in EVENT_TYPES:
            raise GraphQLError(
                f"Unknown event type {name!r}.",
                extensions={"code": "INVALID", "field": ["types", str(index)]},
            )
    return types


async def events_page(
    info: Info[Any, Any],
    *,
    first: int | None,
    after: str | None,
    types: list[str] | None,
    object_id: str | None,
    occurred_after: datetime | None,
) -> Page[EventView]:
    """Return one page of the caller's events in commit order."""
    context = context_of(info)
    size = page_size(first)
    if occurred_after is not None and occurred_after.utcoffset() is None:
        # A time without an offset names no instant: which zone the client meant is unknown.
        raise GraphQLError(
            "occurredAfter needs a UTC offset (2026-03-01T00:00:00Z or +02:00).",
            extensions={"code": "INVALID", "field": ["occurredAfter"]},
        )
    wanted = EventFilter(
        account_id=context.caller.account_id,
        types=check_types(types),
        object_id=object_id,
        occurred_after=occurred_after,
    )
    start = decode_event_cursor(after) if after else 0
    async with read_connection(context.engine) as connection:
        rows = await event_page(connection, wanted=wanted, after=start, limit=size + 1)

    async def count_total() -> int:
        async with read_connection(context.engine) as connection:
            return await count_events(connection, wanted=wanted)

    views = [EventView.from_row(row) for row in rows]
    return make_page(views, size=size, after=after, count_total=count_total, edge=EventEdge)
