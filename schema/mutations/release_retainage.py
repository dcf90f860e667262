"""releaseRetainage: bill the retainage a project's milestones hold on a release invoice."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import retainage as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT
from schema.scalars import Decimal
from schema.types.invoices import Invoice


@strawberry.input(description="Which retainage a RETAINAGE_RELEASE invoice bills.")
class ReleaseRetainageInput:
    project_id: strawberry.ID = strawberry.field(description="The project (prj_...).")
    amount: Decimal | None = strawberry.field(
        default=None,
        description="How much to release (a decimal string in the project currency's minor "
        "digits), split over the milestones in proportion to what each holds (largest "
        "remainder); all they hold by default. More than they hold is refused with "
        "EXCEEDS_RETAINAGE_HELD.",
    )
    milestone_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="The milestones whose retainage is released, each once; every milestone "
        "of the project holding retainage by default.",
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The release invoice, or why nothing was released.")
class ReleaseRetainagePayload:
    invoice: Invoice | None = strawberry.field(
        description="The new invoice of kind RETAINAGE_RELEASE, issued; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Empty on success.")


async def release_retainage(
    info: Info[Any, Any], input: Annotated[ReleaseRetainageInput, INPUT]
) -> ReleaseRetainagePayload:
    outcome = await resolve.release_retainage(
        info,
        project_id=input.project_id,
        amount=input.amount,
        milestone_ids=None if input.milestone_ids is None else list(input.milestone_ids),
    )
    return ReleaseRetainagePayload(
        invoice=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
