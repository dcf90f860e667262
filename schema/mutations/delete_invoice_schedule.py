"""deleteInvoiceSchedule: remove a plan none of whose items has run."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY


@strawberry.input
class DeleteInvoiceScheduleInput:
    schedule_id: strawberry.ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class DeleteInvoiceSchedulePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


async def delete_invoice_schedule(
    info: Info[Any, Any], input: DeleteInvoiceScheduleInput
) -> DeleteInvoiceSchedulePayload:
    outcome = await resolve.delete_invoice_schedule(info, schedule_id=input.schedule_id)
    return DeleteInvoiceSchedulePayload(
        deleted_id=strawberry.ID(outcome.value) if outcome.value else None,
        user_errors=user_errors(outcome.errors),
    )
