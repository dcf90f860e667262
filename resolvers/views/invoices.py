"""Read models of invoices, their lines and their progress against the contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.invoices.rules import InvoiceStatus, is_overdue
from domain.money import CURRENCY_EXPONENTS, Money

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
    issued_on: date | None
    due_on: date | None
    subtotal: Money
    discount: Money
    total: Money
    amount_paid: Money
    balance_due: Money
    overdue: bool
    created_at: datetime
    voided_at: datetime | None

    @classmethod
    def from_row(cls, row: Any, *, today: date) -> InvoiceView:
        exponent = CURRENCY_EXPONENTS[row.currency]
        total, paid = int(row.total), int(row.amount_paid)
        status = INVOICE_STATUSES[row.status]
        return cls(
            id=row.id,
            project_id=row.project_id,
            number=row.number,
            status=status,
            currency=row.currency,
            memo=row.memo,
            issued_on=row.issued_on,
            due_on=row.due_on,
            subtotal=Money(int(row.subtotal), exponent),
            discount=Money(int(row.discount), exponent),
            total=Money(total, exponent),
            amount_paid=Money(paid, exponent),
            balance_due=Money(0 if status is InvoiceStatus.VOID else total - paid, exponent),
            overdue=is_overdue(status=status, due_on=row.due_on, today=today),
            created_at=row.created_at,
            voided_at=row.voided_at,
        )


@dataclass(slots=True)
class InvoiceLineView:
    id: str
    invoice_id: str
    position: int
    milestone_id: str | None
    description: str
    amount: Money

    @classmethod
    def from_row(cls, row: Any) -> InvoiceLineView:
        return cls(
            id=row.id,
            invoice_id=row.invoice_id,
            position=row.position,
            milestone_id=row.milestone_id,
            description=row.description,
            amount=Money(int(row.amount), CURRENCY_EXPONENTS[row.currency]),
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

    @classmethod
    def from_row(cls, row: Any) -> InvoiceProgressView:
        exponent = CURRENCY_EXPONENTS[row.currency]
        invoiced_before, total = int(row.invoiced_before), int(row.total)
        contract = None if row.contract_value is None else int(row.contract_value)
        return cls(
            id=row.id,
            contract_value=None if contract is None else Money(contract, exponent),
            invoiced_before=Money(invoiced_before, exponent),
            paid_before=Money(int(row.paid_before), exponent),
            this_invoice=Money(total, exponent),
            remaining_after=None
            if contract is None
            else Money(contract - invoiced_before - total, exponent),
        )
