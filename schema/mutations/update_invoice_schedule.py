"""updateInvoiceSchedule: replace the pending items of a plan, under the same rules."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.mutations.schedule_items import InvoiceScheduleItemInput, to_domain
from schema.scalars import Decimal
from schema.types.schedules import InvoiceSchedule


@strawberry.input(
    description="A billing plan's new pending items and, optionally, total, notes and grouping."
)
class UpdateInvoiceScheduleInput:
    schedule_id: strawberry.ID = strawberry.field(
        description="The billing plan (`is_...`) to change."
    )
    items: list[InvoiceScheduleItemInput] = strawberry.field(
        description=(
            "The new pending items; processed items stay and count toward the totals. An item "
            "may name (milestoneId) the milestone a pending item created, to keep it. Empty, "
            "with totalAmount equal to the billed amount, ends a schedule that billed something: "
            "it becomes FULLY_PROCESSED."
        )
    )
    total_amount: Decimal | None = strawberry.field(
        default=None,
        description="The plan's new total, a decimal string in the project's currency; unchanged "
        "when not given.",
    )
    notes: str | None = strawberry.field(
        default=None, description="New notes; unchanged when not given."
    )
    invoice_separately: bool | None = strawberry.field(
        default=None,
        description="Whether items due together issue one invoice each; unchanged when not given.",
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The changed billing plan, or why it was refused.")
class UpdateInvoiceSchedulePayload:
    invoice_schedule: InvoiceSchedule | None = strawberry.field(
        description="The changed plan; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


async def update_invoice_schedule(
    info: Info[Any, Any], input: Annotated[UpdateInvoiceScheduleInput, INPUT]
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
