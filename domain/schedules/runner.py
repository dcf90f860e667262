"""Running schedule items: each run issues an invoice with one line per item's milestone."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import Invoice, InvoiceSchedule, InvoiceScheduleItem, Milestone
from db.tables.columns import SI, S
from domain.context import Caller
from domain.errors import DomainError, ErrorCode
from domain.invoices.service import LineSpec, uninvoiced_amounts, write_invoice
from domain.projects.service import get_milestone, get_project
from domain.schedules.rules import ItemStatus
from domain.schedules.service import get_schedule, schedule_items

logger = logging.getLogger("milestone_billing.schedules")


async def run_items(
    *,
    session: AsyncSession,
    caller: Caller,
    schedule: InvoiceSchedule,
    items: Sequence[InvoiceScheduleItem],
    field: str = "scheduleId",
) -> list[Invoice]:
    """Return the invoices issued for these pending items (one each, or one for all of them)."""
    if schedule.paused:
        raise DomainError(ErrorCode.INVALID_STATE, field, "The schedule is paused.")
    if not items:
        return []
    project = await get_project(session=session, caller=caller, project_id=schedule.project_id)
    open_amounts = await uninvoiced_amounts(
        session=session,
        account_id=caller.account_id,
        milestone_ids=[item.milestone_id for item in items],
    )
    for item in items:
        if item.status != ItemStatus.PENDING:
            raise DomainError(ErrorCode.INVALID_STATE, field, "This item was already processed.")
        if item.amount > open_amounts.get(item.milestone_id, 0):
            raise DomainError(
                ErrorCode.EXCEEDS_UNINVOICED_AMOUNT,
                field,
                f"Item {item.name!r}: its milestone was already invoiced by hand.",
            )
    groups = [[item] for item in items] if schedule.invoice_separately else [list(items)]
    invoices = []
    for group in groups:
        lines = [LineSpec(item.name, item.amount, item.milestone_id) for item in group]
        invoice = await write_invoice(session=session, caller=caller, project=project, lines=lines)
        for item in group:
            item.status = ItemStatus.PROCESSED
            item.invoice_id = invoice.id
        invoices.append(invoice)
    await session.flush()
    return invoices


async def run_invoice_schedule(
    *, session: AsyncSession, caller: Caller, schedule_id: str, item_id: str | None = None
) -> tuple[InvoiceSchedule, list[Invoice]]:
    """Return the schedule and the invoice issued for the named item, or the next pending one."""
    schedule = await get_schedule(session=session, caller=caller, schedule_id=schedule_id)
    items = await schedule_items(session=session, schedule=schedule)
    if item_id is not None:
        chosen = [item for item in items if item.id == item_id]
        if not chosen:
            raise DomainError(
                ErrorCode.NOT_FOUND, "itemId", "No item with this id in the schedule."
            )
        if chosen[0].status != ItemStatus.PENDING:
            raise DomainError(ErrorCode.INVALID_STATE, "itemId", "This item was already processed.")
    else:
        chosen = [item for item in items if item.status == ItemStatus.PENDING][:1]
        if not chosen:
            raise DomainError(ErrorCode.INVALID_STATE, "scheduleId", "No pending item to run.")
    invoices = await run_items(session=session, caller=caller, schedule=schedule, items=chosen)
    return schedule, invoices


async def process_due(*, session: AsyncSession, caller: Caller, as_of: date) -> list[Invoice]:
    """Return the invoices issued for every pending item due on or before `as_of`."""
    due_now = (
        SI.account_id == caller.account_id,
        SI.status == ItemStatus.PENDING,
        SI.run_date <= as_of,
    )
    schedule_ids = list(
        await session.scalars(
            select(SI.schedule_id)
            .join(InvoiceSchedule, (S.account_id == SI.account_id) & (S.id == SI.schedule_id))
            .where(*due_now, S.paused.is_(False))
            .distinct()
            .order_by(SI.schedule_id)
        )
    )
    invoices: list[Invoice] = []
    for schedule_id in schedule_ids:
        # Lock first, then read: a run that raced us and won has processed its items.
        schedule = await get_schedule(session=session, caller=caller, schedule_id=schedule_id)
        if schedule.paused:
            continue
        group = list(
            await session.scalars(
                select(InvoiceScheduleItem)
                .where(*due_now, SI.schedule_id == schedule_id)
                .order_by(SI.sequence)
                .execution_options(populate_existing=True)
            )
        )
        try:
            # One schedule that cannot run (say, a milestone invoiced by hand) must not
            # hold back the others: its own savepoint is rolled back and it is logged.
            async with session.begin_nested():
                invoices += await run_items(
                    session=session, caller=caller, schedule=schedule, items=group
                )
        except DomainError as error:
            logger.warning("schedule %s not run: %s", schedule.number, error.message)
    return invoices


async def complete_milestone(
    *, session: AsyncSession, caller: Caller, milestone_id: str
) -> Milestone:
    """Return the milestone completed; its pending item runs unless its schedule is paused
    or the milestone was already invoiced by hand."""
    milestone = await get_milestone(
        session=session, caller=caller, milestone_id=milestone_id, lock=True
    )
    if milestone.completed_at is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE, "milestoneId", "This milestone is already completed."
        )
    milestone.completed_at = caller.clock.now()
    item = await session.scalar(
        select(InvoiceScheduleItem).where(
            SI.account_id == caller.account_id,
            SI.milestone_id == milestone.id,
            SI.status == ItemStatus.PENDING,
        )
    )
    if item is not None:
        schedule = await get_schedule(session=session, caller=caller, schedule_id=item.schedule_id)
        open_amounts = await uninvoiced_amounts(
            session=session, account_id=caller.account_id, milestone_ids=[milestone.id]
        )
        # Invoiced by hand already: the completion stands and the item stays pending.
        if not schedule.paused and item.amount <= open_amounts.get(milestone.id, 0):
            await run_items(
                session=session,
                caller=caller,
                schedule=schedule,
                items=[item],
                field="milestoneId",
            )
    await session.flush()
    return milestone
