"""Read models of payments, allocations and milestone distributions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from domain.money import CURRENCY_EXPONENTS, Money
from domain.payments.rules import PaymentMethod
from domain.validation import exact_json_problem
from resolvers.views.lazy import FromRow, MoneyOf

# A dict lookup per row: calling the Enum class costs microseconds a value.
PAYMENT_METHODS = {method.value: method for method in PaymentMethod}


def _attrs(text: str | None) -> Any:
    """The stored attrs; a value no client could read exactly (stored before such values
    were refused) fails this field alone, not the whole response's encoding."""
    if text is None:
        return None
    value = json.loads(text)
    problem = exact_json_problem(value, "attrs")
    if problem is not None:
        raise ValueError(f"stored attrs cannot be returned exactly: {problem}")
    return value


@dataclass(slots=True)
class PaymentView:
    id: str
    external_payment: bool
    transaction_id: str | None
    method: PaymentMethod
    reference: str | None
    currency: str
    exponent: int
    amount_minor: int
    attrs_json: str | None
    row: Any
    columns_prefix: str = ""  # "payment_" when the payment came joined into an allocation row
    client_id: str | None = None
    unapplied_minor: int = 0
    refunded_minor: int = 0

    amount = MoneyOf("amount_minor")
    unapplied_amount = MoneyOf("unapplied_minor")
    refunded_amount = MoneyOf("refunded_minor")

    @property
    def applied_amount(self) -> Money:
        applied = self.amount_minor - self.unapplied_minor - self.refunded_minor
        return Money(applied, self.exponent)

    @property
    def attrs(self) -> Any:
        return _attrs(self.attrs_json)

    # Dates are read from the row when asked for.
    received_on = FromRow()
    created_at = FromRow()

    @classmethod
    def from_row(cls, row: Any) -> PaymentView:
        return cls(
            row.id,
            bool(row.external_payment),
            row.transaction_id,
            PAYMENT_METHODS[row.method],
            row.reference,
            row.currency,
            CURRENCY_EXPONENTS[row.currency],
            int(row.amount),
            row.attrs,
            row,
            "",
            row.client_id,
            int(row.unapplied_amount),
            int(row.refunded_amount),
        )


@dataclass(slots=True)
class AllocationView:
    """An allocation; its payment's columns come joined into the same row."""

    id: str
    payment_id: str
    invoice_id: str
    exponent: int
    amount_minor: int
    external_payment: bool
    transaction_id: str | None
    method: PaymentMethod
    attrs_json: str | None
    reversal_reason: str | None
    row: Any

    amount = MoneyOf("amount_minor")

    # Timestamps are read from the row when asked for: most screens never show them.
    reversed_at = FromRow()
    created_at = FromRow()
    modified_at = FromRow()

    @property
    def attrs(self) -> Any:
        return _attrs(self.attrs_json)

    @property
    def payment(self) -> PaymentView:
        row = self.row
        return PaymentView(
            row.payment_id,
            self.external_payment,
            self.transaction_id,
            self.method,
            row.payment_reference,
            row.currency,
            self.exponent,
            int(row.payment_amount),
            row.payment_attrs,
            row,
            "payment_",
            row.payment_client_id,
            int(row.payment_unapplied_amount),
            int(row.payment_refunded_amount),
        )

    @classmethod
    def from_row(cls, row: Any) -> AllocationView:
        return cls(
            row.id,
            row.payment_id,
            row.invoice_id,
            CURRENCY_EXPONENTS[row.currency],
            int(row.amount),
            bool(row.external_payment),
            row.transaction_id,
            PAYMENT_METHODS[row.method],
            row.attrs,
            row.reversal_reason,
            row,
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
