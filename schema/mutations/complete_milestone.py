"""completeMilestone: record once that a milestone's deliverable is done."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import projects as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.types.projects import Milestone


@strawberry.input(description="The milestone to mark complete.")
class CompleteMilestoneInput:
    milestone_id: strawberry.ID = strawberry.field(
        description="The milestone (`ms_...`) that is done."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The completed milestone, or why it was refused.")
class CompleteMilestonePayload:
    milestone: Milestone | None = strawberry.field(
        description="The milestone, now COMPLETED or further; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


async def complete_milestone(
    info: Info[Any, Any], input: Annotated[CompleteMilestoneInput, INPUT]
) -> CompleteMilestonePayload:
    outcome = await resolve.complete_milestone(info, milestone_id=input.milestone_id)
    return CompleteMilestonePayload(
        milestone=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
