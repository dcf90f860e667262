"""Relay connections: edges with keyset cursors, nodes, pageInfo and totalCount."""

from typing import Annotated, Any, Generic, TypeVar

import strawberry

from resolvers.pagination import Page

T = TypeVar("T")

# The paging arguments of every connection field.
First = Annotated[
    int | None,
    strawberry.argument(description="Page size from the start (or after `after`): 0..100."),
]
After = Annotated[
    str | None,
    strawberry.argument(description="A cursor from this list and order: the page after it."),
]
Last = Annotated[
    int | None,
    strawberry.argument(description="Page size from the end (or before `before`): 0..100."),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="A cursor from this list and order: the page before it."),
]


@strawberry.type(description="Where a page lies in its list, and the cursors to move on from it.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether items follow this page (ask with `after: endCursor`)."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items precede this page (ask with `before: startCursor`)."
    )
    start_cursor: str | None = strawberry.field(
        description="Opaque cursor of the page's first item; null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="Opaque cursor of the page's last item; null on an empty page."
    )


@strawberry.type(description="One item of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Opaque keyset cursor of this item: stays valid when items are added."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of results; pass `pageInfo.endCursor` as `after`.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's items with their cursors.")
    nodes: list[T] = strawberry.field(description="The page's items, in order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")

    @strawberry.field(description="How many items there are in all, across every page.")
    async def total_count(self, root: strawberry.Parent[Page[Any]]) -> int:
        return await root.count_total()
