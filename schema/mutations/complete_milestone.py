"""completeMilestone: record once that a milestone's deliverable is done."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import projects as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.types.projects import Milestone


@strawberry.input
class CompleteMilestoneInput:
    milestone_id: strawberry.ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class CompleteMilestonePayload:
    milestone: Milestone | None
    user_errors: list[UserError]


async def complete_milestone(
    info: Info[Any, Any], input: CompleteMilestoneInput
) -> CompleteMilestonePayload:
    outcome = await resolve.complete_milestone(info, milestone_id=input.milestone_id)
    return CompleteMilestonePayload(
        milestone=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
