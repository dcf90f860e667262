"""Resolvers for clients: reads through the loaders, writes through the domain."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from domain.clients import service
from resolvers.context import context_of
from resolvers.mutations import Outcome, read_back, run_write
from resolvers.pagination import Page, decode_cursor, make_page, page_size
from resolvers.views import ClientBalanceView, ClientView


async def client(info: Info[Any, Any], id_: str) -> ClientView | None:
    """Return the caller's client with this id, or None."""
    return await context_of(info).loaders.client.load(id_)


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
    return await read_back(outcome, lambda id_: client(info, id_))
