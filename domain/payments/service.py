"""Payments and their allocations: recording money received, and reversing an allocation."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from db.queries.payment_writes import (
    ALLOCATION_TO_REVERSE,
    CLIENT_EXISTS,
    INSERT_PAYMENT,
    INVOICES_TO_PAY,
    PAY_INVOICE,
    REVERSE_ALLOCATION,
    TRANSACTION_TAKEN,
)
from db.statements import Statements
from domain.context import Caller
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.ids import new_id
from domain.invoices.rules import InvoiceStatus, status_after_payment
from domain.money import CURRENCY_EXPONENTS, checked_total, currency_exponent, parse_amount
from domain.payments.allocations import (
    AllocationInput,
    Payer,
    check_allocations,
    checked,
    locked_invoices,
    write_allocations,
)
from domain.payments.apply import locked_payment, payment_change
from domain.payments.distribution import PaidInvoice, after_payment_change
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
                "clientId",
                "Allocate the payment to an invoice, or give its clientId and currency to "
                "record a prepayment.",
            )
        )
    if currency is not None:
        checked(problems, currency_exponent, currency, field="currency")
    elif not allocations and client_id is not None:
        problems.add(DomainError(ErrorCode.INVALID, "currency", "A prepayment needs a currency."))
    if not allocations and client_id is not None and amount is None:
        problems.add(
            DomainError(ErrorCode.INVALID_AMOUNT, "amount", "A prepayment needs an amount.")
        )
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
    if total <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amount", "A payment's amount is more than 0.")
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
    *, db: Statements, caller: Caller, allocation_id: str, reason: str
) -> Any:
    """Return the allocation row, now reversed: its amount is owed on the invoice again and is
    the payment's unapplied money."""
    text = required_text(reason, field="reason", max_length=500)
    rows = await db.rows(
        ALLOCATION_TO_REVERSE, {"account_id": caller.account_id, "allocation_id": allocation_id}
    )
    if not rows:
        raise DomainError(ErrorCode.NOT_FOUND, "allocationId", "No allocation with this id.")
    allocation = rows[0]
    if allocation.reversed_at is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE, "allocationId", "This allocation is already reversed."
        )
    # The payment before the invoice: the order applying and refunding lock them in.
    payment = await locked_payment(db=db, caller=caller, payment_id=allocation.payment_id)
    [invoice] = await db.rows(
        INVOICES_TO_PAY, {"account_id": caller.account_id, "ids": [allocation.invoice_id]}
    )
    amount, now = int(allocation.amount), caller.clock.now()
    paid = int(invoice.amount_paid) - amount
    status = invoice.status
    if status != InvoiceStatus.VOID:
        status = status_after_payment(
            total=invoice.total, amount_paid=paid, credited=invoice.credited_amount
        )
    target = {"invoice_account": caller.account_id, "invoice_id": invoice.id}
    await db.execute(
        (
            REVERSE_ALLOCATION,
            {
                "allocation_account": caller.account_id,
                "allocation": allocation.id,
                "reversed": now,
                "reason": text,
                "modified": now,
            },
        ),
        payment_change(
            caller.account_id,
            payment.id,
            unapplied=int(payment.unapplied_amount) + amount,
            refunded=int(payment.refunded_amount),
        ),
        (PAY_INVOICE, {**target, "paid": paid, "status": status}),
    )
    was_paid = invoice.status == InvoiceStatus.PAID
    paid_invoice = PaidInvoice(caller.account_id, invoice.id, status, invoice.total)
    await after_payment_change(db=db, invoice=paid_invoice, was_paid=was_paid)
    reversed_now = {"reversed_at": now, "reversal_reason": text, "modified_at": now}
    record_event(
        "allocation.reversed",
        SimpleNamespace(**{**allocation._asdict(), **reversed_now}),
        currency=invoice.currency,
    )
    return allocation
