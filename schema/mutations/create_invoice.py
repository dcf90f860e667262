"""createInvoice: milestone lines and free lines, an optional discount, issued by default."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from domain.invoices.lines import LineInput
from resolvers import invoices as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.scalars import Decimal
from schema.types.invoices import Invoice


@strawberry.input(description="A milestone line (milestoneId) or a free line (description).")
class InvoiceLineInput:
    milestone_id: strawberry.ID | None = None
    description: str | None = None
    amount: Decimal | None = strawberry.field(
        default=None,
        description="Milestone lines default to what is left to invoice on the milestone.",
    )


@strawberry.input
class CreateInvoiceInput:
    project_id: strawberry.ID
    lines: list[InvoiceLineInput]
    discount: Decimal | None = None
    memo: str | None = None
    issue: bool = strawberry.field(default=True, description="False keeps it a draft.")
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class CreateInvoicePayload:
    invoice: Invoice | None
    user_errors: list[UserError]


async def create_invoice(info: Info[Any, Any], input: CreateInvoiceInput) -> CreateInvoicePayload:
    outcome = await resolve.create_invoice(
        info,
        project_id=input.project_id,
        lines=[
            LineInput(
                milestone_id=line.milestone_id, description=line.description, amount=line.amount
            )
            for line in input.lines
        ],
        discount=input.discount,
        memo=input.memo,
        issue=input.issue,
    )
    return CreateInvoicePayload(
        invoice=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
