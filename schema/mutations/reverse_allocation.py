"""reverseAllocation: mark an allocation reversed (a bounced check) and restore the balance."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import payments as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.types.payments import Allocation


@strawberry.input(description="The allocation to reverse, and why.")
class ReverseAllocationInput:
    allocation_id: strawberry.ID = strawberry.field(
        description="The allocation (`item_...`) to undo; not already reversed."
    )
    reason: str = strawberry.field(
        description="Why it is reversed (kept on the allocation as reversalReason); not blank."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The reversed allocation, or why it was refused.")
class ReverseAllocationPayload:
    allocation: Allocation | None = strawberry.field(
        description="The allocation, now with reversedAt; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


async def reverse_allocation(
    info: Info[Any, Any], input: Annotated[ReverseAllocationInput, INPUT]
) -> ReverseAllocationPayload:
    outcome = await resolve.reverse_allocation(
        info, allocation_id=input.allocation_id, reason=input.reason
    )
    return ReverseAllocationPayload(
        allocation=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
