"""Payments and their allocations: recording money received, and reversing an allocation."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.queries.payment_writes import CLIENT_EXISTS, INSERT_PAYMENT, TRANSACTION_TAKEN
from db.statements import Statements, session_statements
from db.tables import Allocation, Payment
from domain.context import Caller
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.ids import new_id
from domain.invoices.rules import InvoiceStatus, status_after_payment
from domain.invoices.service import get_invoice
from domain.money import CURRENCY_EXPONENTS, checked_total, currency_exponent, parse_amount
from domain.payments.allocations import (
    AllocationInput,
    Payer,
    check_allocations,
    checked,
    locked_invoices,
    write_allocations,
)
from domain.payments.distribution import after_payment_change
from domain.payments.rules import check_method, check_transaction_id, serialize_attrs
from domain.search import search_form
from domain.validation import clean_text, required_text


async def record_payment(
    *,
    db: Statements,
    caller: Caller,
    external: bool,
    method: str,
    allocations: Sequence[AllocationInput],
    transaction_id: str | None = None,
    reference: str | None = None,
    received_on: date | None = None,
    attrs: Any = None,
    amount: str | int | None = None,
    client_id: str | None = None,
    currency: str | None = None,
) -> RecordedPayment:
    """Return the recorded payment: all of its allocations are written, or none is; what
    `amount` leaves unallocated is its unapplied money."""
    problems = ErrorCollector()
    txn = checked(problems, check_transaction_id, external=external, transaction_id=transaction_id)
    payment_method = checked(problems, check_method, external=external, method=method)
    attrs_text = checked(problems, serialize_attrs, attrs)
    reference_text = checked(
        problems, clean_text, reference, field="reference", max_length=200, required=False
    )
    parameters = {"account_id": caller.account_id}
    if client_id is not None:
        if not await db.rows(CLIENT_EXISTS, {**parameters, "client_id": client_id}):
            problems.add(DomainError(ErrorCode.NOT_FOUND, "clientId", "No client with this id."))
    elif not allocations:
        problems.add(
            DomainError(
                ErrorCode.INVALID,
                "allocations",
                "Allocate the payment to an invoice, or give its clientId and currency to "
                "record a prepayment.",
            )
        )
    if currency is not None:
        checked(problems, currency_exponent, currency, field="currency")
    elif not allocations and client_id is not None:
        problems.add(DomainError(ErrorCode.INVALID, "currency", "A prepayment needs a currency."))
    if txn:
        # Two deliveries of the same processor payment: the second waits, then sees the first.
        await db.lock_name(f"transaction:{caller.account_id}:{txn}")
        taken = await db.rows(TRANSACTION_TAKEN, {**parameters, "transaction_id": txn})
        if taken:
            problems.add(
                DomainError(
                    ErrorCode.TRANSACTION_ID_TAKEN,
                    "transactionId",
                    f"Payment {taken[0].id} already recorded transaction {txn}.",
                )
            )
    invoices = await locked_invoices(db=db, account_id=caller.account_id, allocations=allocations)
    payer = Payer(currency if currency in CURRENCY_EXPONENTS else None, client_id)
    amounts = check_allocations(
        allocations=allocations, invoices=invoices, payer=payer, problems=problems
    )
    problems.raise_any()
    assert payment_method is not None  # refused above otherwise
    if allocations:
        invoice = invoices[allocations[0].invoice_id]
        currency, client_id = invoice.currency, invoice.client_id
    assert currency is not None and client_id is not None
    exponent = currency_exponent(currency)
    allocated = checked_total(amounts, exponent=exponent, field="allocations") if amounts else 0
    total = allocated if amount is None else parse_amount(amount, exponent=exponent, field="amount")
    if total < allocated:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            "amount",
            "The amount is less than the allocations add up to.",
        )
    now = caller.clock.now()
    payment = RecordedPayment(
        id=new_id("pay"),
        account_id=caller.account_id,
        external_payment=external,
        transaction_id=txn,
        method=payment_method.value,
        reference=reference_text,
        received_on=received_on or caller.clock.today(),
        currency=currency,
        amount=total,
        attrs=attrs_text,
        created_at=now,
        client_id=client_id,
        unapplied_amount=total - allocated,
        refunded_amount=0,
        search_text=search_form(reference_text),
    )
    record_event("payment.recorded", payment)  # before the invoice.paid events it causes
    await write_allocations(
        db=db,
        account_id=caller.account_id,
        payment_id=payment.id,
        attrs=attrs_text,
        now=now,
        allocations=allocations,
        amounts=amounts,
        invoices=invoices,
        first_position=1,
        before=[(INSERT_PAYMENT, _columns(payment))],
    )
    return payment


@dataclass(frozen=True, slots=True)
class RecordedPayment:
    """A payment as it was written: its columns, in the payment table's names."""

    id: str
    account_id: str
    external_payment: bool
    transaction_id: str | None
    method: str
    reference: str | None
    received_on: date
    currency: str
    amount: int
    attrs: str | None
    created_at: datetime
    client_id: str | None
    unapplied_amount: int
    refunded_amount: int
    search_text: str


def _columns(payment: RecordedPayment) -> dict[str, Any]:
    return {field.name: getattr(payment, field.name) for field in dataclasses.fields(payment)}


async def reverse_allocation(
    *, session: AsyncSession, caller: Caller, allocation_id: str, reason: str
) -> Allocation:
    """Return the allocation marked reversed: its amount is owed on the invoice again and is
    the payment's unapplied money."""
    text = required_text(reason, field="reason", max_length=500)
    allocation = await session.get(
        Allocation, (caller.account_id, allocation_id), with_for_update=True
    )
    if allocation is None:
        raise DomainError(ErrorCode.NOT_FOUND, "allocationId", "No allocation with this id.")
    if allocation.reversed_at is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE, "allocationId", "This allocation is already reversed."
        )
    # The payment before the invoice: the order applying and refunding lock them in.
    payment = await session.get(
        Payment, (caller.account_id, allocation.payment_id), with_for_update=True
    )
    assert payment is not None  # an allocation's payment is never deleted
    invoice = await get_invoice(session=session, caller=caller, invoice_id=allocation.invoice_id)
    now = caller.clock.now()
    payment.unapplied_amount += allocation.amount
    allocation.reversed_at = now
    allocation.reversal_reason = text
    allocation.modified_at = now
    was_paid = invoice.status == InvoiceStatus.PAID
    invoice.amount_paid -= allocation.amount
    if invoice.status != InvoiceStatus.VOID:
        invoice.status = status_after_payment(
            total=invoice.total, amount_paid=invoice.amount_paid, credited=invoice.credited_amount
        )
    db = await session_statements(session)
    await after_payment_change(db=db, invoice=invoice, was_paid=was_paid)
    await session.flush()
    record_event("allocation.reversed", allocation, currency=invoice.currency)
    return allocation
