"""The Query root's account-wide lists and lookups (DESIGN.md §7.6)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import lists as resolve
from schema.types.invoices import Invoice
from schema.types.lists import (
    InvoiceFilter,
    InvoiceOrder,
    PaymentFilter,
    PaymentOrder,
    ProjectFilter,
    ProjectOrder,
)
from schema.types.pagination import Connection
from schema.types.payments import Payment
from schema.types.projects import Project

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
FILTER = strawberry.argument(description="Only what matches every condition given.")
ORDER = strawberry.argument(description="The order; CREATED_AT ASC when not given.")


@strawberry.type
class ListQueries:
    @strawberry.field(description="The account's projects; 20 a page unless `first` or `last`.")
    async def projects(
        self,
        info: Info[Any, Any],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[ProjectFilter | None, FILTER] = None,
        order_by: Annotated[ProjectOrder | None, ORDER] = None,
    ) -> Connection[Project]:
        page = await resolve.projects(
            info,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return page  # type: ignore[return-value]

    @strawberry.field(description="The account's invoices; 20 a page unless `first` or `last`.")
    async def invoices(
        self,
        info: Info[Any, Any],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[InvoiceFilter | None, FILTER] = None,
        order_by: Annotated[InvoiceOrder | None, ORDER] = None,
    ) -> Connection[Invoice]:
        page = await resolve.invoices(
            info,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return page  # type: ignore[return-value]

    @strawberry.field(description="The account's payments; 20 a page unless `first` or `last`.")
    async def payments(
        self,
        info: Info[Any, Any],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[PaymentFilter | None, FILTER] = None,
        order_by: Annotated[PaymentOrder | None, ORDER] = None,
    ) -> Connection[Payment]:
        page = await resolve.payments(
            info,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return page  # type: ignore[return-value]

    @strawberry.field(description="The invoice with this number (`INV-000001`), or null.")
    async def invoice_by_number(
        self,
        info: Info[Any, Any],
        number: Annotated[str, strawberry.argument(description="An issued invoice's number.")],
    ) -> Invoice | None:
        return await resolve.invoice_by_number(info, number)  # type: ignore[return-value]

    @strawberry.field(description="The processor payment with this transaction id, or null.")
    async def payment_by_transaction_id(
        self,
        info: Info[Any, Any],
        transaction_id: Annotated[
            str,
            strawberry.argument(
                description="The processor's id, `txn_...`, given to recordPayment."
            ),
        ],
    ) -> Payment | None:
        return await resolve.payment_by_transaction_id(info, transaction_id)  # type: ignore[return-value]
