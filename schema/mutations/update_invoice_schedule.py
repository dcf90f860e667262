"""updateInvoiceSchedule: replace the pending items of a plan, under the same rules."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.mutations.schedule_items import InvoiceScheduleItemInput, to_domain
from schema.scalars import Decimal
from schema.types.schedules import InvoiceSchedule


@strawberry.input
class UpdateInvoiceScheduleInput:
    schedule_id: strawberry.ID
    items: list[InvoiceScheduleItemInput] = strawberry.field(
        description=(
            "The new pending items; processed items stay and count toward the totals. An item "
            "may name (milestoneId) the milestone a pending item created, to keep it. Empty, "
            "with totalAmount equal to the billed amount, ends a schedule that billed something: "
            "it becomes FULLY_PROCESSED."
        )
    )
    total_amount: Decimal | None = None
    notes: str | None = None
    invoice_separately: bool | None = None
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class UpdateInvoiceSchedulePayload:
    invoice_schedule: InvoiceSchedule | None
    user_errors: list[UserError]


async def update_invoice_schedule(
    info: Info[Any, Any], input: UpdateInvoiceScheduleInput
) -> UpdateInvoiceSchedulePayload:
    outcome = await resolve.update_invoice_schedule(
        info,
        schedule_id=input.schedule_id,
        items=to_domain(input.items),
        total_amount=input.total_amount,
        notes=input.notes,
        invoice_separately=input.invoice_separately,
    )
    return UpdateInvoiceSchedulePayload(
        invoice_schedule=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
