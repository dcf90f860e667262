"""The item input shared by createInvoiceSchedule and updateInvoiceSchedule."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.schedules.rules import ItemInput
from schema.scalars import Decimal, Percentage


@strawberry.input(
    description="One stage: exactly one of percentage or amount, and exactly one "
    "of milestoneId (an unscheduled milestone) or trigger (creates a milestone)."
)
class InvoiceScheduleItemInput:
    name: str
    percentage: Percentage | None = None
    amount: Decimal | None = None
    run_date: date | None = None
    milestone_id: strawberry.ID | None = None
    trigger: str | None = None


def to_domain(items: list[InvoiceScheduleItemInput]) -> list[ItemInput]:
    """Return the items as the domain takes them."""
    return [
        ItemInput(
            name=item.name,
            percentage=item.percentage,
            amount=item.amount,
            run_date=item.run_date,
            milestone_id=item.milestone_id,
            trigger=item.trigger,
        )
        for item in items
    ]
