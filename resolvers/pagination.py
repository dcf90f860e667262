"""Keyset pagination: opaque cursors over (created_at, id) and the page they produce."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from graphql import GraphQLError

from resolvers.cursor_values import (
    CursorProblem,
    checked_id,
    checked_timestamp,
    cursor_parts,
    cursor_text,
)

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def encode_cursor(created_at: datetime, id_: str) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{id_}".encode()).decode()


def is_creation_cursor(cursor: str) -> bool:
    """Whether a cursor is of the creation-order form (`Project.invoices`, older lists)."""
    try:
        return "|" in cursor_text(cursor)
    except CursorProblem:
        return False


def invalid_cursor(argument: str, hint: str = "") -> GraphQLError:
    """Return the INVALID error of a cursor this server did not make, naming the argument."""
    return GraphQLError(
        f"Invalid cursor for `{argument}`{hint}.",
        extensions={"code": "INVALID", "field": [argument]},
    )


def decode_cursor(cursor: str, *, argument: str = "after") -> tuple[datetime, str]:
    """Return the keyset a cursor stands for; refuse one this server did not make."""
    try:
        if not is_creation_cursor(cursor):
            # A root list's cursor in creation order (resolvers/listing.py) means the same.
            order, created_at, id_ = cursor_parts(cursor)
            if order != "CREATED_AT":
                raise CursorProblem("a cursor of another order")
        else:
            created_at, id_ = cursor_text(cursor).split("|", 1)
        return checked_timestamp(created_at), checked_id(id_)
    except (ValueError, TypeError) as error:
        raise invalid_cursor(argument) from error


def page_size(first: int | None) -> int:
    """Return the page size asked for, refusing one outside 0..100."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise GraphQLError(
            f"`first` must be between 0 and {MAX_PAGE_SIZE}.",
            extensions={"code": "INVALID", "field": ["first"]},
        )
    return size


@dataclass(slots=True)
class Edge(Generic[T]):
    node: T
    made_cursor: str | None = None  # a root list's cursor, which names its order

    @property
    def cursor(self) -> str:
        """The node's keyset as a cursor, made when asked for (most pages only show nodes)."""
        if self.made_cursor is not None:
            return self.made_cursor
        node: Any = self.node
        return encode_cursor(node.created_at, node.id)


@dataclass(slots=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass(slots=True)
class Page(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count_total: Callable[[], Awaitable[int]]

    @property
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def make_page(
    items: Sequence[Any],
    *,
    size: int,
    after: str | None,
    count_total: Callable[[], Awaitable[int]],
    edge: type[Edge[Any]] = Edge,
) -> Page[Any]:
    """Return a page from up to size + 1 items fetched in order (the extra one means 'more')."""
    edges = [edge(item) for item in items[:size]]
    return Page(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > size,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_total=count_total,
    )
