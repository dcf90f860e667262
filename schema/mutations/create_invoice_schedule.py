"""createInvoiceSchedule: lay out a project's billing plan by percentages or amounts."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import schedules as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.mutations.schedule_items import InvoiceScheduleItemInput, to_domain
from schema.scalars import Decimal
from schema.types.schedules import InvoiceSchedule


@strawberry.input(description="A new billing plan for a project.")
class CreateInvoiceScheduleInput:
    project_id: strawberry.ID = strawberry.field(
        description="The project (`prj_...`) the plan bills."
    )
    items: list[InvoiceScheduleItemInput] = strawberry.field(
        description="The plan's stages, in order; their percentages add up to 100, or their "
        "amounts to the total."
    )
    total_amount: Decimal | None = strawberry.field(
        default=None, description="Defaults to the project's contract value."
    )
    notes: str | None = strawberry.field(default=None, description="Your notes on the plan.")
    invoice_separately: bool = strawberry.field(
        default=True, description="False: items that run together share one invoice."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The created billing plan, or why it was refused.")
class CreateInvoiceSchedulePayload:
    invoice_schedule: InvoiceSchedule | None = strawberry.field(
        description="The new plan; null when refused (see userErrors)."
    )
    user_errors: list[UserError] = user_errors_field()


async def create_invoice_schedule(
    info: Info[Any, Any], input: Annotated[CreateInvoiceScheduleInput, INPUT]
) -> CreateInvoiceSchedulePayload:
    outcome = await resolve.create_invoice_schedule(
        info,
        project_id=input.project_id,
        items=to_domain(input.items),
        total_amount=input.total_amount,
        notes=input.notes,
        invoice_separately=input.invoice_separately,
    )
    return CreateInvoiceSchedulePayload(
        invoice_schedule=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
