"""CreditNote, CreditNoteLine and Refund."""

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import clients as resolve_clients
from resolvers import credit_notes as resolve
from resolvers import invoices as resolve_invoices
from resolvers import payments as resolve_payments
from resolvers import projects as resolve_projects
from resolvers.views.credit_notes import CreditNoteView, RefundView
from schema.scalars import Decimal
from schema.types.node import Node

if TYPE_CHECKING:
    from schema.types.clients import Client
    from schema.types.invoices import Invoice
    from schema.types.payments import Payment
    from schema.types.projects import Milestone

ClientType = Annotated["Client", strawberry.lazy("schema.types.clients")]
InvoiceType = Annotated["Invoice", strawberry.lazy("schema.types.invoices")]
PaymentType = Annotated["Payment", strawberry.lazy("schema.types.payments")]
MilestoneType = Annotated["Milestone", strawberry.lazy("schema.types.projects")]


@strawberry.enum(description="Where a credit note stands.")
class CreditNoteStatus(Enum):
    ISSUED = strawberry.enum_value("ISSUED", description="In force: its credit counts.")
    VOID = strawberry.enum_value(
        "VOID", description="Cancelled before any of its credit was used; it credits nothing."
    )


@strawberry.type(description="A line of a credit note: what it credits, and why.")
class CreditNoteLine:
    id: strawberry.ID = strawberry.field(description="The line's id.")
    description: str = strawberry.field(description="What is credited.")
    amount: Decimal = strawberry.field(description="How much, in the invoice's currency.")
    milestone_id: strawberry.Private[str | None]

    @strawberry.field(
        description="The milestone whose invoiced amount this line lowers; null for a line "
        "that names none."
    )
    async def milestone(self, info: Info[Any, Any]) -> MilestoneType | None:
        if self.milestone_id is None:
            return None
        return await resolve_projects.milestone(info, self.milestone_id)  # type: ignore[return-value]


@strawberry.type(
    description="Money an invoice billed too much, credited to the client: it lowers the "
    "invoice's balance due, and what is left is unapplied credit to apply or refund."
)
class CreditNote(Node):
    number: str = strawberry.field(description="CN-000001: gapless per account.")
    amount: Decimal = strawberry.field(
        description="What the note credits: appliedAmount + unappliedAmount + refundedAmount "
        "while ISSUED."
    )
    applied_amount: Decimal = strawberry.field(
        description="Credit lowering invoices' balances due (its own invoice's and others')."
    )
    unapplied_amount: Decimal = strawberry.field(
        description="Credit not applied to any invoice: apply it with applyCreditNote or "
        "refund it with refundCreditNote."
    )
    refunded_amount: Decimal = strawberry.field(description="Credit paid back to the client.")
    currency: str = strawberry.field(description="ISO 4217 code, the invoice's.")
    reason: str = strawberry.field(description="Why the credit was given.")
    status: CreditNoteStatus = strawberry.field(description="ISSUED, or VOID.")
    created_at: datetime = strawberry.field(description="When the note was issued.")
    voided_at: datetime | None = strawberry.field(description="When it was voided, if it was.")
    invoice_id: strawberry.Private[str]
    client_id: strawberry.Private[str]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, CreditNoteView | cls)

    @strawberry.field(description="The invoice this note credits.")
    async def invoice(self, info: Info[Any, Any]) -> InvoiceType:
        return await resolve_invoices.invoice(info, self.invoice_id)  # type: ignore[return-value]

    @strawberry.field(description="The client the credit belongs to.")
    async def client(self, info: Info[Any, Any]) -> ClientType:
        return await resolve_clients.client(info, self.client_id)  # type: ignore[return-value]

    @strawberry.field(description="The note's lines, in the order given.")
    async def lines(self, info: Info[Any, Any]) -> list[CreditNoteLine]:
        return await resolve.lines_of_note(info, self.id)  # type: ignore[return-value]

    @strawberry.field(description="Refunds of this note's credit, oldest first.")
    async def refunds(self, info: Info[Any, Any]) -> list["Refund"]:
        return await resolve.refunds_of_note(info, self.id)  # type: ignore[return-value]

    @strawberry.field(
        description="Where this note's credit went, oldest first, reversed ones included: "
        "its own invoice's credit, and each applyCreditNote allocation."
    )
    async def applications(self, info: Info[Any, Any]) -> list["CreditApplication"]:
        return await resolve.applications_of_note(info, self.id)  # type: ignore[return-value]


@strawberry.type(description="Credit of a credit note lowering one invoice's balance due.")
class CreditApplication:
    id: strawberry.ID = strawberry.field(
        description="The application's id: reverse it with reverseCreditApplication."
    )
    amount: Decimal = strawberry.field(description="The credit applied.")
    at_creation: bool = strawberry.field(
        description="True for the credit the note gave its own invoice when it was created "
        "(undone only by voiding the note); false for applyCreditNote's."
    )
    created_at: datetime = strawberry.field(description="When the credit was applied.")
    reversed_at: datetime | None = strawberry.field(
        description="When it was reversed (its credit went back to the note), if it was."
    )
    reversal_reason: str | None = strawberry.field(description="Why it was reversed.")
    credit_note_id: strawberry.Private[str]
    invoice_id: strawberry.Private[str]

    @strawberry.field(description="The invoice whose balance due the credit lowers.")
    async def invoice(self, info: Info[Any, Any]) -> InvoiceType:
        return await resolve_invoices.invoice(info, self.invoice_id)  # type: ignore[return-value]

    @strawberry.field(description="The credit note the credit comes from.")
    async def credit_note(self, info: Info[Any, Any]) -> CreditNote:
        return await resolve.credit_note(info, self.credit_note_id)  # type: ignore[return-value]


@strawberry.type(
    description="Money paid back to a client: unapplied money of a payment, or unapplied "
    "credit of a credit note."
)
class Refund(Node):
    amount: Decimal = strawberry.field(description="What was paid back.")
    reason: str = strawberry.field(
        description="Why the money was paid back, as given to refundPayment or refundCreditNote."
    )
    refunded_on: date = strawberry.field(description="The day it was recorded.")
    created_at: datetime = strawberry.field(description="When it was recorded.")
    payment_id: strawberry.Private[str | None]
    credit_note_id: strawberry.Private[str | None]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, RefundView | cls)

    @strawberry.field(description="The payment refunded; null for a credit note's refund.")
    async def payment(self, info: Info[Any, Any]) -> PaymentType | None:
        if self.payment_id is None:
            return None
        return await resolve_payments.payment(info, self.payment_id)  # type: ignore[return-value]

    @strawberry.field(description="The credit note refunded; null for a payment's refund.")
    async def credit_note(self, info: Info[Any, Any]) -> CreditNote | None:
        if self.credit_note_id is None:
            return None
        return await resolve.credit_note(info, self.credit_note_id)  # type: ignore[return-value]
