"""Invoices: drafting with milestone and free lines, issuing with a number, voiding."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.statements import session_statements
from db.tables import Invoice, InvoiceLine, InvoiceScheduleItem, Project
from db.tables.columns import CA, CN, SI, A
from domain.context import Caller
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.ids import new_id
from domain.invoices.lines import LineInput, LineSpec, check_lines
from domain.invoices.rules import InvoiceStatus, check_issue_dates, due_date
from domain.lookup import get_owned
from domain.money import checked_total, currency_exponent, parse_amount
from domain.numbering import INVOICE_SERIES, next_number
from domain.projects.locks import lock_project, lock_project_of
from domain.projects.service import get_project
from domain.projects.totals import check_project_totals
from domain.retainage.withhold import RELEASE_KIND, return_on_void, withhold_retainage
from domain.search import search_form
from domain.validation import clean_text


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


def priced_total(*, lines: Sequence[LineSpec], discount: int, currency: str) -> int:
    """Return the subtotal of checked lines; refuse a discount they cannot carry."""
    exponent = currency_exponent(currency)
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
    return subtotal


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
    subtotal = priced_total(lines=lines, discount=discount, currency=project.currency)
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
    await add_lines(session=session, caller=caller, invoice_id=invoice.id, lines=lines)
    await check_project_totals(session=session, project=project, field="lines")
    record_event("invoice.created", invoice)
    if issue:
        await issue_draft(session=session, caller=caller, invoice=invoice, project=project)
    return invoice


async def add_lines(
    *, session: AsyncSession, caller: Caller, invoice_id: str, lines: Sequence[LineSpec]
) -> None:
    """Write the checked lines of an invoice, numbered from 1 in the order given."""
    session.add_all(
        InvoiceLine(
            account_id=caller.account_id,
            id=new_id("lin"),
            invoice_id=invoice_id,
            position=position,
            milestone_id=line.milestone_id,
            description=line.description,
            amount=line.amount,
        )
        for position, line in enumerate(lines, start=1)
    )
    await session.flush()


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
    project = await lock_project(session=session, caller=caller, project_id=project_id)
    exponent = currency_exponent(project.currency)
    problems = ErrorCollector()
    specs: list[LineSpec] = []
    discount_minor, clean_memo = 0, None
    # Every part is checked, so one answer names everything wrong with the input.
    try:
        specs = await check_lines(session=session, caller=caller, project=project, lines=lines)
    except DomainError as error:
        problems.add(error)
    try:
        if discount is not None:
            discount_minor = parse_amount(
                discount, exponent=exponent, field="discount", allow_zero=True
            )
    except DomainError as error:
        problems.add(error)
    try:
        clean_memo = clean_text(memo, field="memo", max_length=2000, required=False)
    except DomainError as error:
        problems.add(error)
    problems.raise_any()
    return await write_invoice(
        session=session,
        caller=caller,
        project=project,
        lines=specs,
        discount=discount_minor,
        memo=clean_memo,
        issue=issue,
    )


async def issue_draft(
    *,
    session: AsyncSession,
    caller: Caller,
    invoice: Invoice,
    project: Project,
    issued_on: date | None = None,
    due_on: date | None = None,
) -> Invoice:
    """Return the invoice issued: numbered, dated (today unless given), due after the payment
    terms unless a due date is given."""
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(ErrorCode.INVALID_STATE, "invoiceId", "Only a draft can be issued.")
    issued = check_issue_dates(today=caller.clock.today(), issued_on=issued_on, due_on=due_on)
    invoice.number = await next_number(
        session=session, account_id=caller.account_id, series=INVOICE_SERIES
    )
    invoice.search_text = search_form(invoice.number)
    invoice.issued_on = issued
    invoice.due_on = due_on or due_date(
        issued_on=issued, payment_terms_days=project.payment_terms_days
    )
    invoice.status = InvoiceStatus.OPEN
    if project.retainage_basis_points:
        retainage = await withhold_retainage(
            db=await session_statements(session),
            invoice=invoice,
            basis_points=project.retainage_basis_points,
            discount=invoice.discount,
        )
        invoice.retainage_amount = retainage
        invoice.total = invoice.subtotal - invoice.discount - retainage
    await session.flush()
    record_event("invoice.issued", invoice)
    return invoice


async def lock_project_of_invoice(
    *, session: AsyncSession, caller: Caller, invoice_id: str
) -> None:
    """Lock the invoice's project first: the lock order of domain/projects/locks.py."""
    await lock_project_of(
        Invoice, session=session, caller=caller, id_=invoice_id, field="invoiceId", noun="invoice"
    )


async def issue_invoice(
    *,
    session: AsyncSession,
    caller: Caller,
    invoice_id: str,
    issued_on: date | None = None,
    due_on: date | None = None,
) -> Invoice:
    """Return the draft invoice, now issued (on `issued_on`, due on `due_on` when given)."""
    await lock_project_of_invoice(session=session, caller=caller, invoice_id=invoice_id)
    invoice = await get_invoice(session=session, caller=caller, invoice_id=invoice_id)
    project = await get_project(session=session, caller=caller, project_id=invoice.project_id)
    return await issue_draft(
        session=session,
        caller=caller,
        invoice=invoice,
        project=project,
        issued_on=issued_on,
        due_on=due_on,
    )


async def void_invoice(*, session: AsyncSession, caller: Caller, invoice_id: str) -> Invoice:
    """Return the invoice voided; it keeps its number. Refused while money is allocated to it."""
    # Voiding gives its milestones back what they had left to invoice, and reopens its item.
    await lock_project_of_invoice(session=session, caller=caller, invoice_id=invoice_id)
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
    credit = await session.scalar(
        select(func.count()).where(
            CA.account_id == caller.account_id,
            CA.invoice_id == invoice.id,
            CA.reversed_at.is_(None),
        )
    )
    notes = await session.scalar(
        select(func.count()).where(
            CN.account_id == caller.account_id, CN.invoice_id == invoice.id, CN.status == "ISSUED"
        )
    )
    if credit or notes:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "invoiceId",
            "The invoice has credit notes or credit applied to it; void those notes first.",
        )
    if invoice.retainage_amount or invoice.kind == RELEASE_KIND:
        await return_on_void(db=await session_statements(session), invoice=invoice)
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
