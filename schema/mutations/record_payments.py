"""recordExternalPayment (cash, check, wire, ACH, other) and recordPayment (a processor's)."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.payments.service import AllocationInput
from resolvers import payments as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.scalars import Decimal
from schema.types.payments import Payment, PaymentMethod


@strawberry.input(name="AllocationInput")
class AllocationInputType:
    invoice_id: strawberry.ID
    amount: Decimal = strawberry.field(description="At most the invoice's balanceDue.")


ALLOCATIONS = strawberry.field(
    default_factory=list,
    description="All or nothing: one bad allocation refuses the whole payment. Empty for a "
    "prepayment.",
)
ATTRS = strawberry.field(default=None, description="A JSON object, at most 255 characters.")
AMOUNT = strawberry.field(
    default=None,
    description="The money received; defaults to the sum of the allocations. What they leave "
    "is the payment's unapplied amount.",
)
CLIENT_ID = strawberry.field(
    default=None,
    description="Who paid; required without allocations (a prepayment). The allocations' "
    "invoices must all be this client's.",
)
CURRENCY = strawberry.field(
    default=None,
    description="ISO 4217 code; required without allocations, else the invoices' currency.",
)


@strawberry.input
class RecordExternalPaymentInput:
    method: PaymentMethod  # type: ignore[valid-type]
    allocations: list[AllocationInputType] = ALLOCATIONS
    amount: Decimal | None = AMOUNT
    client_id: strawberry.ID | None = CLIENT_ID
    currency: str | None = CURRENCY
    reference: str | None = strawberry.field(default=None, description="Check number, etc.")
    received_on: date | None = strawberry.field(default=None, description="Defaults to today.")
    attrs: JSON | None = ATTRS
    transaction_id: str | None = strawberry.field(
        default=None, description="Must stay empty: external payments have no transaction."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input
class RecordPaymentInput:
    allocations: list[AllocationInputType] = ALLOCATIONS
    amount: Decimal | None = AMOUNT
    client_id: strawberry.ID | None = CLIENT_ID
    currency: str | None = CURRENCY
    transaction_id: str | None = strawberry.field(
        default=None, description="The processor's id, txn_...; required."
    )
    method: PaymentMethod = PaymentMethod.CARD  # type: ignore[valid-type]
    reference: str | None = None
    received_on: date | None = None
    attrs: JSON | None = ATTRS
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class RecordExternalPaymentPayload:
    payment: Payment | None
    user_errors: list[UserError]


@strawberry.type
class RecordPaymentPayload:
    payment: Payment | None
    user_errors: list[UserError]


def allocation_inputs(items: list[AllocationInputType]) -> list[AllocationInput]:
    return [AllocationInput(invoice_id=item.invoice_id, amount=item.amount) for item in items]


async def _record(
    info: Info[Any, Any], input: RecordExternalPaymentInput | RecordPaymentInput, *, external: bool
) -> Any:
    return await resolve.record_payment(
        info,
        external=external,
        method=str(input.method),
        allocations=allocation_inputs(input.allocations),
        transaction_id=input.transaction_id,
        reference=input.reference,
        received_on=input.received_on,
        attrs=input.attrs,
        amount=input.amount,
        client_id=input.client_id,
        currency=input.currency,
    )


async def record_external_payment(
    info: Info[Any, Any], input: RecordExternalPaymentInput
) -> RecordExternalPaymentPayload:
    outcome = await _record(info, input, external=True)
    return RecordExternalPaymentPayload(
        payment=outcome.value, user_errors=user_errors(outcome.errors)
    )


async def record_payment(info: Info[Any, Any], input: RecordPaymentInput) -> RecordPaymentPayload:
    outcome = await _record(info, input, external=False)
    return RecordPaymentPayload(payment=outcome.value, user_errors=user_errors(outcome.errors))
