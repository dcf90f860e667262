"""updateInvoice: a draft's lines, discount and memo; an issued invoice is never edited."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.invoices.service import LineInput
from resolvers import editing as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT
from schema.mutations.create_invoice import InvoiceLineInput
from schema.scalars import Decimal
from schema.types.invoices import Invoice


@strawberry.input(description="The parts of a draft to change; a part not sent stays.")
class UpdateInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(description="A draft invoice.")
    lines: list[InvoiceLineInput] | None = strawberry.field(
        default=None, description="Every line of the draft, replacing the lines it has."
    )
    discount: Decimal | None = strawberry.field(
        default=None,
        description="The invoice-level discount in its currency (a decimal string with its "
        "minor digits); 0 removes it. Less than the subtotal.",
    )
    memo: str | None = strawberry.field(
        default=strawberry.UNSET, description="A note shown on the invoice; null clears it."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The changed draft, or why nothing changed.")
class UpdateInvoicePayload:
    invoice: Invoice | None = strawberry.field(description="The draft as it is now.")
    user_errors: list[UserError] = strawberry.field(description="Empty when it was changed.")


async def update_invoice(
    info: Info[Any, Any], input: Annotated[UpdateInvoiceInput, INPUT]
) -> UpdateInvoicePayload:
    lines = (
        None
        if input.lines is None
        else [
            LineInput(
                milestone_id=line.milestone_id, description=line.description, amount=line.amount
            )
            for line in input.lines
        ]
    )
    outcome = await resolve.update_invoice(
        info, invoice_id=input.invoice_id, lines=lines, discount=input.discount, memo=input.memo
    )
    return UpdateInvoicePayload(
        invoice=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
