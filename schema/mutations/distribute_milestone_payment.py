"""distributeMilestonePayment: split a paid invoice across its milestone lines."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.payments.distribution import DistributionInput
from resolvers import payments as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.scalars import Decimal
from schema.types.invoices import Invoice
from schema.types.projects import Milestone


@strawberry.input(description="What one milestone gets of a paid invoice.")
class MilestoneDistributionInput:
    milestone_id: strawberry.ID = strawberry.field(
        description="A milestone (`ms_...`) with a line on the invoice."
    )
    amount: Decimal = strawberry.field(description="At most the milestone's line amount.")


@strawberry.input(description="Give distributions for every milestone line, or proportional.")
class DistributeMilestonePaymentInput:
    invoice_id: strawberry.ID = strawberry.field(
        description="The paid invoice (`inv_...`) whose payment is distributed."
    )
    distributions: list[MilestoneDistributionInput] | None = strawberry.field(
        default=None,
        description="Must add up to the invoice total less its free lines.",
    )
    proportional: bool = strawberry.field(
        default=False, description="Split in proportion to the line amounts (largest remainder)."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The distributed invoice and its milestones, or why it was refused.")
class DistributeMilestonePaymentPayload:
    invoice: Invoice | None = strawberry.field(
        description="The invoice, its milestoneDistributions now set; null when refused."
    )
    milestones: list[Milestone] = strawberry.field(
        description="The invoice's milestones with their new amountPaid and discount; empty when "
        "refused."
    )
    user_errors: list[UserError] = user_errors_field()


async def distribute_milestone_payment(
    info: Info[Any, Any], input: Annotated[DistributeMilestonePaymentInput, INPUT]
) -> DistributeMilestonePaymentPayload:
    outcome = await resolve.distribute(
        info,
        invoice_id=input.invoice_id,
        distributions=None
        if input.distributions is None
        else [DistributionInput(d.milestone_id, d.amount) for d in input.distributions],
        proportional=input.proportional,
    )
    result = outcome.value
    return DistributeMilestonePaymentPayload(
        invoice=result.invoice if result else None,  # type: ignore[arg-type]
        milestones=result.milestones if result else [],  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
