"""Read models of credit notes, their lines, and refunds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.money import CURRENCY_EXPONENTS
from resolvers.views.lazy import FromRow, MoneyOf


@dataclass(slots=True)
class CreditNoteView:
    id: str
    number: str
    invoice_id: str
    client_id: str
    currency: str
    reason: str
    status: str
    exponent: int
    amount_minor: int
    applied_minor: int
    unapplied_minor: int
    refunded_minor: int
    row: Any

    amount = MoneyOf("amount_minor")
    applied_amount = MoneyOf("applied_minor")
    unapplied_amount = MoneyOf("unapplied_minor")
    refunded_amount = MoneyOf("refunded_minor")
    created_at = FromRow()
    voided_at = FromRow()

    @classmethod
    def from_row(cls, row: Any) -> CreditNoteView:
        return cls(
            row.id,
            row.number,
            row.invoice_id,
            row.client_id,
            row.currency,
            row.reason,
            row.status,
            CURRENCY_EXPONENTS[row.currency],
            int(row.amount),
            int(row.applied_amount),
            int(row.unapplied_amount),
            int(row.refunded_amount),
            row,
        )


@dataclass(slots=True)
class CreditNoteLineView:
    id: str
    credit_note_id: str
    milestone_id: str | None
    description: str
    exponent: int
    amount_minor: int

    amount = MoneyOf("amount_minor")

    @classmethod
    def from_row(cls, row: Any) -> CreditNoteLineView:
        return cls(
            row.id,
            row.credit_note_id,
            row.milestone_id,
            row.description,
            CURRENCY_EXPONENTS[row.currency],
            int(row.amount),
        )


@dataclass(slots=True)
class RefundView:
    id: str
    payment_id: str | None
    credit_note_id: str | None
    reason: str
    exponent: int
    amount_minor: int
    row: Any

    amount = MoneyOf("amount_minor")
    refunded_on = FromRow()
    created_at = FromRow()

    @classmethod
    def from_row(cls, row: Any) -> RefundView:
        return cls(
            row.id,
            row.payment_id,
            row.credit_note_id,
            row.reason,
            CURRENCY_EXPONENTS[row.currency],
            int(row.amount),
            row,
        )
