"""Root lists: keyset windows over any order, with the id as tie-breaker, both directions.

An order is a column and the row id. NULL sorts as the largest value on both backends
(`NULLS LAST` ascending, `NULLS FIRST` descending: PostgreSQL's own index order, so one
index on `(account_id, column, id)` serves both directions). A keyset is a row's
(value, id); "after" it means later in the order asked for, so a cursor stays valid however
many rows are inserted before or after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement

from db.queries.rows import select_rows

Keyset = tuple[Any, str]  # (the order column's value, the row id)


@dataclass(frozen=True)
class SortKey:
    """One order of a list: the column (or expression), its kind of value, whether it may be
    NULL. The kind (`timestamp`, `date`, `text`, `int`) says how a cursor carries the value."""

    column: Any
    kind: str
    nullable: bool = False


@dataclass(frozen=True)
class Listing:
    """What a root list selects from: its columns, account and id columns, its orders."""

    columns: tuple[Any, ...]
    account: Any
    id: Any
    sorts: dict[str, SortKey]
    select_from: Callable[[Any], Any] = lambda statement: statement


@dataclass(frozen=True)
class Window:
    """Which rows a page asks for: an order, its direction, the keysets around it, a limit.

    `backward` reads from the end (`last`/`before`); the rows come back in list order anyway.
    """

    sort: str
    descending: bool
    after: Keyset | None
    before: Keyset | None
    limit: int
    backward: bool = False


def _beyond(sort: SortKey, id_: Any, keyset: Keyset, *, later: bool) -> ColumnElement[bool]:
    """Rows after the keyset in ascending order (NULL largest) when `later`, else before it."""
    value, key_id = keyset
    column = sort.column
    if value is None:
        if later:
            return and_(column.is_(None), id_ > key_id)
        return or_(column.is_not(None), and_(column.is_(None), id_ < key_id))
    if later:
        beyond = tuple_(column, id_) > tuple_(value, key_id)
        return or_(beyond, column.is_(None)) if sort.nullable else beyond
    return tuple_(column, id_) < tuple_(value, key_id)


def _order(sort: SortKey, id_: Any, *, descending: bool) -> tuple[Any, ...]:
    if descending:
        first = sort.column.desc().nulls_first() if sort.nullable else sort.column.desc()
        return first, id_.desc()
    first = sort.column.asc().nulls_last() if sort.nullable else sort.column.asc()
    return first, id_.asc()


def window_statement(
    listing: Listing,
    *,
    account_id: str,
    conditions: Sequence[ColumnElement[bool]],
    window: Window,
) -> Any:
    """Return the SELECT of one window: read in the order asked for (reversed when backward)."""
    sort = listing.sorts[window.sort]
    where = [listing.account == account_id, *conditions]
    if window.after is not None:
        where.append(_beyond(sort, listing.id, window.after, later=not window.descending))
    if window.before is not None:
        where.append(_beyond(sort, listing.id, window.before, later=window.descending))
    reading_descending = window.descending != window.backward
    return (
        listing.select_from(select(*listing.columns, sort.column.label("sort_value")))
        .where(*where)
        .order_by(*_order(sort, listing.id, descending=reading_descending))
        .limit(window.limit)
    )


async def window_rows(
    connection: AsyncConnection,
    listing: Listing,
    *,
    account_id: str,
    conditions: Sequence[ColumnElement[bool]],
    window: Window,
) -> list[Any]:
    """Return up to `window.limit` rows in list order (the extra one of a backward read first)."""
    statement = window_statement(
        listing, account_id=account_id, conditions=conditions, window=window
    )
    rows = await select_rows(connection, statement)
    return rows[::-1] if window.backward else rows


def count_statement(
    listing: Listing, *, account_id: str, conditions: Sequence[ColumnElement[bool]]
) -> Any:
    """Return the SELECT counting the rows that match, across every page."""
    return listing.select_from(select(func.count().label("n"))).where(
        listing.account == account_id, *conditions
    )


async def count_rows(
    connection: AsyncConnection,
    listing: Listing,
    *,
    account_id: str,
    conditions: Sequence[ColumnElement[bool]],
) -> int:
    """Return how many rows match, across every page."""
    statement = count_statement(listing, account_id=account_id, conditions=conditions)
    (row,) = await select_rows(connection, statement)
    return int(row.n)


def contains_folded(column: Any, pattern: str) -> ColumnElement[bool]:
    """`column LIKE pattern` with `\\` as escape, for domain/search.py's patterns."""
    return column.like(pattern, escape="\\")
