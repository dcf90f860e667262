"""Pure invoice rules: statuses, what follows from payments, due dates."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from domain.errors import DomainError, ErrorCode


class InvoiceStatus(StrEnum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    VOID = "VOID"


ISSUED = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID)
PAYABLE = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID)
NOT_VOID = (InvoiceStatus.DRAFT, *ISSUED)


def status_after_payment(*, total: int, amount_paid: int, credited: int) -> InvoiceStatus:
    """Return the status an issued invoice has once `amount_paid` of its total is paid and
    `credited` of it is settled by credit notes."""
    if amount_paid + credited >= total:
        return InvoiceStatus.PAID
    if amount_paid + credited > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OPEN


def due_date(*, issued_on: date, payment_terms_days: int) -> date:
    """Return the due date: the issue date plus the project's payment terms."""
    return issued_on + timedelta(days=payment_terms_days)


def is_overdue(*, status: str, due_on: date | None, today: date) -> bool:
    """Return whether an unpaid, issued invoice is past its due date."""
    return status in PAYABLE and due_on is not None and due_on < today


def check_issue_dates(*, today: date, issued_on: date | None, due_on: date | None) -> date:
    """Return the issue date (today unless given); refuse a future one or a due date before it.

    Backdating is allowed (an invoice sent before it was entered); issuing in the future is
    not: balances as of a day count what was issued by then.
    """
    issued = issued_on or today
    if issued > today:
        raise DomainError(
            ErrorCode.INVALID, "issuedOn", "An invoice cannot be issued later than today."
        )
    if due_on is not None and due_on < issued:
        raise DomainError(
            ErrorCode.INVALID, "dueOn", "The due date cannot be before the issue date."
        )
    return issued
