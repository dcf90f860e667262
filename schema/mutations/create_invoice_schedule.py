"""createInvoiceSchedule: lay out a project's billing plan by percentages or amounts."""

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
class CreateInvoiceScheduleInput:
    project_id: strawberry.ID
    items: list[InvoiceScheduleItemInput]
    total_amount: Decimal | None = strawberry.field(
        default=None, description="Defaults to the project's contract value."
    )
    notes: str | None = None
    invoice_separately: bool = strawberry.field(
        default=True, description="False: items that run together share one invoice."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class CreateInvoiceSchedulePayload:
    invoice_schedule: InvoiceSchedule | None
    user_errors: list[UserError]


async def create_invoice_schedule(
    info: Info[Any, Any], input: CreateInvoiceScheduleInput
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
