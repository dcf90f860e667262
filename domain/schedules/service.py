"""Invoice schedules: laying out the billing plan, changing it, pausing and deleting it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import InvoiceSchedule, InvoiceScheduleItem, Project
from domain.context import Caller
from domain.errors import DomainError, ErrorCode
from domain.events import record_event
from domain.ids import new_id
from domain.lookup import get_owned
from domain.money import currency_exponent, format_amount, parse_amount
from domain.numbering import SCHEDULE_SERIES, next_number
from domain.projects.locks import lock_project, lock_project_of
from domain.projects.service import get_project
from domain.schedules.items import add_items, remove_pending, schedule_items
from domain.schedules.rules import ItemInput, ItemStatus, ProcessedPart, plan_items
from domain.validation import clean_text


async def get_schedule(
    *, session: AsyncSession, caller: Caller, schedule_id: str, field: str = "scheduleId"
) -> InvoiceSchedule:
    """Return the caller's schedule, locked for this transaction after its project (the lock
    order of domain/projects/locks.py), or raise NOT_FOUND."""
    await lock_project_of(
        InvoiceSchedule,
        session=session,
        caller=caller,
        id_=schedule_id,
        field=field,
        noun="invoice schedule",
    )
    return await get_owned(
        InvoiceSchedule,
        session=session,
        caller=caller,
        id_=schedule_id,
        field=field,
        noun="invoice schedule",
        lock=True,
    )


def _total_of(project: Project, total_amount: str | int | None, exponent: int) -> int:
    if total_amount is not None:
        return _within_contract(
            project, parse_amount(total_amount, exponent=exponent, field="totalAmount"), exponent
        )
    if project.contract_value is None:
        raise DomainError(
            ErrorCode.INVALID,
            "totalAmount",
            "Give a totalAmount: the project has no contract value to default to.",
        )
    return project.contract_value


def _within_contract(project: Project, total: int, exponent: int) -> int:
    """Return the total, refused when it exceeds the project's contract value."""
    if project.contract_value is not None and total > project.contract_value:
        raise DomainError(
            ErrorCode.EXCEEDS_CONTRACT_VALUE,
            "totalAmount",
            f"The schedule's total {format_amount(total, exponent)} {project.currency} exceeds "
            f"the contract value {format_amount(project.contract_value, exponent)}.",
        )
    return total


async def create_invoice_schedule(
    *,
    session: AsyncSession,
    caller: Caller,
    project_id: str,
    items: Sequence[ItemInput],
    total_amount: str | int | None = None,
    notes: str | None = None,
    invoice_separately: bool = True,
) -> InvoiceSchedule:
    """Return the new schedule with its items, each tied to a milestone that bills its amount."""
    project = await lock_project(session=session, caller=caller, project_id=project_id)
    exponent = currency_exponent(project.currency)
    total = _total_of(project, total_amount, exponent)
    planned = plan_items(total=total, exponent=exponent, items=items)
    schedule = InvoiceSchedule(
        account_id=caller.account_id,
        id=new_id("is"),
        project_id=project.id,
        number=await next_number(
            session=session, account_id=caller.account_id, series=SCHEDULE_SERIES
        ),
        notes=clean_text(notes, field="notes", max_length=2000, required=False),
        total_amount=total,
        invoice_separately=invoice_separately,
        created_at=caller.clock.now(),
    )
    session.add(schedule)
    await session.flush()
    await add_items(
        session=session,
        caller=caller,
        schedule=schedule,
        project=project,
        planned=planned,
        first_sequence=1,
    )
    record_event("invoice_schedule.created", schedule, currency=project.currency)
    return schedule


