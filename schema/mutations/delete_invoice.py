"""deleteInvoice: remove a draft; an issued invoice keeps its number and is voided instead."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import editing as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT


@strawberry.input(description="The draft to delete.")
class DeleteInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(
        description="A draft invoice; issued ones are voided with voidInvoice."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The deleted draft's id, or why nothing was deleted.")
class DeleteInvoicePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The id it had.")
    user_errors: list[UserError] = strawberry.field(description="Empty when it was deleted.")


async def delete_invoice(
    info: Info[Any, Any], input: Annotated[DeleteInvoiceInput, INPUT]
) -> DeleteInvoicePayload:
    outcome = await resolve.delete_invoice(info, invoice_id=input.invoice_id)
    return DeleteInvoicePayload(
        deleted_id=strawberry.ID(outcome.value) if outcome.value else None,
        user_errors=user_errors(outcome.errors),
    )
