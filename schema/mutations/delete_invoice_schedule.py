"""deleteInvoiceSchedule: remove a plan none of whose items has run."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field


@strawberry.input(description="The billing plan to delete.")
class DeleteInvoiceScheduleInput:
    schedule_id: strawberry.ID = strawberry.field(
        description="The billing plan (`is_...`) to delete; none of its items may have run."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The deleted billing plan's id, or why nothing was deleted.")
class DeleteInvoiceSchedulePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted plan's id; null when refused (see userErrors)."
    )
    user_errors: list[UserError] = user_errors_field()


async def delete_invoice_schedule(
    info: Info[Any, Any], input: Annotated[DeleteInvoiceScheduleInput, INPUT]
) -> DeleteInvoiceSchedulePayload:
    outcome = await resolve.delete_invoice_schedule(info, schedule_id=input.schedule_id)
    return DeleteInvoiceSchedulePayload(
        deleted_id=strawberry.ID(outcome.value) if outcome.value else None,
        user_errors=user_errors(outcome.errors),
    )
