"""Payment, Allocation and MilestoneDistribution."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.payments.rules import PaymentMethod as DomainPaymentMethod
from resolvers import clients as resolve_clients
from resolvers import credit_notes as resolve_credit_notes
from resolvers import invoices as resolve_invoices
from resolvers import payments as resolve
from resolvers import projects as resolve_projects
from resolvers.views import AllocationView, PaymentView
from schema.enums import described_enum
from schema.scalars import Decimal
from schema.types.node import Node, node_id

if TYPE_CHECKING:
    from schema.types.clients import Client
    from schema.types.credit_notes import Refund
    from schema.types.invoices import Invoice
    from schema.types.projects import Milestone

PaymentMethod = described_enum(
    DomainPaymentMethod,
    name="PaymentMethod",
    description="How the money came in. CARD payments come from a processor and carry its "
    "transactionId; the others are recorded by hand (externalPayment).",
    values={
        "CASH": "Cash, recorded by hand.",
        "CHECK": "A paper check, recorded by hand; its number goes in reference.",
        "WIRE": "A bank wire transfer, recorded by hand.",
        "ACH": "An ACH (automated clearing house) bank transfer, recorded by hand.",
        "CARD": "A card payment through a processor, identified by its transactionId.",
        "OTHER": "Any other way, recorded by hand; say which in reference.",
    },
)
ClientType = Annotated["Client", strawberry.lazy("schema.types.clients")]
InvoiceType = Annotated["Invoice", strawberry.lazy("schema.types.invoices")]
MilestoneType = Annotated["Milestone", strawberry.lazy("schema.types.projects")]
RefundType = Annotated["Refund", strawberry.lazy("schema.types.credit_notes")]


@strawberry.type(description="The part of a payment applied to one invoice.")
class Allocation(Node):
    id: strawberry.ID = node_id("item", "allocation")
    amount: Decimal = strawberry.field(
        description="What the payment applied to the invoice, in its currency (a decimal string)."
    )
    external_payment: bool = strawberry.field(
        description="Whether its payment was recorded by hand (not a processor's CARD payment)."
    )
    transaction_id: str | None = strawberry.field(
        description="The processor's transaction id of its payment; null for a hand-recorded one."
    )
    attrs: JSON | None = strawberry.field(
        description="Free-form JSON attributes stored with the payment, returned as sent."
    )
    reversed_at: datetime | None = strawberry.field(
        description="When it was reversed (UTC, ISO 8601); null while it counts."
    )
    reversal_reason: str | None = strawberry.field(
        description="Why it was reversed, as given to reverseAllocation."
    )
    created_at: datetime = strawberry.field(description="When it was applied (UTC, ISO 8601).")
    modified_at: datetime = strawberry.field(
        description="When it last changed, e.g. by a reversal (UTC, ISO 8601)."
    )
    payment: "Payment" = strawberry.field(description="The payment this allocation is part of.")
    invoice_id: strawberry.Private[str]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, AllocationView | cls)

    @strawberry.field(description="The invoice the money was applied to.")
    async def invoice(self, info: Info[Any, Any]) -> InvoiceType:
        return await resolve_invoices.invoice(info, self.invoice_id)  # type: ignore[return-value]


@strawberry.type(description="One receipt of money, split across invoices by allocations.")
class Payment(Node):
    id: strawberry.ID = node_id("pay", "payment")
    external_payment: bool = strawberry.field(
        description="Cash, check, wire, ACH or other, recorded by hand; no transactionId."
    )
    transaction_id: str | None = strawberry.field(
        description="The card processor's transaction id, unique in your account; null for a "
        "hand-recorded payment. paymentByTransactionId finds the payment by it."
    )
    method: PaymentMethod = strawberry.field(  # type: ignore[valid-type]
        description="How the money came in."
    )
    reference: str | None = strawberry.field(
        description="Your reference for the payment (a check number, a bank reference)."
    )
    received_on: date = strawberry.field(description="The day the money came in (ISO 8601 date).")
    currency: str = strawberry.field(description="ISO 4217 code of the payment's amounts.")
    amount: Decimal = strawberry.field(
        description="All the money received: applied + unapplied + refunded."
    )
    applied_amount: Decimal = strawberry.field(
        description="The part applied to invoices now (reversed allocations excluded)."
    )
    unapplied_amount: Decimal = strawberry.field(
        description="The part applied to no invoice: apply it with applyPayment."
    )
    refunded_amount: Decimal = strawberry.field(description="The part paid back to the client.")
    attrs: JSON | None = strawberry.field(
        description="Free-form JSON attributes stored with the payment, returned as sent."
    )
    created_at: datetime = strawberry.field(description="When it was recorded (UTC, ISO 8601).")
    client_id: strawberry.Private[str | None]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, PaymentView | cls)

    @strawberry.field(
        description="Who paid; null only for a payment older than clients that "
        "allocated to nothing."
    )
    async def client(self, info: Info[Any, Any]) -> ClientType | None:
        if self.client_id is None:
            return None
        return await resolve_clients.client(info, self.client_id)  # type: ignore[return-value]

    @strawberry.field(
        description="How the payment was applied to invoices, reversed allocations included."
    )
    async def allocations(self, info: Info[Any, Any]) -> list[Allocation]:
        return await resolve.allocations_of_payment(info, self.id)  # type: ignore[return-value]

    @strawberry.field(description="Refunds of this payment's unapplied money, oldest first.")
    async def refunds(self, info: Info[Any, Any]) -> list[RefundType]:
        return await resolve_credit_notes.refunds_of_payment(info, self.id)  # type: ignore[return-value]


@strawberry.type(description="A milestone's share of a paid invoice; the rest is its discount.")
class MilestoneDistribution:
    line_amount: Decimal = strawberry.field(
        description="The amount of the invoice's line for this milestone (a decimal string)."
    )
    amount: Decimal = strawberry.field(
        description="The part of the invoice's payment that goes to this milestone."
    )
    discount: Decimal = strawberry.field(
        description="What the milestone forgoes on this invoice: lineAmount - amount."
    )
    milestone_id: strawberry.Private[str]

    @strawberry.field(description="The milestone this share belongs to.")
    async def milestone(self, info: Info[Any, Any]) -> MilestoneType:
        return await resolve_projects.milestone(info, self.milestone_id)  # type: ignore[return-value]
