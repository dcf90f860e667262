"""Resolvers for clients: reads through the loaders, writes through the domain."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from strawberry.types import Info

from db.engine import read_connection
from db.queries import clients as queries
from domain.clients import service
from resolvers.context import context_of
from resolvers.mutations import Outcome, run_write
from resolvers.pagination import Edge, Page, PageInfo, decode_cursor, make_page, page_size
from resolvers.views import ClientBalanceView, ClientView

MAX_SEARCH = 200


async def client(info: Info[Any, Any], id_: str) -> ClientView | None:
    """Return the caller's client with this id, or None."""
    return await context_of(info).loaders.client.load(id_)


@dataclass(slots=True)
class NameEdge(Edge[ClientView]):
    """An edge of a list ordered by name: its cursor is the (name, id) keyset."""

    @property
    def cursor(self) -> str:
        keyset = json.dumps(["NAME", self.node.name, self.node.id])
        return base64.urlsafe_b64encode(keyset.encode()).decode()


def _decode(cursor: str, order: str, field: str) -> tuple[Any, str]:
    if order == "CREATED_AT":
        return decode_cursor(cursor)
    try:
        kind, name, id_ = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        if kind != "NAME" or not isinstance(name, str) or not isinstance(id_, str):
            raise ValueError(kind)
        return name, id_
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise GraphQLError(
            f"Invalid cursor for `{field}` with this orderBy.",
            extensions={"code": "INVALID", "field": [field]},
        ) from error


async def clients_page(
    info: Info[Any, Any],
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    search: str | None,
    order: str,
) -> Page[ClientView]:
    """Return one page of the caller's clients matching `search`, in `order`."""
    if (last is not None or before is not None) and (first is not None or after is not None):
        raise GraphQLError(
            "Page forward (first, after) or backward (last, before), not both.",
            extensions={"code": "INVALID", "field": ["last"]},
        )
    if search is not None and len(search) > MAX_SEARCH:
        raise GraphQLError(
            f"`filter.search` is at most {MAX_SEARCH} characters.",
            extensions={"code": "INVALID", "field": ["filter", "search"]},
        )
    backward = last is not None or before is not None
    size = page_size(last if backward else first)
    cursor, field = (before, "before") if backward else (after, "after")
    keyset = _decode(cursor, order, field) if cursor else None
    context = context_of(info)
    account_id = context.caller.account_id
    async with read_connection(context.engine) as connection:
        rows = await queries.client_page(
            connection,
            account_id=account_id,
            search=search or None,
            order=order,
            keyset=keyset,
            backward=backward,
            limit=size + 1,
        )

    async def count_total() -> int:
        async with read_connection(context.engine) as connection:
            return await queries.count_clients(
                connection, account_id=account_id, search=search or None
            )

    views = [ClientView.from_row(row) for row in rows]
    more = len(views) > size
    views = views[:size]
    if backward:
        views.reverse()
    edge = NameEdge if order == "NAME" else Edge
    edges = [edge(view) for view in views]
    return Page(
        edges=edges,
        page_info=PageInfo(
            has_next_page=before is not None if backward else more,
            has_previous_page=more if backward else after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_total=count_total,
    )


async def nested_page(
    info: Info[Any, Any], client_id: str, kind: str, *, first: int | None, after: str | None
) -> Page[Any]:
    """Return one page of a client's projects, invoices or payments, oldest first."""
    loaders = context_of(info).loaders
    size = page_size(first)
    keyset = decode_cursor(after) if after else None
    views = await loaders.client_page.load((client_id, kind, keyset, size + 1))

    async def count_total() -> int:
        return await loaders.client_count.load((client_id, kind))

    return make_page(views, size=size, after=after, count_total=count_total)


async def balances_of(info: Info[Any, Any], client_id: str) -> list[ClientBalanceView]:
    return await context_of(info).loaders.client_balances.load(client_id)


async def create_client(
    info: Info[Any, Any], *, name: str, email: str | None
) -> Outcome[ClientView]:
    """Return the created client, or the userErrors that refused it."""
    outcome = await run_write(
        info,
        lambda session, caller: service.create_client(
            session=session, caller=caller, name=name, email=email
        ),
    )
    return await _then_load(info, outcome)


async def update_client(
    info: Info[Any, Any], *, client_id: str, name: str | None, email: str | None, clear: bool
) -> Outcome[ClientView]:
    """Return the updated client, or the userErrors that refused the change."""
    outcome = await run_write(
        info,
        lambda session, caller: service.update_client(
            session=session,
            caller=caller,
            client_id=client_id,
            name=name,
            email=email,
            clear_email=clear,
        ),
    )
    return await _then_load(info, outcome)


async def _then_load(info: Info[Any, Any], outcome: Outcome[Any]) -> Outcome[ClientView]:
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    return Outcome(value=await client(info, outcome.value.id))
