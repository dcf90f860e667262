"""issueInvoice (a draft gets its number and due date) and voidInvoice (keeps its number)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import invoices as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.types.invoices import Invoice


@strawberry.input
class IssueInvoiceInput:
    invoice_id: strawberry.ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input
class VoidInvoiceInput:
    invoice_id: strawberry.ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class IssueInvoicePayload:
    invoice: Invoice | None
    user_errors: list[UserError]


@strawberry.type
class VoidInvoicePayload:
    invoice: Invoice | None
    user_errors: list[UserError]


async def issue_invoice(info: Info[Any, Any], input: IssueInvoiceInput) -> IssueInvoicePayload:
    outcome = await resolve.issue_invoice(info, invoice_id=input.invoice_id)
    return IssueInvoicePayload(
        invoice=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )


async def void_invoice(info: Info[Any, Any], input: VoidInvoiceInput) -> VoidInvoicePayload:
    outcome = await resolve.void_invoice(info, invoice_id=input.invoice_id)
    return VoidInvoicePayload(
        invoice=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
