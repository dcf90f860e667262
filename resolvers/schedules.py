"""Resolvers for invoice schedules: reads through the loaders, writes through the domain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from strawberry.types import Info

from domain.errors import ErrorCode
from domain.schedules import runner, service
from domain.schedules.rules import ItemInput
from domain.schedules.runner import SkippedItem
from resolvers.context import context_of
from resolvers.invoices import invoices
from resolvers.mutations import Outcome, run_write
from resolvers.views import InvoiceView, ScheduleItemView, ScheduleView


@dataclass
class SkippedItemResult:
    """A due or requested item that did not run, with the rule that held it back."""

    item: ScheduleItemView | None
    code: ErrorCode
    reason: str


@dataclass
class RunResult:
    schedule: ScheduleView | None
    invoices: list[InvoiceView] = field(default_factory=list)
    skipped: list[SkippedItemResult] = field(default_factory=list)


async def _skipped(info: Info[Any, Any], entries: Sequence[Any]) -> list[SkippedItemResult]:
    """Return the skipped items as views (a replayed response stores them as plain lists)."""
    skipped = [SkippedItem(*entry) for entry in entries]
    schedule_ids = sorted({entry.schedule_id for entry in skipped})
    lists = await context_of(info).loaders.schedule_items.load_many(schedule_ids)
    by_id = {item.id: item for items in lists for item in items}
    return [
        SkippedItemResult(by_id.get(entry.item_id), ErrorCode(entry.code), entry.reason)
        for entry in skipped
    ]


async def schedule(info: Info[Any, Any], id_: str) -> ScheduleView | None:
    return await context_of(info).loaders.schedule.load(id_)


async def schedules_of(info: Info[Any, Any], project_id: str) -> list[ScheduleView]:
    return await context_of(info).loaders.schedules_by_project.load(project_id)


async def items_of(info: Info[Any, Any], schedule_id: str) -> list[ScheduleItemView]:
    return await context_of(info).loaders.schedule_items.load(schedule_id)


async def schedule_item(info: Info[Any, Any], id_: str) -> ScheduleItemView | None:
    return await context_of(info).loaders.schedule_item.load(id_)


async def item_of_milestone(info: Info[Any, Any], milestone_id: str) -> ScheduleItemView | None:
    return await context_of(info).loaders.schedule_item_by_milestone.load(milestone_id)


async def _reload(info: Info[Any, Any], outcome: Outcome[Any]) -> Outcome[ScheduleView]:
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    return Outcome(value=await schedule(info, outcome.value.id))


async def create_invoice_schedule(
    info: Info[Any, Any],
    *,
    project_id: str,
    items: Sequence[ItemInput],
    total_amount: str | None,
    notes: str | None,
    invoice_separately: bool,
) -> Outcome[ScheduleView]:
    outcome = await run_write(
        info,
        lambda session, caller: service.create_invoice_schedule(
            session=session,
            caller=caller,
            project_id=project_id,
            items=items,
            total_amount=total_amount,
            notes=notes,
            invoice_separately=invoice_separately,
        ),
    )
    return await _reload(info, outcome)


async def update_invoice_schedule(
    info: Info[Any, Any],
    *,
    schedule_id: str,
    items: Sequence[ItemInput],
    total_amount: str | None,
    notes: str | None,
    invoice_separately: bool | None,
) -> Outcome[ScheduleView]:
    outcome = await run_write(
        info,
        lambda session, caller: service.update_invoice_schedule(
            session=session,
            caller=caller,
            schedule_id=schedule_id,
            items=items,
            total_amount=total_amount,
            notes=notes,
            invoice_separately=invoice_separately,
        ),
    )
    return await _reload(info, outcome)


async def set_paused(
    info: Info[Any, Any], *, schedule_id: str, paused: bool
) -> Outcome[ScheduleView]:
    outcome = await run_write(
        info,
        lambda session, caller: service.set_paused(
            session=session, caller=caller, schedule_id=schedule_id, paused=paused
        ),
    )
    return await _reload(info, outcome)


async def delete_invoice_schedule(info: Info[Any, Any], *, schedule_id: str) -> Outcome[str]:
    return await run_write(
        info,
        lambda session, caller: service.delete_invoice_schedule(
            session=session, caller=caller, schedule_id=schedule_id
        ),
    )


async def run_invoice_schedule(
    info: Info[Any, Any], *, schedule_id: str, item_id: str | None
) -> Outcome[RunResult]:
    outcome = await run_write(
        info,
        lambda session, caller: runner.run_invoice_schedule(
            session=session, caller=caller, schedule_id=schedule_id, item_id=item_id
        ),
    )
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    ran, issued, skipped = outcome.value
    return Outcome(
        value=RunResult(
            schedule=await schedule(info, ran.id),
            invoices=await invoices(info, [invoice.id for invoice in issued]),
            skipped=await _skipped(info, skipped),
        )
    )


async def process_due(info: Info[Any, Any], *, as_of: date) -> Outcome[RunResult]:
    outcome = await run_write(
        info,
        lambda session, caller: runner.process_due(session=session, caller=caller, as_of=as_of),
    )
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    issued, skipped = outcome.value
    return Outcome(
        value=RunResult(
            schedule=None,
            invoices=await invoices(info, [invoice.id for invoice in issued]),
            skipped=await _skipped(info, skipped),
        )
    )
