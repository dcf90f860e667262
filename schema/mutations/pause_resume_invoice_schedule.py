"""pauseInvoiceSchedule and resumeInvoiceSchedule: a paused schedule runs nothing."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.types.schedules import InvoiceSchedule


@strawberry.input
class PauseInvoiceScheduleInput:
    schedule_id: strawberry.ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input
class ResumeInvoiceScheduleInput:
    schedule_id: strawberry.ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class PauseInvoiceSchedulePayload:
    invoice_schedule: InvoiceSchedule | None
    user_errors: list[UserError]


@strawberry.type
class ResumeInvoiceSchedulePayload:
    invoice_schedule: InvoiceSchedule | None
    user_errors: list[UserError]


async def pause_invoice_schedule(
    info: Info[Any, Any], input: PauseInvoiceScheduleInput
) -> PauseInvoiceSchedulePayload:
    outcome = await resolve.set_paused(info, schedule_id=input.schedule_id, paused=True)
    return PauseInvoiceSchedulePayload(
        invoice_schedule=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )


async def resume_invoice_schedule(
    info: Info[Any, Any], input: ResumeInvoiceScheduleInput
) -> ResumeInvoiceSchedulePayload:
    outcome = await resolve.set_paused(info, schedule_id=input.schedule_id, paused=False)
    return ResumeInvoiceSchedulePayload(
        invoice_schedule=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
