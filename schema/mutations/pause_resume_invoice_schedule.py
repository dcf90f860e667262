"""pauseInvoiceSchedule and resumeInvoiceSchedule: a paused schedule runs nothing."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.types.schedules import InvoiceSchedule


@strawberry.input(description="The billing plan to pause.")
class PauseInvoiceScheduleInput:
    schedule_id: strawberry.ID = strawberry.field(
        description="The billing plan (`is_...`) to pause."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input(description="The paused billing plan to resume.")
class ResumeInvoiceScheduleInput:
    schedule_id: strawberry.ID = strawberry.field(
        description="The billing plan (`is_...`) to resume."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The paused billing plan, or why it was refused.")
class PauseInvoiceSchedulePayload:
    invoice_schedule: InvoiceSchedule | None = strawberry.field(
        description="The plan, now PAUSED; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The resumed billing plan, or why it was refused.")
class ResumeInvoiceSchedulePayload:
    invoice_schedule: InvoiceSchedule | None = strawberry.field(
        description="The plan, running again; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


async def pause_invoice_schedule(
    info: Info[Any, Any], input: Annotated[PauseInvoiceScheduleInput, INPUT]
) -> PauseInvoiceSchedulePayload:
    outcome = await resolve.set_paused(info, schedule_id=input.schedule_id, paused=True)
    return PauseInvoiceSchedulePayload(
        invoice_schedule=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )


async def resume_invoice_schedule(
    info: Info[Any, Any], input: Annotated[ResumeInvoiceScheduleInput, INPUT]
) -> ResumeInvoiceSchedulePayload:
    outcome = await resolve.set_paused(info, schedule_id=input.schedule_id, paused=False)
    return ResumeInvoiceSchedulePayload(
        invoice_schedule=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
