"""processDueInvoiceSchedules: run every pending item whose run date has come."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.types.invoices import Invoice


@strawberry.input
class ProcessDueInvoiceSchedulesInput:
    as_of: date = strawberry.field(description="Runs items with a runDate on or before this day.")
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class ProcessDueInvoiceSchedulesPayload:
    invoices: list[Invoice]
    user_errors: list[UserError]


async def process_due_invoice_schedules(
    info: Info[Any, Any], input: ProcessDueInvoiceSchedulesInput
) -> ProcessDueInvoiceSchedulesPayload:
    outcome = await resolve.process_due(info, as_of=input.as_of)
    return ProcessDueInvoiceSchedulesPayload(
        invoices=outcome.value or [],  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
