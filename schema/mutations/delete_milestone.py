"""deleteMilestone: remove a milestone that no invoice line and no billing plan refers to."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import editing as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT


@strawberry.input(description="The milestone to delete.")
class DeleteMilestoneInput:
    milestone_id: strawberry.ID = strawberry.field(
        description="Never invoiced (not even on a draft or void invoice) nor scheduled."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The deleted milestone's id, or why nothing was deleted.")
class DeleteMilestonePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The id it had.")
    user_errors: list[UserError] = strawberry.field(description="Empty when it was deleted.")


async def delete_milestone(
    info: Info[Any, Any], input: Annotated[DeleteMilestoneInput, INPUT]
) -> DeleteMilestonePayload:
    outcome = await resolve.delete_milestone(info, milestone_id=input.milestone_id)
    return DeleteMilestonePayload(
        deleted_id=strawberry.ID(outcome.value) if outcome.value else None,
        user_errors=user_errors(outcome.errors),
    )
