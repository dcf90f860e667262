"""addMilestone: a billing point at the end of a project's milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import projects as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.scalars import Decimal
from schema.types.projects import Milestone


@strawberry.input
class AddMilestoneInput:
    project_id: strawberry.ID
    name: str
    trigger: str | None = strawberry.field(
        default=None, description="The completion criterion, free text."
    )
    amount: Decimal | None = strawberry.field(
        default=None, description="Billing value; a schedule item sets it when omitted."
    )
    planned_on: date | None = None
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class AddMilestonePayload:
    milestone: Milestone | None
    user_errors: list[UserError]


async def add_milestone(info: Info[Any, Any], input: AddMilestoneInput) -> AddMilestonePayload:
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
