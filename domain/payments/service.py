"""Payments and their allocations: recording money received, and reversing an allocation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import lock_name
from db.queries.keys import among
from db.queries.projects import ACCOUNT
from db.tables import Allocation, Invoice, Payment
from db.tables.columns import PAY, I
from domain.context import Caller
from domain.errors import DomainError, ErrorCode
from domain.ids import new_id
from domain.invoices.rules import PAYABLE, InvoiceStatus, status_after_payment
from domain.invoices.service import get_invoice
from domain.money import currency_exponent, parse_amount
from domain.payments.distribution import after_payment_change
from domain.payments.rules import check_method, check_transaction_id, serialize_attrs
from domain.validation import clean_text, required_text

MAX_ALLOCATIONS = 100


@dataclass(frozen=True)
class AllocationInput:
    invoice_id: str
    amount: str | int


async def record_payment(
    *,
    session: AsyncSession,
    caller: Caller,
    external: bool,
    method: str,
    allocations: Sequence[AllocationInput],
    transaction_id: str | None = None,
    reference: str | None = None,
    received_on: date | None = None,
    attrs: Any = None,
) -> Payment:
    """Return the recorded payment: all of its allocations are written, or none is."""
    txn = check_transaction_id(external=external, transaction_id=transaction_id)
    payment_method = check_method(external=external, method=method)
    attrs_text = serialize_attrs(attrs)
    if not allocations:
        raise DomainError(ErrorCode.INVALID, "allocations", "Allocate the payment to an invoice.")
    if len(allocations) > MAX_ALLOCATIONS:
        raise DomainError(ErrorCode.INVALID, "allocations", f"At most {MAX_ALLOCATIONS}.")
    if txn:
        # Two deliveries of the same processor payment: the second waits, then sees the first.
        await lock_name(session, f"transaction:{caller.account_id}:{txn}")
    if txn and await session.scalar(
        select(PAY.id).where(PAY.account_id == caller.account_id, PAY.transaction_id == txn)
    ):
        raise DomainError(
            ErrorCode.INVALID, "transactionId", "A payment with this transaction id exists."
        )
    invoices = await _lock_invoices(session=session, caller=caller, allocations=allocations)
    amounts = _check_allocations(allocations=allocations, invoices=invoices)
    currency = invoices[allocations[0].invoice_id].currency
    now = caller.clock.now()
    payment = Payment(
        account_id=caller.account_id,
        id=new_id("pay"),
        external_payment=external,
        transaction_id=txn,
        method=payment_method.value,
        reference=clean_text(reference, field="reference", max_length=200, required=False),
        received_on=received_on or caller.clock.today(),
        currency=currency,
        amount=sum(amounts),
        attrs=attrs_text,
        created_at=now,
    )
    session.add(payment)
    await session.flush()
    for allocation, amount in zip(allocations, amounts, strict=True):
        invoice = invoices[allocation.invoice_id]
        session.add(
            Allocation(
                account_id=caller.account_id,
                id=new_id("item"),
                payment_id=payment.id,
                invoice_id=invoice.id,
                amount=amount,
                attrs=attrs_text,
                created_at=now,
                modified_at=now,
            )
        )
        was_paid = invoice.status == InvoiceStatus.PAID
        invoice.amount_paid += amount
        invoice.status = status_after_payment(total=invoice.total, amount_paid=invoice.amount_paid)
        await after_payment_change(session=session, invoice=invoice, was_paid=was_paid)
    await session.flush()
    return payment


async def _lock_invoices(
    *, session: AsyncSession, caller: Caller, allocations: Sequence[AllocationInput]
) -> dict[str, Invoice]:
    """Return the allocated invoices, locked in id order so concurrent payments cannot deadlock."""
    ids = sorted({allocation.invoice_id for allocation in allocations})
    found = await session.scalars(_INVOICES_TO_PAY, {"account_id": caller.account_id, "ids": ids})
    return {invoice.id: invoice for invoice in found}


_INVOICES_TO_PAY = (
    select(Invoice)
    .where(I.account_id == ACCOUNT, among(I.id, "ids"))
    .order_by(I.id)
    .with_for_update()
)


def _check_allocations(
    *, allocations: Sequence[AllocationInput], invoices: dict[str, Invoice]
) -> list[int]:
    """Return each allocation's amount in minor units, or raise the first rule one breaks."""
    amounts: list[int] = []
    seen: set[str] = set()
    currency: str | None = None
    for index, allocation in enumerate(allocations):
        path = ["allocations", str(index)]
        invoice = invoices.get(allocation.invoice_id)
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
            allocation.amount,
            exponent=currency_exponent(invoice.currency),
            field=[*path, "amount"],
        )
        if amount > invoice.total - invoice.amount_paid:
            raise DomainError(
                ErrorCode.EXCEEDS_BALANCE_DUE,
                [*path, "amount"],
                f"The amount exceeds the balance due on {invoice.number}.",
            )
        amounts.append(amount)
    return amounts


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
    await after_payment_change(session=session, invoice=invoice, was_paid=was_paid)
    await session.flush()
    return allocation
