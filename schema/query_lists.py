"""The Query root's account-wide lists and lookups (DESIGN.md §7.6).

Every root list takes the same window arguments (first/after, last/before), a filter and an
order, and returns a Connection; `_root_list` makes each from its types, so they cannot drift.
"""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import lists as resolve
from schema.types.clients import Client, ClientFilter, ClientOrder
from schema.types.credit_notes import CreditNote
from schema.types.invoices import Invoice
from schema.types.lists import (
    CreditNoteFilter,
    CreditNoteOrder,
    InvoiceFilter,
    InvoiceOrder,
    PaymentFilter,
    PaymentOrder,
    ProjectFilter,
    ProjectOrder,
)
from schema.types.pagination import After, Before, Connection, First, Last
from schema.types.payments import Payment
from schema.types.projects import Project

FILTER = strawberry.argument(description="Only what matches every condition given.")
ORDER = strawberry.argument(description="The order; CREATED_AT ASC when not given.")


def _root_list(
    kind: resolve.RootList,
    node: type,
    filter_type: type,
    order_type: type,
    *,
    what: str,
    order_default: Any = None,
) -> Any:
    """Return the field of one root list: window arguments, `filter`, `orderBy`."""

    async def resolver(
        self: Any,
        info: Info[Any, Any],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Any = None,
        order_by: Any = order_default,
    ) -> Any:
        return await resolve.root_page(
            info,
            kind,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    # Strawberry reads the argument and return types from the annotations.
    resolver.__annotations__ = {
        **resolver.__annotations__,
        "info": Info[Any, Any],
        "first": First,
        "after": After,
        "last": Last,
        "before": Before,
        "filter": Annotated[filter_type | None, FILTER],
        "order_by": Annotated[order_type if order_default else order_type | None, ORDER],
        "return": Connection[node],  # type: ignore[valid-type]
    }
    return strawberry.field(
        resolver=resolver,
        description=f"The account's {what}; 20 a page unless `first` or `last`.",
    )


@strawberry.type
class ListQueries:
    projects: Connection[Project] = _root_list(
        resolve.PROJECTS, Project, ProjectFilter, ProjectOrder, what="projects"
    )
    invoices: Connection[Invoice] = _root_list(
        resolve.INVOICES, Invoice, InvoiceFilter, InvoiceOrder, what="invoices"
    )
    payments: Connection[Payment] = _root_list(
        resolve.PAYMENTS, Payment, PaymentFilter, PaymentOrder, what="payments"
    )
    credit_notes: Connection[CreditNote] = _root_list(
        resolve.CREDIT_NOTES, CreditNote, CreditNoteFilter, CreditNoteOrder, what="credit notes"
    )
    clients: Connection[Client] = _root_list(
        resolve.CLIENTS,
        Client,
        ClientFilter,
        ClientOrder,
        what="clients",
        order_default=ClientOrder.CREATED_AT,
    )

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
