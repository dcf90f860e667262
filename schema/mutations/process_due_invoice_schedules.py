"""processDueInvoiceSchedules: run every pending item whose run date has come."""

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.types.invoices import Invoice
from schema.types.schedules import SkippedScheduleItem


@strawberry.input(description="The day up to which due schedule items run.")
class ProcessDueInvoiceSchedulesInput:
    as_of: date = strawberry.field(description="Runs items with a runDate on or before this day.")
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="What the due items issued, and which could not run.")
class ProcessDueInvoiceSchedulesPayload:
    invoices: list[Invoice] = strawberry.field(
        description="The invoices the items that ran issued, in the order they ran."
    )
    skipped_items: list[SkippedScheduleItem] = strawberry.field(
        description="Due items that could not run (each also logged), with the reason; "
        "the items that could run did."
    )
    user_errors: list[UserError] = user_errors_field()


async def process_due_invoice_schedules(
    info: Info[Any, Any], input: Annotated[ProcessDueInvoiceSchedulesInput, INPUT]
) -> ProcessDueInvoiceSchedulesPayload:
    outcome = await resolve.process_due(info, as_of=input.as_of)
    result = outcome.value
    return ProcessDueInvoiceSchedulesPayload(
        invoices=result.invoices if result else [],  # type: ignore[arg-type]
        skipped_items=result.skipped if result else [],  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
