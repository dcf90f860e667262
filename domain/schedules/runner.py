"""Running schedule items: each run issues an invoice with one line per item's milestone."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import Invoice, InvoiceSchedule, InvoiceScheduleItem, Milestone
from db.tables.columns import SI, S
from domain.context import Caller
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.events import record_event
from domain.invoices.amounts import uninvoiced_amounts
from domain.invoices.lines import LineSpec
from domain.invoices.service import write_invoice
from domain.money import currency_exponent, format_amount
from domain.projects.locks import lock_project_of
from domain.projects.service import get_milestone, get_project
from domain.schedules.rules import ItemStatus
from domain.schedules.service import get_schedule, schedule_items

logger = logging.getLogger("milestone_billing.schedules")


class SkippedItem(NamedTuple):
    """A due or requested item that could not run, and why."""

    schedule_id: str
    item_id: str
    code: str
    reason: str


async def _split_runnable(
    *,
    session: AsyncSession,
    caller: Caller,
    schedule: InvoiceSchedule,
    items: Sequence[InvoiceScheduleItem],
) -> tuple[list[InvoiceScheduleItem], list[SkippedItem]]:
    """Return the items whose milestone still has their amount to invoice, and the others."""
    open_amounts = await uninvoiced_amounts(
        session=session,
        account_id=caller.account_id,
        milestone_ids=[item.milestone_id for item in items],
    )
    project = await get_project(session=session, caller=caller, project_id=schedule.project_id)
    exponent = currency_exponent(project.currency)
    runnable, skipped = [], []
    for item in items:
        left = open_amounts.get(item.milestone_id, 0)
        if item.amount <= left:
            runnable.append(item)
            continue
        skipped.append(
            SkippedItem(
                item.schedule_id,
                item.id,
                ErrorCode.EXCEEDS_UNINVOICED_AMOUNT.value,
                f"Item {item.name!r} bills {format_amount(item.amount, exponent)} "
                f"{project.currency} but its milestone has only "
                f"{format_amount(max(left, 0), exponent)} left to invoice (it was invoiced "
                "by hand): update the schedule, or void that invoice.",
            )
        )
    return runnable, skipped


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
    for item in items:
        if item.status != ItemStatus.PENDING:
            raise DomainError(ErrorCode.INVALID_STATE, field, "This item was already processed.")
    _runnable, skipped = await _split_runnable(
        session=session, caller=caller, schedule=schedule, items=items
    )
    if skipped:
        raise DomainErrors([DomainError(ErrorCode(s.code), field, s.reason) for s in skipped])
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
) -> tuple[InvoiceSchedule, list[Invoice], list[SkippedItem]]:
    """Return the schedule, the invoice issued for the named item or the next pending one
    that can run, and the pending items passed over because they cannot."""
    schedule = await get_schedule(session=session, caller=caller, schedule_id=schedule_id)
    items = await schedule_items(session=session, schedule=schedule)
    skipped: list[SkippedItem] = []
    if item_id is not None:
        chosen = [item for item in items if item.id == item_id]
        if not chosen:
            raise DomainError(
                ErrorCode.NOT_FOUND, "itemId", "No item with this id in the schedule."
            )
        if chosen[0].status != ItemStatus.PENDING:
            raise DomainError(ErrorCode.INVALID_STATE, "itemId", "This item was already processed.")
        field = "itemId"
    else:
        pending = [item for item in items if item.status == ItemStatus.PENDING]
        if not pending:
            raise DomainError(ErrorCode.INVALID_STATE, "scheduleId", "No pending item to run.")
        if schedule.paused:
            raise DomainError(ErrorCode.INVALID_STATE, "scheduleId", "The schedule is paused.")
        runnable, blocked = await _split_runnable(
            session=session, caller=caller, schedule=schedule, items=pending
        )
        if not runnable:
            raise DomainErrors(
                [DomainError(ErrorCode(s.code), "scheduleId", s.reason) for s in blocked]
            )
        chosen = runnable[:1]
        skipped = [s for s in blocked if _before(items, s.item_id, chosen[0])]
        field = "scheduleId"
    invoices = await run_items(
        session=session, caller=caller, schedule=schedule, items=chosen, field=field
    )
    _log_skipped(schedule, skipped)
    return schedule, invoices, skipped


def _before(
    items: Sequence[InvoiceScheduleItem], item_id: str, chosen: InvoiceScheduleItem
) -> bool:
    return any(item.id == item_id and item.sequence < chosen.sequence for item in items)


def _log_skipped(schedule: InvoiceSchedule, skipped: Sequence[SkippedItem]) -> None:
    for entry in skipped:
        logger.warning(
            "schedule %s item %s not run (%s): %s",
            schedule.number,
            entry.item_id,
            entry.code,
            entry.reason,
        )


async def process_due(
    *, session: AsyncSession, caller: Caller, as_of: date
) -> tuple[list[Invoice], list[SkippedItem]]:
    """Return the invoices issued for every pending item due on or before `as_of` that can
    run, and the due items that cannot (each logged with its reason)."""
    due_now = (
        SI.account_id == caller.account_id,
        SI.status == ItemStatus.PENDING,
        SI.run_date <= as_of,
    )
    # In (project, schedule) order: the lock order of domain/projects/locks.py.
    schedule_ids = [
        row.schedule_id
        for row in await session.execute(
            select(S.project_id, SI.schedule_id)
            .join(InvoiceSchedule, (S.account_id == SI.account_id) & (S.id == SI.schedule_id))
            .where(*due_now, S.paused.is_(False))
            .distinct()
            .order_by(S.project_id, SI.schedule_id)
        )
    ]
    invoices: list[Invoice] = []
    skipped: list[SkippedItem] = []
    for schedule_id in schedule_ids:
        # Lock first, then read: a run that raced us and won has processed its items.
        schedule = await get_schedule(session=session, caller=caller, schedule_id=schedule_id)
        if schedule.paused:
            continue
        due = list(
            await session.scalars(
                select(InvoiceScheduleItem)
                .where(*due_now, SI.schedule_id == schedule_id)
                .order_by(SI.sequence)
                .execution_options(populate_existing=True)
            )
        )
        runnable, blocked = await _split_runnable(
            session=session, caller=caller, schedule=schedule, items=due
        )
        try:
            # A schedule refused for another reason must not hold back the others: its own
            # savepoint is rolled back and each of its items is reported.
            async with session.begin_nested():
                invoices += await run_items(
                    session=session, caller=caller, schedule=schedule, items=runnable
                )
        except DomainError as error:
            blocked += [
                SkippedItem(item.schedule_id, item.id, error.code.value, error.message)
                for item in runnable
            ]
        _log_skipped(schedule, blocked)
        skipped += blocked
    return invoices, skipped


async def complete_milestone(
    *, session: AsyncSession, caller: Caller, milestone_id: str
) -> Milestone:
    """Return the milestone completed; its pending item runs unless its schedule is paused
    or the milestone was already invoiced by hand."""
    # Project, then schedule, then milestone: the lock order of domain/projects/locks.py.
    await lock_project_of(
        Milestone,
        session=session,
        caller=caller,
        id_=milestone_id,
        field="milestoneId",
        noun="milestone",
    )
    item = await session.scalar(
        select(InvoiceScheduleItem).where(
            SI.account_id == caller.account_id,
            SI.milestone_id == milestone_id,
            SI.status == ItemStatus.PENDING,
        )
    )
    schedule = (
        None
        if item is None
        else await get_schedule(session=session, caller=caller, schedule_id=item.schedule_id)
    )
    milestone = await get_milestone(
        session=session, caller=caller, milestone_id=milestone_id, lock=True
    )
    if milestone.completed_at is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE, "milestoneId", "This milestone is already completed."
        )
    milestone.completed_at = caller.clock.now()
    project = await get_project(session=session, caller=caller, project_id=milestone.project_id)
    record_event("milestone.completed", milestone, currency=project.currency)
    if item is not None and schedule is not None:
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
