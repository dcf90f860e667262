"""The item input shared by createInvoiceSchedule and updateInvoiceSchedule."""

from datetime import date

import strawberry

from domain.schedules.rules import ItemInput
from schema.scalars import Decimal, Percentage


@strawberry.input(
    description="One stage: exactly one of percentage or amount, and exactly one "
    "of milestoneId (an unscheduled milestone) or trigger (creates a milestone)."
)
class InvoiceScheduleItemInput:
    name: str = strawberry.field(
        description="The stage's name; a milestone created for it (trigger) takes this name."
    )
    percentage: Percentage | None = strawberry.field(
        default=None,
        description='Its share of the plan\'s total in percent ("25", "33.33"); the amounts '
        "are rounded so they add up.",
    )
    amount: Decimal | None = strawberry.field(
        default=None, description="What it bills, a decimal string in the project's currency."
    )
    run_date: date | None = strawberry.field(
        default=None,
        description="Run on this day (ISO 8601 date) by processDueInvoiceSchedules; leave out to "
        "run when its milestone is completed.",
    )
    milestone_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An existing milestone (`ms_...`) of the project that no other item bills.",
    )
    trigger: str | None = strawberry.field(
        default=None, description="What completes the milestone this item creates (free text)."
    )


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
