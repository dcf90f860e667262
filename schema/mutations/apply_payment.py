"""applyPayment: apply a payment's unapplied money to invoices, with every allocation rule."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import payments as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT
from schema.mutations.record_payments import AllocationInputType, allocation_inputs
from schema.types.payments import Payment


@strawberry.input(description="Which invoices get a payment's unapplied money.")
class ApplyPaymentInput:
    payment_id: strawberry.ID = strawberry.field(description="The payment (pay_...).")
    allocations: list[AllocationInputType] = strawberry.field(
        description="All or nothing; together at most the payment's unapplied amount, each "
        "at most its invoice's balanceDue, all invoices of the payment's client."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The payment with its new allocations, or why it was refused.")
class ApplyPaymentPayload:
    payment: Payment | None = strawberry.field(description="Null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Empty on success.")


async def apply_payment(
    info: Info[Any, Any], input: Annotated[ApplyPaymentInput, INPUT]
) -> ApplyPaymentPayload:
    outcome = await resolve.apply_payment(
        info, payment_id=input.payment_id, allocations=allocation_inputs(input.allocations)
    )
    return ApplyPaymentPayload(
        payment=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
