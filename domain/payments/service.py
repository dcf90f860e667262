"""Payments and their allocations: recording money received, and reversing an allocation."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from db.queries.payment_writes import (
    INSERT_ALLOCATION,
    INSERT_PAYMENT,
    INVOICES_TO_PAY,
    PAY_INVOICE,
    TRANSACTION_TAKEN,
)
from db.statements import Statements, Write, session_statements
from db.tables import Allocation
from domain.context import Caller
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.ids import new_id
from domain.invoices.rules import PAYABLE, InvoiceStatus, status_after_payment
from domain.invoices.service import get_invoice
from domain.money import checked_total, currency_exponent, parse_amount
from domain.payments.distribution import PaidInvoice, after_payment_change
from domain.payments.rules import check_method, check_transaction_id, serialize_attrs
from domain.validation import clean_text, required_text

MAX_ALLOCATIONS = 100
T = TypeVar("T")


@dataclass(frozen=True)
class AllocationInput:
    invoice_id: str
    amount: str | int


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
) -> RecordedPayment:
    """Return the recorded payment: all of its allocations are written, or none is."""
    problems = ErrorCollector()
    txn = _checked(problems, check_transaction_id, external=external, transaction_id=transaction_id)
    payment_method = _checked(problems, check_method, external=external, method=method)
    attrs_text = _checked(problems, serialize_attrs, attrs)
    reference_text = _checked(
        problems, clean_text, reference, field="reference", max_length=200, required=False
    )
    if not allocations:
        problems.add(
            DomainError(ErrorCode.INVALID, "allocations", "Allocate the payment to an invoice.")
        )
    if len(allocations) > MAX_ALLOCATIONS:
        raise DomainError(ErrorCode.INVALID, "allocations", f"At most {MAX_ALLOCATIONS}.")
    parameters = {"account_id": caller.account_id}
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
    ids = sorted({allocation.invoice_id for allocation in allocations})
    invoices = {row.id: row for row in await db.rows(INVOICES_TO_PAY, {**parameters, "ids": ids})}
    amounts = _check_allocations(allocations=allocations, invoices=invoices, problems=problems)
    problems.raise_any()
    assert payment_method is not None  # refused above otherwise
    now = caller.clock.now()
    currency = invoices[allocations[0].invoice_id].currency
    payment = RecordedPayment(
        id=new_id("pay"),
        account_id=caller.account_id,
        external_payment=external,
        transaction_id=txn,
        method=payment_method.value,
        reference=reference_text,
        received_on=received_on or caller.clock.today(),
        currency=currency,
        amount=checked_total(amounts, exponent=currency_exponent(currency), field="allocations"),
        attrs=attrs_text,
        created_at=now,
    )
    writes: list[Write] = [(INSERT_PAYMENT, _columns(payment))]
    changed: list[tuple[PaidInvoice, bool]] = []
    paid_invoices: list[SimpleNamespace] = []
    for position, (allocation, amount) in enumerate(zip(allocations, amounts, strict=True), 1):
        invoice = invoices[allocation.invoice_id]
        paid = invoice.amount_paid + amount
        status = status_after_payment(total=invoice.total, amount_paid=paid)
        writes += _allocation_writes(
            payment, invoice.id, position=position, amount=amount, paid=paid, status=status
        )
        was_paid = invoice.status == InvoiceStatus.PAID
        if status == InvoiceStatus.PAID and not was_paid:
            paid_invoices.append(
                SimpleNamespace(**{**invoice._asdict(), "status": status, "amount_paid": paid})
            )
        changed.append(
            (PaidInvoice(caller.account_id, invoice.id, status, invoice.total), was_paid)
        )
    await db.execute(*writes)
    for paid_invoice, was_paid in changed:
        await after_payment_change(db=db, invoice=paid_invoice, was_paid=was_paid)
    record_event("payment.recorded", payment)
    for invoice in paid_invoices:
        record_event("invoice.paid", invoice)
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


def _allocation_writes(
    payment: RecordedPayment, invoice_id: str, *, position: int, amount: int, paid: int, status: str
) -> list[Write]:
    """Return the writes that allocate `amount` of the payment to one invoice."""
    allocation = {
        "account_id": payment.account_id,
        "id": new_id("item"),
        "payment_id": payment.id,
        "invoice_id": invoice_id,
        "position": position,
        "amount": amount,
        "attrs": payment.attrs,
        "reversed_at": None,
        "reversal_reason": None,
        "created_at": payment.created_at,
        "modified_at": payment.created_at,
    }
    invoice = {"invoice_account": payment.account_id, "invoice_id": invoice_id}
    return [
        (INSERT_ALLOCATION, allocation),
        (PAY_INVOICE, {**invoice, "paid": paid, "status": status}),
    ]


def _columns(payment: RecordedPayment) -> dict[str, Any]:
    return {field.name: getattr(payment, field.name) for field in dataclasses.fields(payment)}


def _checked(
    problems: ErrorCollector, check: Callable[..., T], *args: Any, **kwargs: Any
) -> T | None:
    """Return what `check` returns, or None with its refusal added to `problems`."""
    try:
        return check(*args, **kwargs)
    except DomainError as error:
        problems.add(error)
        return None


def _check_allocations(
    *,
    allocations: Sequence[AllocationInput],
    invoices: Mapping[str, Any],
    problems: ErrorCollector,
) -> list[int]:
    """Return each allocation's amount in minor units; every rule broken goes to `problems`."""
    amounts: list[int] = []
    seen: set[str] = set()
    currency: str | None = None
    for index, allocation in enumerate(allocations):
        try:
            amount, currency = _check_allocation(
                allocation,
                index,
                invoice=invoices.get(allocation.invoice_id),
                seen=seen,
                currency=currency,
            )
            amounts.append(amount)
        except DomainError as error:
            problems.add(error)
    return amounts


