"""Read models of invoices, their lines and their progress against the contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.invoices.rules import InvoiceStatus, is_overdue
from domain.money import CURRENCY_EXPONENTS, Money
from resolvers.views.lazy import FromRow, MoneyOf

# A dict lookup per row: calling the Enum class costs microseconds a value.
INVOICE_STATUSES = {status.value: status for status in InvoiceStatus}


@dataclass(slots=True)
class InvoiceView:
    id: str
    project_id: str
    number: str | None
    status: InvoiceStatus
    currency: str
    memo: str | None
    exponent: int
    subtotal_minor: int
    discount_minor: int
    total_minor: int
    paid_minor: int
    balance_due_minor: int
    today: date
    row: Any
    credited_minor: int = 0

    subtotal = MoneyOf("subtotal_minor")
    discount = MoneyOf("discount_minor")
    total = MoneyOf("total_minor")
    amount_paid = MoneyOf("paid_minor")
    credited_amount = MoneyOf("credited_minor")
    balance_due = MoneyOf("balance_due_minor")

    # Dates are read from the row when asked for: lists of invoices rarely show them all.
    issued_on = FromRow()
    due_on = FromRow()
    created_at = FromRow()
    voided_at = FromRow()

    @property
    def overdue(self) -> bool:
        return is_overdue(status=self.status, due_on=self.due_on, today=self.today)

    @classmethod
    def from_row(cls, row: Any, *, today: date) -> InvoiceView:
        total, paid, credited = int(row.total), int(row.amount_paid), int(row.credited_amount)
        status = INVOICE_STATUSES[row.status]
        return cls(
            row.id,
            row.project_id,
            row.number,
            status,
            row.currency,
            row.memo,
            CURRENCY_EXPONENTS[row.currency],
            int(row.subtotal),
            int(row.discount),
            total,
            paid,
            0 if status is InvoiceStatus.VOID else total - paid - credited,
            today,
            row,
            credited,
        )


@dataclass(slots=True)
class InvoiceLineView:
    id: str
    invoice_id: str
    position: int
    milestone_id: str | None
    description: str
    exponent: int
    amount_minor: int

    amount = MoneyOf("amount_minor")

    @classmethod
    def from_row(cls, row: Any) -> InvoiceLineView:
        return cls(
            row.id,
            row.invoice_id,
            row.position,
            row.milestone_id,
            row.description,
            CURRENCY_EXPONENTS[row.currency],
            int(row.amount),
        )


@dataclass(slots=True)
class InvoiceProgressView:
    """Where this invoice stands in the contract: the final-invoice view."""

    id: str
    contract_value: Money | None
    invoiced_before: Money
    paid_before: Money
    this_invoice: Money
    remaining_after: Money | None
    over_contract_amount: Money | None

    @classmethod
    def from_row(cls, row: Any) -> InvoiceProgressView:
        exponent = CURRENCY_EXPONENTS[row.currency]
        invoiced_before, total = int(row.invoiced_before), int(row.total)
        contract = None if row.contract_value is None else int(row.contract_value)
        left = None if contract is None else contract - invoiced_before - total
        return cls(
            id=row.id,
            contract_value=None if contract is None else Money(contract, exponent),
            invoiced_before=Money(invoiced_before, exponent),
            paid_before=Money(int(row.paid_before), exponent),
            this_invoice=Money(total, exponent),
            # Invoices may bill beyond the contract (free lines: extra work); what remains
            # never goes below zero, and the excess is shown on its own.
            remaining_after=None if left is None else Money(max(left, 0), exponent),
            over_contract_amount=None if left is None else Money(max(-left, 0), exponent),
        )
