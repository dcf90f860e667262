"""runInvoiceSchedule: run a named item, or the next pending one, issuing its invoice."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.types.invoices import Invoice
from schema.types.schedules import InvoiceSchedule, SkippedScheduleItem


@strawberry.input(description="The plan, and optionally the item, to run now.")
class RunInvoiceScheduleInput:
    schedule_id: strawberry.ID = strawberry.field(
        description="The billing plan (`is_...`) whose item runs."
    )
    item_id: strawberry.ID | None = strawberry.field(
        default=None, description="The item to run; the next pending one when omitted."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="What running the plan issued, or why it was refused.")
class RunInvoiceSchedulePayload:
    invoice_schedule: InvoiceSchedule | None = strawberry.field(
        description="The plan after the run; null when refused."
    )
    invoices: list[Invoice] = strawberry.field(
        description="The invoices the run issued; empty when nothing ran."
    )
    skipped_items: list[SkippedScheduleItem] = strawberry.field(
        description="Pending items passed over because they cannot run (each also "
        "logged), with the reason; the next item that could run did."
    )
    user_errors: list[UserError] = user_errors_field()


async def run_invoice_schedule(
    info: Info[Any, Any], input: Annotated[RunInvoiceScheduleInput, INPUT]
) -> RunInvoiceSchedulePayload:
    outcome = await resolve.run_invoice_schedule(
        info, schedule_id=input.schedule_id, item_id=input.item_id
    )
    result = outcome.value
    return RunInvoiceSchedulePayload(
        invoice_schedule=result.schedule if result else None,  # type: ignore[arg-type]
        invoices=result.invoices if result else [],  # type: ignore[arg-type]
        skipped_items=result.skipped if result else [],  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
