"""issueInvoice (a draft gets its number and due date) and voidInvoice (keeps its number)."""

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import editing as resolve_editing
from resolvers import invoices as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.types.invoices import Invoice


@strawberry.input(description="The draft to issue, and optionally its dates.")
class IssueInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(description="A draft invoice.")
    issued_on: date | None = strawberry.field(
        default=None, description="The issue date: today unless given; never later than today."
    )
    due_on: date | None = strawberry.field(
        default=None,
        description="The due date: the issue date plus the project's payment terms unless "
        "given; not before the issue date.",
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input(description="The invoice to void.")
class VoidInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(
        description="The issued invoice (`inv_...`) to void; no payment or credit may be applied "
        "to it."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The issued invoice, or why it was refused.")
class IssueInvoicePayload:
    invoice: Invoice | None = strawberry.field(
        description="The invoice, now OPEN with its number and dates; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The voided invoice, or why it was refused.")
class VoidInvoicePayload:
    invoice: Invoice | None = strawberry.field(
        description="The invoice, now VOID; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


async def issue_invoice(
    info: Info[Any, Any], input: Annotated[IssueInvoiceInput, INPUT]
) -> IssueInvoicePayload:
    outcome = await resolve_editing.issue_invoice(
        info, invoice_id=input.invoice_id, issued_on=input.issued_on, due_on=input.due_on
    )
    return IssueInvoicePayload(
        invoice=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )


async def void_invoice(
    info: Info[Any, Any], input: Annotated[VoidInvoiceInput, INPUT]
) -> VoidInvoicePayload:
    outcome = await resolve.void_invoice(info, invoice_id=input.invoice_id)
    return VoidInvoicePayload(
        invoice=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
