"""Root lists as Relay connections: first/after and last/before over keyset cursors.

A cursor names the order it was made for and carries the row's value in that order and its
id, so it stays valid when rows are inserted anywhere, and a cursor of another order is
refused rather than misread.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from graphql import GraphQLError
from sqlalchemy.sql import ColumnElement

from db.engine import read_connection
from db.queries.listing import Keyset, Listing, SortKey, Window, count_rows, window_rows
from resolvers.context import context_of
from resolvers.pagination import (
    MAX_PAGE_SIZE,
    Edge,
    Page,
    PageInfo,
    decode_cursor,
    is_creation_cursor,
    page_size,
)

_PARSE: dict[str, Callable[[Any], Any]] = {
    "timestamp": datetime.fromisoformat,
    "date": date.fromisoformat,
    "text": str,
    "int": int,
}


def encode_keyset(order: str, value: Any, id_: str) -> str:
    """Return the opaque cursor of a row at `value` in `order`."""
    plain = value.isoformat() if isinstance(value, date | datetime) else value
    return base64.urlsafe_b64encode(json.dumps([order, plain, id_]).encode()).decode()


def decode_keyset(cursor: str, *, order: str, sort: SortKey, argument: str) -> Keyset:
    """Return the (value, id) a cursor stands for; refuse one not made for this order."""
    if order == "CREATED_AT" and is_creation_cursor(cursor):
        return decode_cursor(cursor, argument=argument)
    try:
        made_for, plain, id_ = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if made_for != order or not isinstance(id_, str):
            raise ValueError("a cursor of another order")
        value = None if plain is None else _PARSE[sort.kind](plain)
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("a cursor's timestamp carries its time zone")
        if value is None and not sort.nullable:
            raise ValueError("this order has no empty values")
        return value, id_
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise GraphQLError(
            f"Invalid cursor for `{argument}`: use a cursor this list returned for the same "
            "orderBy.",
            extensions={"code": "INVALID", "field": [argument]},
        ) from error


def _sizes(first: int | None, last: int | None) -> tuple[int, bool]:
    """Return (page size, backward) from first/last; both together are refused."""
    if first is not None and last is not None:
        raise GraphQLError(
            "Pass `first` or `last`, not both.",
            extensions={"code": "INVALID", "field": ["last"]},
        )
    if last is None:
        return page_size(first), False
    if not 0 <= last <= MAX_PAGE_SIZE:
        raise GraphQLError(
            f"`last` must be between 0 and {MAX_PAGE_SIZE}.",
            extensions={"code": "INVALID", "field": ["last"]},
        )
    return last, True


async def list_page(
    info: Any,
    listing: Listing,
    *,
    conditions: Sequence[ColumnElement[bool]],
    order: str,
    descending: bool,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    make_view: Callable[[Any], Any],
) -> Page[Any]:
    """Return one page of the caller's rows matching `conditions`, in the order asked for."""
    context = context_of(info)
    size, backward = _sizes(first, last)
    sort = listing.sorts[order]
    window = Window(
        sort=order,
        descending=descending,
        after=decode_keyset(after, order=order, sort=sort, argument="after") if after else None,
        before=decode_keyset(before, order=order, sort=sort, argument="before") if before else None,
        limit=size + 1,
        backward=backward,
    )
    account_id = context.caller.account_id
    async with read_connection(context.engine) as connection:
        rows = await window_rows(
            connection, listing, account_id=account_id, conditions=conditions, window=window
        )

    async def count_total() -> int:
        async with read_connection(context.engine) as connection:
            return await count_rows(
                connection, listing, account_id=account_id, conditions=conditions
            )

    more = len(rows) > size
    shown = (rows[1:] if backward else rows[:size]) if more else rows
    edges = [Edge(make_view(row), encode_keyset(order, row.sort_value, row.id)) for row in shown]
    return Page(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more if not backward else before is not None,
            has_previous_page=more if backward else after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_total=count_total,
    )
