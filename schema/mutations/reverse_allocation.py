"""reverseAllocation: mark an allocation reversed (a bounced check) and restore the balance."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import payments as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.types.payments import Allocation


@strawberry.input
class ReverseAllocationInput:
    allocation_id: strawberry.ID
    reason: str
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class ReverseAllocationPayload:
    allocation: Allocation | None
    user_errors: list[UserError]


async def reverse_allocation(
    info: Info[Any, Any], input: ReverseAllocationInput
) -> ReverseAllocationPayload:
    outcome = await resolve.reverse_allocation(
        info, allocation_id=input.allocation_id, reason=input.reason
    )
    return ReverseAllocationPayload(
        allocation=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
