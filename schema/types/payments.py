"""Payment, Allocation and MilestoneDistribution."""

from __future__ import annotations

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
from schema.scalars import Decimal
from schema.types.node import Node

if TYPE_CHECKING:
    from schema.types.clients import Client
    from schema.types.credit_notes import Refund
    from schema.types.invoices import Invoice
    from schema.types.projects import Milestone

PaymentMethod = strawberry.enum(DomainPaymentMethod, name="PaymentMethod")
ClientType = Annotated["Client", strawberry.lazy("schema.types.clients")]
InvoiceType = Annotated["Invoice", strawberry.lazy("schema.types.invoices")]
MilestoneType = Annotated["Milestone", strawberry.lazy("schema.types.projects")]
RefundType = Annotated["Refund", strawberry.lazy("schema.types.credit_notes")]


@strawberry.type(description="The part of a payment applied to one invoice.")
class Allocation(Node):
    amount: Decimal
    external_payment: bool
    transaction_id: str | None
    attrs: JSON | None
    reversed_at: datetime | None
    reversal_reason: str | None
    created_at: datetime
    modified_at: datetime
    payment: Payment = strawberry.field(description="The payment this allocation is part of.")
    invoice_id: strawberry.Private[str]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, AllocationView | cls)

    @strawberry.field
    async def invoice(self, info: Info[Any, Any]) -> InvoiceType:
        return await resolve_invoices.invoice(info, self.invoice_id)  # type: ignore[return-value]


@strawberry.type(description="One receipt of money, split across invoices by allocations.")
class Payment(Node):
    external_payment: bool = strawberry.field(
        description="Cash, check, wire, ACH or other, recorded by hand; no transactionId."
    )
    transaction_id: str | None
    method: PaymentMethod  # type: ignore[valid-type]
    reference: str | None
    received_on: date
    currency: str
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
    attrs: JSON | None
    created_at: datetime
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

    @strawberry.field
    async def allocations(self, info: Info[Any, Any]) -> list[Allocation]:
        return await resolve.allocations_of_payment(info, self.id)  # type: ignore[return-value]

    @strawberry.field(description="Refunds of this payment's unapplied money, oldest first.")
    async def refunds(self, info: Info[Any, Any]) -> list[RefundType]:
        return await resolve_credit_notes.refunds_of_payment(info, self.id)  # type: ignore[return-value]


@strawberry.type(description="A milestone's share of a paid invoice; the rest is its discount.")
class MilestoneDistribution:
    line_amount: Decimal
    amount: Decimal
    discount: Decimal
    milestone_id: strawberry.Private[str]

    @strawberry.field
    async def milestone(self, info: Info[Any, Any]) -> MilestoneType:
        return await resolve_projects.milestone(info, self.milestone_id)  # type: ignore[return-value]
