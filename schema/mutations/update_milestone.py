"""updateMilestone: name, trigger and planned date always; the amount while unscheduled."""

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import editing as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT
from schema.scalars import Decimal
from schema.types.projects import Milestone


@strawberry.input(description="The fields to change; a field not sent stays as it is.")
class UpdateMilestoneInput:
    milestone_id: strawberry.ID = strawberry.field(description="The milestone to change.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1..100 characters.")
    trigger: str | None = strawberry.field(
        default=strawberry.UNSET, description="The completion criterion; null clears it."
    )
    amount: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="Its billing value in the project's currency (a decimal string with its "
        "minor digits). Refused while a billing plan prices the milestone, or below what its "
        "invoices already bill.",
    )
    planned_on: date | None = strawberry.field(
        default=strawberry.UNSET, description="When it is expected; null clears it."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The changed milestone, or why nothing changed.")
class UpdateMilestonePayload:
    milestone: Milestone | None = strawberry.field(description="The milestone as it is now.")
    user_errors: list[UserError] = strawberry.field(description="Empty when it was changed.")


async def update_milestone(
    info: Info[Any, Any], input: Annotated[UpdateMilestoneInput, INPUT]
) -> UpdateMilestonePayload:
    outcome = await resolve.update_milestone(info, milestone_id=input.milestone_id, fields=input)
    return UpdateMilestonePayload(
        milestone=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
