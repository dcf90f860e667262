"""Keeping invoices in step with the credit applied to them: creditedAmount, status, and
their distributions."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from db.queries.credit_writes import CREDIT_INVOICE
from db.statements import Statements
from domain.events import record_event
from domain.invoices.rules import InvoiceStatus, status_after_payment
from domain.payments.distribution import PaidInvoice, after_payment_change, withdrawal


async def settle_invoices(
    *, db: Statements, account_id: str, changes: Sequence[tuple[Any, int]]
) -> None:
    """Add each change (an invoice row, locked, and a credit in minor units, negative to take
    it back) to its invoice's creditedAmount; its status follows, and its distribution is
    made again (single milestone line) or withdrawn for the user to redo."""
    for invoice, credit in changes:
        credited = int(invoice.credited_amount) + credit
        status = status_after_payment(
            total=invoice.total, amount_paid=invoice.amount_paid, credited=credited
        )
        target = {"invoice_account": account_id, "target_invoice": invoice.id}
        await db.execute((CREDIT_INVOICE, {**target, "credited": credited, "new_status": status}))
        paid = PaidInvoice(account_id, invoice.id, status, invoice.total)
        if invoice.status == InvoiceStatus.PAID:
            await db.execute(withdrawal(paid))
        await after_payment_change(db=db, invoice=paid, was_paid=False)
        if status == InvoiceStatus.PAID and invoice.status != InvoiceStatus.PAID:
            # Settled by credit: partners learn of it as of a payment that settles one.
            settled = {**invoice._asdict(), "status": status, "credited_amount": credited}
            record_event("invoice.paid", SimpleNamespace(**settled))
