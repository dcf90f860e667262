"""Resolvers of the account-wide lists and the lookups by number and transaction id."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from graphql import GraphQLError
from sqlalchemy.sql import ColumnElement
from strawberry.types import Info

from db.engine import read_connection
from db.queries import lists as queries
from db.queries.listing import Listing
from domain.search import search_form
from resolvers.context import context_of
from resolvers.listing import list_page
from resolvers.pagination import Page
from resolvers.views import ClientView, InvoiceView, PaymentView, ProjectView
from resolvers.views.credit_notes import CreditNoteView

MAX_SEARCH = 200


@dataclass(frozen=True)
class RootList:
    """One root list: what it selects, its filter's conditions, how a row becomes a view."""

    listing: Listing
    conditions: Callable[..., list[ColumnElement[bool]]]
    view: Callable[[Any, date], Any]


INVOICES = RootList(
    queries.INVOICES,
    queries.invoice_conditions,
    lambda row, today: InvoiceView.from_row(row, today=today),
)
PAYMENTS = RootList(
    queries.PAYMENTS, queries.payment_conditions, lambda row, _: PaymentView.from_row(row)
)
PROJECTS = RootList(
    queries.PROJECTS, queries.project_conditions, lambda row, _: ProjectView.from_row(row)
)
CLIENTS = RootList(
    queries.CLIENTS, queries.client_conditions, lambda row, _: ClientView.from_row(row)
)
CREDIT_NOTES = RootList(
    queries.CREDIT_NOTES,
    queries.credit_note_conditions,
    lambda row, _: CreditNoteView.from_row(row),
)


def _plain(value: Any) -> Any:
    """An enum (or a list of them) as the stored text; ids and dates as they are."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def filter_values(given: Any) -> dict[str, Any]:
    """Return the fields of a filter input that were given, by their Python names."""
    if given is None:
        return {}
    values = {field.name: _plain(getattr(given, field.name)) for field in dataclasses.fields(given)}
    search = values.get("search")
    if search is not None and len(search) > MAX_SEARCH:
        raise GraphQLError(
            f"`filter.search` is at most {MAX_SEARCH} characters.",
            extensions={"code": "INVALID", "field": ["filter", "search"]},
        )
    if search is not None and not search_form(search):
        values["search"] = None  # blank, or accents alone: no filter, as an empty search box
    return {name: value for name, value in values.items() if value is not None}


def _order(order_by: Any) -> tuple[str, bool]:
    """Return (order field, descending); creation order, oldest first, by default.

    `order_by` is an order input ({field direction}) or, for `clients`, an order enum."""
    if order_by is None:
        return "CREATED_AT", False
    if isinstance(order_by, Enum):
        return order_by.value, False
    return order_by.field.value, order_by.direction.value == "DESC"


async def root_page(
    info: Info[Any, Any], kind: RootList, *, filter: Any, order_by: Any, **window: Any
) -> Page[Any]:
    """Return a page of the caller's rows of one root list matching the filter, in order."""
    context = context_of(info)
    today = context.loaders.today
    conditions = kind.conditions(
        account_id=context.caller.account_id, today=today, **filter_values(filter)
    )
    order, descending = _order(order_by)
    return await list_page(
        info,
        kind.listing,
        conditions=conditions,
        order=order,
        descending=descending,
        make_view=lambda row: kind.view(row, today),
        **window,
    )


async def invoice_by_number(info: Info[Any, Any], number: str) -> InvoiceView | None:
    """Return the caller's invoice with this number (`INV-000001`; case and spaces ignored)."""
    context = context_of(info)
    async with read_connection(context.engine) as connection:
        found = await queries.invoice_id_by_number(
            connection, account_id=context.caller.account_id, number=number.strip().upper()
        )
    return None if found is None else await context.loaders.invoice.load(found)


async def payment_by_transaction_id(
    info: Info[Any, Any], transaction_id: str
) -> PaymentView | None:
    """Return the caller's payment of this processor transaction id, or None."""
    context = context_of(info)
    async with read_connection(context.engine) as connection:
        found = await queries.payment_id_by_transaction(
            connection, account_id=context.caller.account_id, transaction_id=transaction_id
        )
    return None if found is None else await context.loaders.payment.load(found)
