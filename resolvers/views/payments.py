"""Read models of payments, allocations and milestone distributions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.money import CURRENCY_EXPONENTS, Money
from domain.payments.rules import PaymentMethod

# A dict lookup per row: calling the Enum class costs microseconds a value.
PAYMENT_METHODS = {method.value: method for method in PaymentMethod}


def _attrs(text: str | None) -> Any:
    return None if text is None else json.loads(text)


@dataclass(slots=True)
class PaymentView:
    id: str
    external_payment: bool
    transaction_id: str | None
    method: PaymentMethod
    reference: str | None
    received_on: date
    currency: str
    amount: Money
    attrs: Any
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> PaymentView:
        return cls(
            id=row.id,
            external_payment=bool(row.external_payment),
            transaction_id=row.transaction_id,
            method=PAYMENT_METHODS[row.method],
            reference=row.reference,
            received_on=row.received_on,
            currency=row.currency,
            amount=Money(int(row.amount), CURRENCY_EXPONENTS[row.currency]),
            attrs=_attrs(row.attrs),
            created_at=row.created_at,
        )


@dataclass(slots=True)
class AllocationView:
    id: str
    payment_id: str
    invoice_id: str
    amount: Money
    external_payment: bool
    transaction_id: str | None
    method: PaymentMethod
    attrs: Any
    reversed_at: datetime | None
    reversal_reason: str | None
    created_at: datetime
    modified_at: datetime
    payment: PaymentView

    @classmethod
    def from_row(cls, row: Any) -> AllocationView:
        """Build the allocation, and its payment from the columns joined into the same row."""
        exponent = CURRENCY_EXPONENTS[row.currency]
        payment = PaymentView(
            id=row.payment_id,
            external_payment=bool(row.external_payment),
            transaction_id=row.transaction_id,
            method=PAYMENT_METHODS[row.method],
            reference=row.payment_reference,
            received_on=row.payment_received_on,
            currency=row.currency,
            amount=Money(int(row.payment_amount), exponent),
            attrs=_attrs(row.payment_attrs),
            created_at=row.payment_created_at,
        )
        return cls(
            id=row.id,
            payment_id=row.payment_id,
            invoice_id=row.invoice_id,
            amount=Money(int(row.amount), exponent),
            external_payment=payment.external_payment,
            transaction_id=payment.transaction_id,
            method=payment.method,
            attrs=_attrs(row.attrs),
            reversed_at=row.reversed_at,
            reversal_reason=row.reversal_reason,
            created_at=row.created_at,
            modified_at=row.modified_at,
            payment=payment,
        )


@dataclass(slots=True)
class DistributionView:
    """One milestone's share of a paid invoice."""

    invoice_id: str
    milestone_id: str
    line_amount: Money
    amount: Money
    discount: Money

    @classmethod
    def from_row(cls, row: Any) -> DistributionView:
        exponent = CURRENCY_EXPONENTS[row.currency]
        return cls(
            invoice_id=row.invoice_id,
            milestone_id=row.milestone_id,
            line_amount=Money(int(row.line_amount), exponent),
            amount=Money(int(row.amount), exponent),
            discount=Money(int(row.discount), exponent),
        )
