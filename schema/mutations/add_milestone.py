"""addMilestone: a billing point at the end of a project's milestones."""

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import projects as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.scalars import Decimal
from schema.types.projects import Milestone


@strawberry.input(description="A new milestone at the end of a project's milestones.")
class AddMilestoneInput:
    project_id: strawberry.ID = strawberry.field(
        description="The project (`prj_...`) the milestone is added to."
    )
    name: str = strawberry.field(
        description="The deliverable the milestone is named after; not blank."
    )
    trigger: str | None = strawberry.field(
        default=None, description="The completion criterion, free text."
    )
    amount: Decimal | None = strawberry.field(
        default=None, description="Billing value; a schedule item sets it when omitted."
    )
    planned_on: date | None = strawberry.field(
        default=None, description="When it is planned to be done (ISO 8601 date), if known."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The added milestone, or why it was refused.")
class AddMilestonePayload:
    milestone: Milestone | None = strawberry.field(
        description="The new milestone; null when refused (see userErrors)."
    )
    user_errors: list[UserError] = user_errors_field()


async def add_milestone(
    info: Info[Any, Any], input: Annotated[AddMilestoneInput, INPUT]
) -> AddMilestonePayload:
    outcome = await resolve.add_milestone(
        info,
        project_id=input.project_id,
        name=input.name,
        trigger=input.trigger,
        amount=input.amount,
        planned_on=input.planned_on,
    )
    return AddMilestonePayload(
        milestone=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