async def update_invoice_schedule(
    *,
    session: AsyncSession,
    caller: Caller,
    schedule_id: str,
    items: Sequence[ItemInput],
    total_amount: str | int | None = None,
    notes: str | None = None,
    invoice_separately: bool | None = None,
) -> InvoiceSchedule:
    """Return the schedule with its pending items replaced; processed items stay as they are."""
    schedule = await get_schedule(session=session, caller=caller, schedule_id=schedule_id)
    project = await get_project(session=session, caller=caller, project_id=schedule.project_id)
    exponent = currency_exponent(project.currency)
    current = await schedule_items(session=session, schedule=schedule)
    processed = [item for item in current if item.status == ItemStatus.PROCESSED]
    pending = [item for item in current if item.status == ItemStatus.PENDING]
    total = (
        schedule.total_amount
        if total_amount is None
        else _total_of(project, total_amount, exponent)
    )
    done = ProcessedPart(
        amount=sum(item.amount for item in processed),
        percentage=sum((_percentage(item) for item in processed), start=_percentage(None)),
        by_percentage=None if not processed else processed[0].percentage is not None,
        last_run_date=max((i.run_date for i in processed if i.run_date), default=None),
    )
    if not items and processed:
        return await _end(
            session=session,
            schedule=schedule,
            pending=pending,
            done=done,
            total=total,
            exponent=exponent,
            currency=project.currency,
        )
    if total < done.amount:
        raise DomainError(
            ErrorCode.INVALID,
            "totalAmount",
            "The total cannot be less than what the processed items already billed.",
        )
    if done.by_percentage and total != schedule.total_amount:
        # The processed items' percentages were of the old total; a new one would make them
        # untrue of the amounts they billed.
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "totalAmount",
            "A percentage schedule's total cannot change once an item was processed.",
        )
    planned = plan_items(total=total, exponent=exponent, items=items, processed=done)
    # A pending item's own milestone named again by a new item is kept and relinked.
    relinked = {item.milestone_id for item in items if item.milestone_id}
    await remove_pending(session=session, items=pending, keep=relinked)
    schedule.total_amount = total
    if notes is not None:
        schedule.notes = clean_text(notes, field="notes", max_length=2000, required=False)
    if invoice_separately is not None:
        schedule.invoice_separately = invoice_separately
    await add_items(
        session=session,
        caller=caller,
        schedule=schedule,
        project=project,
        planned=planned,
        first_sequence=max((item.sequence for item in processed), default=0) + 1,
        owned={item.milestone_id for item in pending if item.owns_milestone},
    )
    record_event("invoice_schedule.updated", schedule, currency=project.currency)
    return schedule


async def _end(
    *,
    session: AsyncSession,
    schedule: InvoiceSchedule,
    pending: Sequence[InvoiceScheduleItem],
    done: ProcessedPart,
    total: int,
    exponent: int,
    currency: str,
) -> InvoiceSchedule:
    """Return the schedule ended early: its pending items dropped, its total what it billed,
    so it is FULLY_PROCESSED."""
    if total != done.amount:
        raise DomainError(
            ErrorCode.INVALID,
            "totalAmount",
            "To end the schedule with no pending items, its totalAmount must be what it "
            f"billed: {format_amount(done.amount, exponent)} {currency}.",
        )
    await remove_pending(session=session, items=pending)
    schedule.total_amount = total
    schedule.paused = False  # nothing is left to run or to pause
    if done.by_percentage:
        # They were shares of a total that no longer exists; the amounts billed stay.
        for item in await schedule_items(session=session, schedule=schedule):
            item.percentage = None
    await session.flush()
    return schedule


def _percentage(item: InvoiceScheduleItem | None) -> Decimal:
    return Decimal(item.percentage) if item is not None and item.percentage else Decimal(0)


async def set_paused(
    *, session: AsyncSession, caller: Caller, schedule_id: str, paused: bool
) -> InvoiceSchedule:
    """Return the schedule paused (it runs nothing) or resumed."""
    schedule = await get_schedule(session=session, caller=caller, schedule_id=schedule_id)
    items = await schedule_items(session=session, schedule=schedule)
    if paused and all(item.status == ItemStatus.PROCESSED for item in items):
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "scheduleId",
            "The schedule is fully processed: there is nothing left to pause.",
        )
    if schedule.paused == paused:
        state = "paused" if paused else "not paused"
        raise DomainError(
            ErrorCode.INVALID_STATE, "scheduleId", f"The schedule is already {state}."
        )
    schedule.paused = paused
    await session.flush()
    project = await get_project(session=session, caller=caller, project_id=schedule.project_id)
    kind = "invoice_schedule.paused" if paused else "invoice_schedule.resumed"
    record_event(kind, schedule, currency=project.currency)
    return schedule


async def delete_invoice_schedule(
    *, session: AsyncSession, caller: Caller, schedule_id: str
) -> str:
    """Return the id of the deleted schedule; one with a processed item cannot be deleted."""
    schedule = await get_schedule(session=session, caller=caller, schedule_id=schedule_id)
    items = await schedule_items(session=session, schedule=schedule)
    if any(item.status == ItemStatus.PROCESSED for item in items):
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "scheduleId",
            "The schedule has processed items and cannot be deleted.",
        )
    project = await get_project(session=session, caller=caller, project_id=schedule.project_id)
    record_event("invoice_schedule.deleted", schedule, currency=project.currency)
    await remove_pending(session=session, items=items)
    await session.delete(schedule)
    await session.flush()
    return schedule.id
