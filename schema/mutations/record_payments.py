"""recordExternalPayment (cash, check, wire, ACH, other) and recordPayment (a processor's)."""

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.payments.service import AllocationInput
from resolvers import payments as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.scalars import Decimal
from schema.types.payments import Payment, PaymentMethod


@strawberry.input(name="AllocationInput", description="Part of a payment applied to one invoice.")
class AllocationInputType:
    invoice_id: strawberry.ID = strawberry.field(
        description="An issued, unpaid invoice (`inv_...`) of the paying client, in the payment's "
        "currency."
    )
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


@strawberry.input(description="Money received by hand, and the invoices it pays.")
class RecordExternalPaymentInput:
    method: PaymentMethod = strawberry.field(  # type: ignore[valid-type]
        description="How the money came in: any method but CARD."
    )
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


@strawberry.input(
    description="A processor's payment (by its transactionId), and the invoices it pays."
)
class RecordPaymentInput:
    allocations: list[AllocationInputType] = ALLOCATIONS
    amount: Decimal | None = AMOUNT
    client_id: strawberry.ID | None = CLIENT_ID
    currency: str | None = CURRENCY
    transaction_id: str | None = strawberry.field(
        default=None, description="The processor's id, txn_...; required."
    )
    method: PaymentMethod = strawberry.field(  # type: ignore[valid-type]
        default=PaymentMethod.CARD,
        description="How the money came in; CARD unless given.",
    )
    reference: str | None = strawberry.field(
        default=None, description="Your reference for the payment, if any."
    )
    received_on: date | None = strawberry.field(
        default=None, description="The day the money came in (ISO 8601 date); today when not given."
    )
    attrs: JSON | None = ATTRS
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The recorded payment, or why it was refused.")
class RecordExternalPaymentPayload:
    payment: Payment | None = strawberry.field(
        description="The recorded payment with its allocations; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The recorded payment, or why it was refused.")
class RecordPaymentPayload:
    payment: Payment | None = strawberry.field(
        description="The recorded payment with its allocations; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


def allocation_inputs(items: list[AllocationInputType]) -> list[AllocationInput]:
    return [AllocationInput(invoice_id=item.invoice_id, amount=item.amount) for item in items]


async def _record(
    info: Info[Any, Any],
    input: Annotated[RecordExternalPaymentInput | RecordPaymentInput, INPUT],
    *,
    external: bool,
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
    info: Info[Any, Any], input: Annotated[RecordExternalPaymentInput, INPUT]
) -> RecordExternalPaymentPayload:
    outcome = await _record(info, input, external=True)
    return RecordExternalPaymentPayload(
        payment=outcome.value, user_errors=user_errors(outcome.errors)
    )


async def record_payment(
    info: Info[Any, Any], input: Annotated[RecordPaymentInput, INPUT]
) -> RecordPaymentPayload:
    outcome = await _record(info, input, external=False)
    return RecordPaymentPayload(payment=outcome.value, user_errors=user_errors(outcome.errors))
