"""Invoices: drafting with milestone and free lines, issuing with a number, voiding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import Invoice, InvoiceLine, InvoiceScheduleItem, Milestone, Project
from db.tables.columns import SI, A, M
from domain.context import Caller
from domain.errors import DomainError, ErrorCode
from domain.events import record_event
from domain.ids import new_id
from domain.invoices.amounts import uninvoiced_amounts
from domain.invoices.rules import InvoiceStatus, due_date
from domain.lookup import get_owned
from domain.money import checked_total, currency_exponent, parse_amount
from domain.numbering import INVOICE_SERIES, next_number
from domain.projects.service import get_project
from domain.projects.totals import check_project_totals
from domain.validation import clean_text

MAX_LINES = 100


@dataclass(frozen=True)
class LineInput:
    """A requested line: a milestone line (milestone_id) or a free line (description)."""

    milestone_id: str | None = None
    description: str | None = None
    amount: str | int | None = None


@dataclass(frozen=True)
class LineSpec:
    """A checked line, amount in minor units."""

    description: str
    amount: int
    milestone_id: str | None = None


async def get_invoice(
    *, session: AsyncSession, caller: Caller, invoice_id: str, field: str = "invoiceId"
) -> Invoice:
    """Return the caller's invoice, locked for this transaction, or raise NOT_FOUND."""
    return await get_owned(
        Invoice,
        session=session,
        caller=caller,
        id_=invoice_id,
        field=field,
        noun="invoice",
        lock=True,
    )


async def check_lines(
    *, session: AsyncSession, caller: Caller, project: Project, lines: Sequence[LineInput]
) -> list[LineSpec]:
    """Return the lines checked against the project's milestones and currency."""
    if not lines:
        raise DomainError(ErrorCode.INVALID, "lines", "An invoice needs at least one line.")
    if len(lines) > MAX_LINES:
        raise DomainError(ErrorCode.INVALID, "lines", f"At most {MAX_LINES} lines.")
    exponent = currency_exponent(project.currency)
    milestone_ids = [line.milestone_id for line in lines if line.milestone_id]
    milestones = {
        m.id: m
        for m in await session.scalars(
            select(Milestone)
            .where(M.account_id == caller.account_id, M.id.in_(milestone_ids))
            .order_by(M.id)
            .with_for_update()
        )
    }
    open_amounts = await uninvoiced_amounts(
        session=session, account_id=caller.account_id, milestone_ids=milestone_ids
    )
    seen: set[str] = set()
    specs = []
    for index, line in enumerate(lines):
        path = ("lines", str(index))
        if line.milestone_id:
            milestone = milestones.get(line.milestone_id)
            if milestone is None or milestone.project_id != project.id:
                raise DomainError(
                    ErrorCode.NOT_FOUND, [*path, "milestoneId"], "No milestone of this project."
                )
            if milestone.id in seen:
                raise DomainError(
                    ErrorCode.INVALID, [*path, "milestoneId"], "This milestone is already a line."
                )
            seen.add(milestone.id)
            open_amount = open_amounts.get(milestone.id, 0)
            if line.amount is None:
                amount = open_amount
                if amount <= 0:
                    raise DomainError(
                        ErrorCode.EXCEEDS_UNINVOICED_AMOUNT,
                        [*path, "milestoneId"],
                        "This milestone has nothing left to invoice.",
                    )
            else:
                amount = parse_amount(line.amount, exponent=exponent, field=[*path, "amount"])
                if amount > open_amount:
                    raise DomainError(
                        ErrorCode.EXCEEDS_UNINVOICED_AMOUNT,
                        [*path, "amount"],
                        "The amount exceeds what is left to invoice on this milestone.",
                    )
            description = clean_text(
                line.description, field=[*path, "description"], max_length=500, required=False
            )
            specs.append(LineSpec(description or milestone.name, amount, milestone.id))
        else:
            description = clean_text(line.description, field=[*path, "description"], max_length=500)
            if line.amount is None:
                raise DomainError(
                    ErrorCode.INVALID_AMOUNT, [*path, "amount"], "A free line needs an amount."
                )
            amount = parse_amount(line.amount, exponent=exponent, field=[*path, "amount"])
            specs.append(LineSpec(description or "", amount))
    return specs


