"""The rules every allocation of payment money to an invoice follows, and its writes.

Recording a payment and applying its unapplied money later check allocations the same way:
amount > 0 and at most the balance due, an open or partially paid invoice, one currency, one
client, the same invoice at most once per payment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any, TypeVar

from db.queries.payment_writes import INSERT_ALLOCATION, INVOICES_TO_PAY, PAY_INVOICE
from db.statements import Statements, Write
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.ids import new_id
from domain.invoices.rules import PAYABLE, InvoiceStatus, status_after_payment
from domain.money import currency_exponent, parse_amount
from domain.payments.distribution import PaidInvoice, after_payment_change

MAX_ALLOCATIONS = 100
T = TypeVar("T")


@dataclass(frozen=True)
class AllocationInput:
    invoice_id: str
    amount: str | int


@dataclass(frozen=True)
class Payer:
    """What the allocations of one payment must agree with (None: set by the first one)."""

    currency: str | None
    client_id: str | None
    noun: str = "payment"  # what the money comes from, as error messages name it


def checked(
    problems: ErrorCollector, check: Callable[..., T], *args: Any, **kwargs: Any
) -> T | None:
    """Return what `check` returns, or None with its refusal added to `problems`."""
    try:
        return check(*args, **kwargs)
    except DomainError as error:
        problems.add(error)
        return None


async def locked_invoices(
    *, db: Statements, account_id: str, allocations: Sequence[AllocationInput]
) -> dict[str, Any]:
    """Return the allocations' invoices, locked in id order, with their project's client."""
    if len(allocations) > MAX_ALLOCATIONS:
        raise DomainError(ErrorCode.INVALID, "allocations", f"At most {MAX_ALLOCATIONS}.")
    ids = sorted({allocation.invoice_id for allocation in allocations})
    if not ids:
        return {}
    rows = await db.rows(INVOICES_TO_PAY, {"account_id": account_id, "ids": ids})
    return {row.id: row for row in rows}


def check_allocations(
    *,
    allocations: Sequence[AllocationInput],
    invoices: Mapping[str, Any],
    payer: Payer,
    problems: ErrorCollector,
    taken: frozenset[str] = frozenset(),
) -> list[int]:
    """Return each allocation's amount in minor units; every rule broken goes to `problems`.

    `taken` holds the invoices the payment already allocates to.
    """
    amounts: list[int] = []
    seen = set(taken)
    for index, allocation in enumerate(allocations):
        try:
            amount, payer = _check_one(
                allocation,
                index,
                invoice=invoices.get(allocation.invoice_id),
                seen=seen,
                payer=payer,
            )
            amounts.append(amount)
        except DomainError as error:
            problems.add(error)
    return amounts


def _check_one(
    allocation: AllocationInput, index: int, *, invoice: Any, seen: set[str], payer: Payer
) -> tuple[int, Payer]:
    """Return one allocation's amount and the payer so far, or raise the rule it breaks."""
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
    currency = payer.currency or invoice.currency
    if invoice.currency != currency:
        raise DomainError(
            ErrorCode.CURRENCY_MISMATCH,
            [*path, "invoiceId"],
            f"This invoice is in {invoice.currency}, the {payer.noun} in {currency}.",
        )
    client_id = payer.client_id or invoice.client_id
    if invoice.client_id != client_id:
        raise DomainError(
            ErrorCode.CLIENT_MISMATCH,
            [*path, "invoiceId"],
            f"This invoice is billed to client {invoice.client_id}, the {payer.noun} belongs to "
            f"{client_id}: one {payer.noun} pays one client's invoices.",
        )
    amount = parse_amount(
        allocation.amount, exponent=currency_exponent(invoice.currency), field=[*path, "amount"]
    )
    if amount > invoice.total - invoice.amount_paid - invoice.credited_amount:
        raise DomainError(
            ErrorCode.EXCEEDS_BALANCE_DUE,
            [*path, "amount"],
            f"The amount exceeds the balance due on {invoice.number}.",
        )
    return amount, Payer(currency, client_id, payer.noun)


async def write_allocations(
    *,
    db: Statements,
    account_id: str,
    payment_id: str,
    attrs: str | None,
    now: datetime,
    allocations: Sequence[AllocationInput],
    amounts: Sequence[int],
    invoices: Mapping[str, Any],
    first_position: int,
    before: Sequence[Write] = (),
) -> None:
    """Write the allocations (after `before`), pay their invoices and keep their
    distributions in step."""
    writes = list(before)
    changed: list[tuple[PaidInvoice, bool]] = []
    paid_invoices: list[SimpleNamespace] = []
    for position, (allocation, amount) in enumerate(
        zip(allocations, amounts, strict=True), first_position
    ):
        invoice = invoices[allocation.invoice_id]
        paid = invoice.amount_paid + amount
        status = status_after_payment(
            total=invoice.total, amount_paid=paid, credited=invoice.credited_amount
        )
        row = {
            "account_id": account_id,
            "id": new_id("item"),
            "payment_id": payment_id,
            "invoice_id": invoice.id,
            "position": position,
            "amount": amount,
            "attrs": attrs,
            "reversed_at": None,
            "reversal_reason": None,
            "created_at": now,
            "modified_at": now,
        }
        target = {"invoice_account": account_id, "invoice_id": invoice.id}
        writes += [
            (INSERT_ALLOCATION, row),
            (PAY_INVOICE, {**target, "paid": paid, "status": status}),
        ]
        was_paid = invoice.status == InvoiceStatus.PAID
        if status == InvoiceStatus.PAID and not was_paid:
            paid_invoices.append(
                SimpleNamespace(**{**invoice._asdict(), "status": status, "amount_paid": paid})
            )
        changed.append((PaidInvoice(account_id, invoice.id, status, invoice.total), was_paid))
    await db.execute(*writes)
    for paid_invoice, was_paid in changed:
        await after_payment_change(db=db, invoice=paid_invoice, was_paid=was_paid)
    for paid_invoice_row in paid_invoices:
        record_event("invoice.paid", paid_invoice_row)
