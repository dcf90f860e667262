"""A schedule's items: writing planned items with their milestones, and removing pending ones."""

from __future__ import annotations

from collections.abc import Sequence, Set

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import InvoiceSchedule, InvoiceScheduleItem, Milestone, Project
from db.tables.columns import SI, L, M
from domain.context import Caller
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.ids import new_id
from domain.invoices.amounts import invoiced_amounts
from domain.money import currency_exponent, format_amount
from domain.projects.service import next_position
from domain.projects.totals import check_project_totals
from domain.schedules.rules import ItemStatus, PlannedItem


async def schedule_items(
    *, session: AsyncSession, schedule: InvoiceSchedule
) -> list[InvoiceScheduleItem]:
    """Return the schedule's items in sequence order."""
    return list(
        await session.scalars(
            select(InvoiceScheduleItem)
            .where(SI.account_id == schedule.account_id, SI.schedule_id == schedule.id)
            .order_by(SI.sequence)
        )
    )


async def add_items(
    *,
    session: AsyncSession,
    caller: Caller,
    schedule: InvoiceSchedule,
    project: Project,
    planned: Sequence[PlannedItem],
    first_sequence: int,
    owned: Set[str] = frozenset(),
) -> None:
    """Write the planned items after `first_sequence - 1`; each item's milestone takes its
    amount. A relinked milestone in `owned` was created by the schedule and stays its own."""
    milestones = await _unscheduled_milestones(
        session=session, caller=caller, project=project, planned=planned
    )
    position = await next_position(session=session, project=project)
    for offset, item in enumerate(planned):
        if item.milestone_id:
            milestone = milestones[item.milestone_id]
            milestone.amount = item.amount
            owns = milestone.id in owned
        else:
            milestone = Milestone(
                account_id=caller.account_id,
                id=new_id("ms"),
                project_id=project.id,
                name=item.name,
                trigger=item.trigger,
                position=position,
                amount=item.amount,
                planned_on=item.run_date,
                created_at=caller.clock.now(),
            )
            position += 1
            session.add(milestone)
            owns = True
        session.add(
            InvoiceScheduleItem(
                account_id=caller.account_id,
                id=new_id("isi"),
                schedule_id=schedule.id,
                sequence=first_sequence + offset,
                name=item.name,
                percentage=None if item.percentage is None else str(item.percentage),
                amount=item.amount,
                run_date=item.run_date,
                milestone_id=milestone.id,
                owns_milestone=owns,
                status=ItemStatus.PENDING,
            )
        )
    await session.flush()
    await check_project_totals(session=session, project=project, field="items")


async def _unscheduled_milestones(
    *, session: AsyncSession, caller: Caller, project: Project, planned: Sequence[PlannedItem]
) -> dict[str, Milestone]:
    """Return the milestones the items link to, refusing foreign, already scheduled and
    already invoiced ones (a schedule would rewrite an amount that was billed)."""
    wanted = [item.milestone_id for item in planned if item.milestone_id]
    if not wanted:
        return {}
    found = {
        m.id: m
        for m in await session.scalars(
            select(Milestone)
            .where(M.account_id == caller.account_id, M.id.in_(wanted))
            .order_by(M.id)
            .with_for_update()
        )
    }
    scheduled = set(
        await session.scalars(
            select(SI.milestone_id).where(
                SI.account_id == caller.account_id, SI.milestone_id.in_(wanted)
            )
        )
    )
    invoiced = await invoiced_amounts(
        session=session, account_id=caller.account_id, milestone_ids=wanted
    )
    exponent = currency_exponent(project.currency)
    problems = ErrorCollector()
    seen: set[str] = set()
    for index, item in enumerate(planned):
        if not item.milestone_id:
            continue
        field = ["items", str(index), "milestoneId"]
        milestone = found.get(item.milestone_id)
        if milestone is None or milestone.project_id != project.id:
            problems.add(DomainError(ErrorCode.NOT_FOUND, field, "No milestone of this project."))
        elif item.milestone_id in scheduled or item.milestone_id in seen:
            problems.add(
                DomainError(
                    ErrorCode.ALREADY_SCHEDULED,
                    field,
                    "This milestone already has a schedule item.",
                )
            )
        elif invoiced.get(milestone.id, 0) > 0:
            problems.add(
                DomainError(
                    ErrorCode.MILESTONE_ALREADY_INVOICED,
                    field,
                    f"{milestone.name!r} is already invoiced "
                    f"({format_amount(invoiced[milestone.id], exponent)} {project.currency}): "
                    "a schedule cannot change its amount.",
                )
            )
        seen.add(item.milestone_id)
    problems.raise_any()
    return found


async def remove_pending(
    *,
    session: AsyncSession,
    items: Sequence[InvoiceScheduleItem],
    keep: Set[str] = frozenset(),
) -> None:
    """Delete pending items, and the milestones they created unless something invoiced them,
    they were completed (a completion is a fact the schedule does not own) or they are in
    `keep` (a new item links them again)."""
    owned = [
        item.milestone_id for item in items if item.owns_milestone and item.milestone_id not in keep
    ]
    for item in items:
        await session.delete(item)
    await session.flush()
    if not owned:
        return
    account_id = items[0].account_id
    kept = set(
        await session.scalars(
            select(L.milestone_id).where(L.account_id == account_id, L.milestone_id.in_(owned))
        )
    )
    kept |= set(
        await session.scalars(
            select(M.id).where(
                M.account_id == account_id, M.id.in_(owned), M.completed_at.is_not(None)
            )
        )
    )
    removable = [m for m in owned if m not in kept]
    if removable:
        await session.execute(
            delete(Milestone).where(M.account_id == account_id, M.id.in_(removable))
        )