async def write_invoice(
    *,
    session: AsyncSession,
    caller: Caller,
    project: Project,
    lines: Sequence[LineSpec],
    discount: int = 0,
    memo: str | None = None,
    issue: bool = True,
) -> Invoice:
    """Return a new invoice with these checked lines, issued unless `issue` is false."""
    exponent = currency_exponent(project.currency)
    subtotal = checked_total((line.amount for line in lines), exponent=exponent, field="lines")
    milestone_lines = sum(line.amount for line in lines if line.milestone_id)
    if discount and any(line.milestone_id for line in lines) and discount > milestone_lines:
        # Free lines are settled at their full amount when the payment is distributed, so the
        # discount has to come out of the milestone lines.
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            "discount",
            "The discount cannot exceed the milestone lines: free lines are paid in full.",
        )
    if discount >= subtotal:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, "discount", "The discount must be less than the subtotal."
        )
    invoice = Invoice(
        account_id=caller.account_id,
        id=new_id("inv"),
        project_id=project.id,
        currency=project.currency,
        memo=memo,
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
        created_at=caller.clock.now(),
    )
    session.add(invoice)
    await session.flush()
    session.add_all(
        InvoiceLine(
            account_id=caller.account_id,
            id=new_id("lin"),
            invoice_id=invoice.id,
            position=position,
            milestone_id=line.milestone_id,
            description=line.description,
            amount=line.amount,
        )
        for position, line in enumerate(lines, start=1)
    )
    await session.flush()
    await check_project_totals(session=session, project=project, field="lines")
    record_event("invoice.created", invoice)
    if issue:
        await issue_draft(session=session, caller=caller, invoice=invoice, project=project)
    return invoice


async def create_invoice(
    *,
    session: AsyncSession,
    caller: Caller,
    project_id: str,
    lines: Sequence[LineInput],
    discount: str | int | None = None,
    memo: str | None = None,
    issue: bool = True,
) -> Invoice:
    """Return the new invoice (issued by default), validated line by line."""
    project = await get_project(session=session, caller=caller, project_id=project_id)
    specs = await check_lines(session=session, caller=caller, project=project, lines=lines)
    exponent = currency_exponent(project.currency)
    discount_minor = (
        0
        if discount is None
        else parse_amount(discount, exponent=exponent, field="discount", allow_zero=True)
    )
    return await write_invoice(
        session=session,
        caller=caller,
        project=project,
        lines=specs,
        discount=discount_minor,
        memo=clean_text(memo, field="memo", max_length=2000, required=False),
        issue=issue,
    )


async def issue_draft(
    *, session: AsyncSession, caller: Caller, invoice: Invoice, project: Project
) -> Invoice:
    """Return the invoice issued: numbered, dated today, due after the payment terms."""
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(ErrorCode.INVALID_STATE, "invoiceId", "Only a draft can be issued.")
    invoice.number = await next_number(
        session=session, account_id=caller.account_id, series=INVOICE_SERIES
    )
    invoice.issued_on = caller.clock.today()
    invoice.due_on = due_date(
        issued_on=invoice.issued_on, payment_terms_days=project.payment_terms_days
    )
    invoice.status = InvoiceStatus.OPEN
    await session.flush()
    record_event("invoice.issued", invoice)
    return invoice


async def issue_invoice(*, session: AsyncSession, caller: Caller, invoice_id: str) -> Invoice:
    """Return the draft invoice, now issued."""
    invoice = await get_invoice(session=session, caller=caller, invoice_id=invoice_id)
    project = await get_project(session=session, caller=caller, project_id=invoice.project_id)
    return await issue_draft(session=session, caller=caller, invoice=invoice, project=project)


async def void_invoice(*, session: AsyncSession, caller: Caller, invoice_id: str) -> Invoice:
    """Return the invoice voided; it keeps its number. Refused while money is allocated to it."""
    invoice = await get_invoice(session=session, caller=caller, invoice_id=invoice_id)
    if invoice.status == InvoiceStatus.VOID:
        raise DomainError(ErrorCode.INVALID_STATE, "invoiceId", "The invoice is already void.")
    active = await session.scalar(
        select(func.count()).where(
            A.account_id == caller.account_id, A.invoice_id == invoice.id, A.reversed_at.is_(None)
        )
    )
    if active:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "invoiceId",
            "The invoice has payments allocated to it; reverse them before voiding.",
        )
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = caller.clock.now()
    # A schedule item billed by this invoice is pending again: the schedule's figures leave
    # the void invoice out, and the item can run again.
    await session.execute(
        update(InvoiceScheduleItem)
        .where(SI.account_id == caller.account_id, SI.invoice_id == invoice.id)
        .values(status="PENDING", invoice_id=None)
        .execution_options(synchronize_session="fetch")
    )
    await session.flush()
    record_event("invoice.voided", invoice)
    return invoice
