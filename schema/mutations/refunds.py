"""refundPayment and refundCreditNote."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import credit_notes as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT
from schema.scalars import Decimal
from schema.types.credit_notes import Refund

AMOUNT = strawberry.field(description="Above 0 and at most what is unapplied.")
REASON = strawberry.field(description="Why the money goes back, at most 500 characters.")


@strawberry.input(description="Pay back unapplied money of a payment.")
class RefundPaymentInput:
    payment_id: strawberry.ID = strawberry.field(description="The payment (pay_...).")
    amount: Decimal = AMOUNT
    reason: str = REASON
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input(description="Pay back unapplied credit of a credit note.")
class RefundCreditNoteInput:
    credit_note_id: strawberry.ID = strawberry.field(description="The credit note (cn_...).")
    amount: Decimal = AMOUNT
    reason: str = REASON
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The refund, or why it was refused.")
class RefundPayload:
    refund: Refund | None = strawberry.field(description="Null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Empty on success.")


async def refund_payment(
    info: Info[Any, Any], input: Annotated[RefundPaymentInput, INPUT]
) -> RefundPayload:
    outcome = await resolve.refund_payment(
        info, payment_id=input.payment_id, amount=input.amount, reason=input.reason
    )
    return RefundPayload(refund=outcome.value, user_errors=user_errors(outcome.errors))  # type: ignore[arg-type]


async def refund_credit_note(
    info: Info[Any, Any], input: Annotated[RefundCreditNoteInput, INPUT]
) -> RefundPayload:
    outcome = await resolve.refund_credit_note(
        info, credit_note_id=input.credit_note_id, amount=input.amount, reason=input.reason
    )
    return RefundPayload(refund=outcome.value, user_errors=user_errors(outcome.errors))  # type: ignore[arg-type]
