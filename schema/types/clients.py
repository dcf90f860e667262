"""Client and ClientBalance."""

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import as_of as resolve_as_of
from resolvers import clients as resolve
from resolvers.views import ClientView
from schema.scalars import Decimal
from schema.types.node import Node, node_id
from schema.types.pagination import After, Connection, First

if TYPE_CHECKING:
    from schema.types.invoices import Invoice
    from schema.types.payments import Payment
    from schema.types.projects import Project

ProjectType = Annotated["Project", strawberry.lazy("schema.types.projects")]
InvoiceType = Annotated["Invoice", strawberry.lazy("schema.types.invoices")]
PaymentType = Annotated["Payment", strawberry.lazy("schema.types.payments")]


@strawberry.enum(description="How a list of clients is ordered.")
class ClientOrder(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="Oldest first (the default).")
    NAME = strawberry.enum_value("NAME", description="By name, then id.")


@strawberry.input(description="Which clients a list shows.")
class ClientFilter:
    search: str | None = strawberry.field(
        default=None,
        description="Clients whose name or email contains this text, ignoring case and accents.",
    )


@strawberry.type(description="A client's figures in one currency.")
class ClientBalance:
    currency: str = strawberry.field(description="ISO 4217 code of these figures.")
    invoiced_amount: Decimal = strawberry.field(description="Issued invoices, not void.")
    paid_amount: Decimal = strawberry.field(description="Applied to those invoices.")
    discount_amount: Decimal = strawberry.field(description="Invoice-level discounts given.")
    credited_amount: Decimal = strawberry.field(
        description="What credit notes took off those invoices' balances."
    )
    outstanding_amount: Decimal = strawberry.field(
        description="Invoiced minus paid minus credited."
    )
    overdue_amount: Decimal = strawberry.field(description="Open balance past its due date.")
    received_amount: Decimal = strawberry.field(
        description="Every payment received: appliedAmount + unappliedPaymentAmount + "
        "refundedPaymentAmount."
    )
    applied_amount: Decimal = strawberry.field(
        description="Received money applied to invoices now (reversed allocations excluded)."
    )
    unapplied_credit_amount: Decimal = strawberry.field(
        description="Everything the client may still use: unapplied payments plus unapplied "
        "credit notes (unappliedPaymentAmount + unappliedCreditNoteAmount)."
    )
    refunded_amount: Decimal = strawberry.field(
        description="Money paid back to the client: refundedPaymentAmount + "
        "refundedCreditNoteAmount."
    )
    retainage_held: Decimal = strawberry.field(
        description="Retainage withheld by the client's issued invoices in this currency and "
        "not yet released (a decimal string in the currency's minor digits)."
    )
    retainage_released: Decimal = strawberry.field(
        description="Retainage billed by the client's issued, non-void RETAINAGE_RELEASE "
        "invoices in this currency (a decimal string in the currency's minor digits)."
    )
    unapplied_payment_amount: Decimal = strawberry.field(
        description="Received money not applied to any invoice, ready to apply or refund."
    )
    refunded_payment_amount: Decimal = strawberry.field(
        description="Received money paid back (refundPayment)."
    )
    unapplied_credit_note_amount: Decimal = strawberry.field(
        description="Credit of credit notes not applied to any invoice, ready to apply or refund."
    )
    refunded_credit_note_amount: Decimal = strawberry.field(
        description="Credit of credit notes paid back (refundCreditNote)."
    )


@strawberry.type(description="A customer: pays for projects and holds their credit.")
class Client(Node):
    id: strawberry.ID = node_id("cli", "client")
    name: str = strawberry.field(description="Unique in the account.")
    email: str | None = strawberry.field(description="Where billing mail goes, if known.")
    created_at: datetime = strawberry.field(
        description="When the client was created (UTC, ISO 8601)."
    )

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, ClientView | cls)

    @strawberry.field(description="The client's projects, oldest first.")
    async def projects(
        self, info: Info[Any, Any], first: First = 20, after: After = None
    ) -> Connection[ProjectType]:
        page = await resolve.nested_page(info, self.id, "projects", first=first, after=after)
        return page  # type: ignore[return-value]

    @strawberry.field(description="Invoices of all the client's projects, oldest first.")
    async def invoices(
        self, info: Info[Any, Any], first: First = 20, after: After = None
    ) -> Connection[InvoiceType]:
        page = await resolve.nested_page(info, self.id, "invoices", first=first, after=after)
        return page  # type: ignore[return-value]

    @strawberry.field(description="Payments received from the client, oldest first.")
    async def payments(
        self, info: Info[Any, Any], first: First = 20, after: After = None
    ) -> Connection[PaymentType]:
        page = await resolve.nested_page(info, self.id, "payments", first=first, after=after)
        return page  # type: ignore[return-value]

    @strawberry.field(
        description="The client's figures, one entry per currency it is billed or paid in "
        "(projects may differ in currency), ordered by currency; empty before any invoice."
    )
    async def balance(
        self,
        info: Info[Any, Any],
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="The figures as they stood at the end of this day (UTC): issued, "
                "voided, paid, reversed, credited and refunded by then. Now when not given."
            ),
        ] = None,
    ) -> list[ClientBalance]:
        if as_of is not None:
            return await resolve_as_of.client_balance(info, self.id, as_of)
        return await resolve.balances_of(info, self.id)  # type: ignore[return-value]
