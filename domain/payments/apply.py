"""Applying a payment's unapplied money to invoices later, and refunding it."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from db.queries.payment_writes import CHANGE_PAYMENT, PAYMENT_ALLOCATIONS, PAYMENT_TO_CHANGE
from db.statements import Statements, Write
from domain.context import Caller
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.money import currency_exponent, format_amount
from domain.payments.allocations import (
    AllocationInput,
    Payer,
    check_allocations,
    locked_invoices,
    write_allocations,
)


async def locked_payment(*, db: Statements, caller: Caller, payment_id: str) -> Any:
    """Return the caller's payment row, locked until the transaction ends, or raise NOT_FOUND."""
    rows = await db.rows(
        PAYMENT_TO_CHANGE, {"account_id": caller.account_id, "payment_id": payment_id}
    )
    if not rows:
        raise DomainError(ErrorCode.NOT_FOUND, "paymentId", "No payment with this id.")
    return rows[0]


def payment_change(account_id: str, payment_id: str, *, unapplied: int, refunded: int) -> Write:
    """Return the write that sets a payment's unapplied and refunded money."""
    return CHANGE_PAYMENT, {
        "payment_account": account_id,
        "payment_id": payment_id,
        "unapplied": unapplied,
        "refunded": refunded,
    }


async def apply_payment(
    *, db: Statements, caller: Caller, payment_id: str, allocations: Sequence[AllocationInput]
) -> Any:
    """Return the payment row after applying its unapplied money to these invoices: every
    allocation rule holds and they add up to at most the unapplied amount, or nothing is
    written."""
    payment = await locked_payment(db=db, caller=caller, payment_id=payment_id)
    if not allocations:
        raise DomainError(ErrorCode.INVALID, "allocations", "Apply the payment to an invoice.")
    existing = await db.rows(
        PAYMENT_ALLOCATIONS, {"account_id": caller.account_id, "payment_id": payment.id}
    )
    invoices = await locked_invoices(db=db, account_id=caller.account_id, allocations=allocations)
    problems = ErrorCollector()
    amounts = check_allocations(
        allocations=allocations,
        invoices=invoices,
        payer=Payer(payment.currency, payment.client_id),
        problems=problems,
        taken=frozenset(row.invoice_id for row in existing),
    )
    problems.raise_any()
    applied = sum(amounts)  # each at most a balance due: far from overflowing
    unapplied = int(payment.unapplied_amount)
    if applied > unapplied:
        raise DomainError(
            ErrorCode.EXCEEDS_UNAPPLIED_AMOUNT,
            "allocations",
            f"The allocations add up to more than the payment's unapplied amount "
            f"({format_amount(unapplied, currency_exponent(payment.currency))} "
            f"{payment.currency}).",
        )
    # Before the invoice.paid events it causes.
    record_event(
        "payment.applied",
        SimpleNamespace(**{**payment._asdict(), "unapplied_amount": unapplied - applied}),
    )
    await write_allocations(
        db=db,
        account_id=caller.account_id,
        payment_id=payment.id,
        attrs=None,
        now=caller.clock.now(),
        allocations=allocations,
        amounts=amounts,
        invoices=invoices,
        first_position=max((int(row.position) for row in existing), default=0) + 1,
        before=[
            payment_change(
                caller.account_id,
                payment.id,
                unapplied=unapplied - applied,
                refunded=int(payment.refunded_amount),
            )
        ],
    )
    return payment
