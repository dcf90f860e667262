"""createInvoice: milestone lines and free lines, an optional discount, issued by default."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.invoices.lines import LineInput
from resolvers import invoices as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.scalars import Decimal
from schema.types.invoices import Invoice


@strawberry.input(description="A milestone line (milestoneId) or a free line (description).")
class InvoiceLineInput:
    milestone_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The milestone (`ms_...`) this line bills; leave out for a free line.",
    )
    description: str | None = strawberry.field(
        default=None,
        description="The line's text: required on a free line; a milestone line defaults to the "
        "milestone's name.",
    )
    amount: Decimal | None = strawberry.field(
        default=None,
        description="Milestone lines default to what is left to invoice on the milestone.",
    )


@strawberry.input(description="A new invoice for a project: issued at once unless `issue: false`.")
class CreateInvoiceInput:
    project_id: strawberry.ID = strawberry.field(
        description="The project (`prj_...`) the invoice bills."
    )
    lines: list[InvoiceLineInput] = strawberry.field(
        description="The invoice's lines, in order: at least one."
    )
    discount: Decimal | None = strawberry.field(
        default=None,
        description="Invoice-level discount off the subtotal, a decimal string in the project's "
        "currency; 0 when not given.",
    )
    memo: str | None = strawberry.field(default=None, description="A note printed on the invoice.")
    issue: bool = strawberry.field(default=True, description="False keeps it a draft.")
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The created invoice, or why it was refused.")
class CreateInvoicePayload:
    invoice: Invoice | None = strawberry.field(
        description="The new invoice; null when refused (see userErrors)."
    )
    user_errors: list[UserError] = user_errors_field()


async def create_invoice(
    info: Info[Any, Any], input: Annotated[CreateInvoiceInput, INPUT]
) -> CreateInvoicePayload:
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