def _check_allocation(
    allocation: AllocationInput, index: int, *, invoice: Any, seen: set[str], currency: str | None
) -> tuple[int, str]:
    """Return one allocation's amount and the payment's currency, or raise the rule it breaks."""
    path = ["allocations", str(index)]
    if invoice is None:
        raise DomainError(ErrorCode.NOT_FOUND, [*path, "invoiceId"], "No invoice with this id.")
    if invoice.id in seen:
        raise DomainError(
            ErrorCode.DUPLICATE_INVOICE,
            [*path, "invoiceId"],
            "A payment allocates to the same invoice at most once.",
        )
    seen.add(invoice.id)
    if invoice.status not in PAYABLE:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            [*path, "invoiceId"],
            f"Invoice {invoice.number or invoice.id} is {invoice.status}; "
            "only open or partially paid invoices take payments.",
        )
    currency = currency or invoice.currency
    if invoice.currency != currency:
        raise DomainError(
            ErrorCode.CURRENCY_MISMATCH,
            [*path, "invoiceId"],
            f"This invoice is in {invoice.currency}, the payment in {currency}.",
        )
    amount = parse_amount(
        allocation.amount, exponent=currency_exponent(invoice.currency), field=[*path, "amount"]
    )
    if amount > invoice.total - invoice.amount_paid:
        raise DomainError(
            ErrorCode.EXCEEDS_BALANCE_DUE,
            [*path, "amount"],
            f"The amount exceeds the balance due on {invoice.number}.",
        )
    return amount, currency


async def reverse_allocation(
    *, session: AsyncSession, caller: Caller, allocation_id: str, reason: str
) -> Allocation:
    """Return the allocation marked reversed, its amount given back to the invoice's balance."""
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
    invoice = await get_invoice(session=session, caller=caller, invoice_id=allocation.invoice_id)
    now = caller.clock.now()
    allocation.reversed_at = now
    allocation.reversal_reason = text
    allocation.modified_at = now
    was_paid = invoice.status == InvoiceStatus.PAID
    invoice.amount_paid -= allocation.amount
    if invoice.status != InvoiceStatus.VOID:
        invoice.status = status_after_payment(total=invoice.total, amount_paid=invoice.amount_paid)
    db = await session_statements(session)
    await after_payment_change(db=db, invoice=invoice, was_paid=was_paid)
    await session.flush()
    record_event("allocation.reversed", allocation, currency=invoice.currency)
    return allocation
