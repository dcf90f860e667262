"""Editing a draft invoice (lines, discount, memo) and deleting one: drafts only (§3)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import Invoice, InvoiceLine
from db.tables.columns import L
from domain.context import Caller
from domain.errors import DomainError, ErrorCode
from domain.events import record_event
from domain.invoices.rules import InvoiceStatus
from domain.invoices.service import (
    LineInput,
    LineSpec,
    add_lines,
    check_lines,
    get_invoice,
    lock_project_of_invoice,
    priced_total,
)
from domain.money import currency_exponent, parse_amount
from domain.projects.service import get_project
from domain.projects.totals import check_project_totals
from domain.validation import UNSET, clean_text


async def get_draft(*, session: AsyncSession, caller: Caller, invoice_id: str) -> Invoice:
    """Return the caller's invoice, locked; refuse one that is no longer a draft."""
    # The project first: the lock order of domain/projects/locks.py.
    await lock_project_of_invoice(session=session, caller=caller, invoice_id=invoice_id)
    invoice = await get_invoice(session=session, caller=caller, invoice_id=invoice_id)
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "invoiceId",
            f"Only a draft can be changed; this invoice is {invoice.status}.",
        )
    return invoice


async def update_invoice(
    *,
    session: AsyncSession,
    caller: Caller,
    invoice_id: str,
    lines: Sequence[LineInput] | None = None,
    discount: str | None = None,
    memo: object = UNSET,
) -> Invoice:
    """Return the draft with the given parts replaced: all its lines, the discount, the memo."""
    invoice = await get_draft(session=session, caller=caller, invoice_id=invoice_id)
    project = await get_project(session=session, caller=caller, project_id=invoice.project_id)
    if lines is not None:
        # The draft's own lines leave first, so its milestones' open amounts include them.
        await session.execute(
            delete(InvoiceLine).where(L.account_id == caller.account_id, L.invoice_id == invoice.id)
        )
        specs = await check_lines(session=session, caller=caller, project=project, lines=lines)
        await add_lines(session=session, caller=caller, invoice_id=invoice.id, lines=specs)
    else:
        specs = await current_lines(session=session, invoice=invoice)
    if discount is not None:
        invoice.discount = parse_amount(
            discount,
            exponent=currency_exponent(invoice.currency),
            field="discount",
            allow_zero=True,
        )
    if memo is not UNSET:
        invoice.memo = clean_text(memo, field="memo", max_length=2000, required=False)  # type: ignore[arg-type]
    invoice.subtotal = priced_total(
        lines=specs, discount=invoice.discount, currency=invoice.currency
    )
    invoice.total = invoice.subtotal - invoice.discount
    await session.flush()
    await check_project_totals(session=session, project=project, field="lines")
    record_event("invoice.updated", invoice)
    return invoice


async def current_lines(*, session: AsyncSession, invoice: Invoice) -> list[LineSpec]:
    """Return the draft's lines as checked specs (for a discount-only change)."""
    rows = await session.scalars(
        select(InvoiceLine)
        .where(L.account_id == invoice.account_id, L.invoice_id == invoice.id)
        .order_by(L.position)
    )
    return [LineSpec(row.description, row.amount, row.milestone_id) for row in rows]


async def delete_invoice(*, session: AsyncSession, caller: Caller, invoice_id: str) -> str:
    """Return the id of the deleted draft; an issued invoice keeps its number and is voided."""
    invoice = await get_draft(session=session, caller=caller, invoice_id=invoice_id)
    await session.execute(
        delete(InvoiceLine).where(L.account_id == caller.account_id, L.invoice_id == invoice.id)
    )
    record_event("invoice.deleted", invoice)
    await session.delete(invoice)
    await session.flush()
    return invoice.id
