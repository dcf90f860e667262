"""Resolvers of the account-wide lists and the lookups by number and transaction id."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from db.engine import read_connection
from db.queries import lists as queries
from resolvers.context import context_of
from resolvers.listing import list_page
from resolvers.pagination import Page
from resolvers.views import InvoiceView, PaymentView, ProjectView


def _order(order_by: Any) -> tuple[str, bool]:
    """Return (order field, descending); creation order, oldest first, by default."""
    if order_by is None:
        return "CREATED_AT", False
    return order_by.field.value, order_by.direction.value == "DESC"


async def invoices(
    info: Info[Any, Any], *, filter: Any, order_by: Any, **window: Any
) -> Page[InvoiceView]:
    """Return a page of the caller's invoices matching the filter, in the order asked for."""
    today = context_of(info).loaders.today
    given = filter or None
    conditions = queries.invoice_conditions(
        today=today,
        statuses=None if given is None or given.status is None else [s.value for s in given.status],
        overdue=getattr(given, "overdue", None),
        project_id=getattr(given, "project_id", None),
        due_after=getattr(given, "due_after", None),
        due_before=getattr(given, "due_before", None),
        issued_after=getattr(given, "issued_after", None),
        issued_before=getattr(given, "issued_before", None),
        search=getattr(given, "search", None),
    )
    order, descending = _order(order_by)
    return await list_page(
        info,
        queries.INVOICES,
        conditions=conditions,
        order=order,
        descending=descending,
        make_view=lambda row: InvoiceView.from_row(row, today=today),
        **window,
    )


async def payments(
    info: Info[Any, Any], *, filter: Any, order_by: Any, **window: Any
) -> Page[PaymentView]:
    """Return a page of the caller's payments matching the filter, in the order asked for."""
    method = getattr(filter, "method", None)
    conditions = queries.payment_conditions(
        project_id=getattr(filter, "project_id", None),
        method=None if method is None else method.value,
        received_after=getattr(filter, "received_after", None),
        received_before=getattr(filter, "received_before", None),
        search=getattr(filter, "search", None),
    )
    order, descending = _order(order_by)
    return await list_page(
        info,
        queries.PAYMENTS,
        conditions=conditions,
        order=order,
        descending=descending,
        make_view=PaymentView.from_row,
        **window,
    )


async def projects(
    info: Info[Any, Any], *, filter: Any, order_by: Any, **window: Any
) -> Page[ProjectView]:
    """Return a page of the caller's projects matching the filter, in the order asked for."""
    conditions = queries.project_conditions(search=getattr(filter, "search", None))
    order, descending = _order(order_by)
    return await list_page(
        info,
        queries.PROJECTS,
        conditions=conditions,
        order=order,
        descending=descending,
        make_view=ProjectView.from_row,
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
