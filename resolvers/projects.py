"""Resolvers for projects and milestones: reads through the loaders, writes through the domain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from db.engine import read_connection
from db.queries import projects as queries
from db.queries.balances import ALL_PARTS, BILLED, INVOICED, SCHEDULED
from domain.projects import service
from domain.schedules import runner
from resolvers.context import context_of
from resolvers.mutations import Outcome, run_write
from resolvers.pagination import Page, decode_cursor, make_page, page_size
from resolvers.views import BalanceView, MilestoneView, ProjectView


async def project(info: Info[Any, Any], id_: str) -> ProjectView | None:
    """Return the caller's project with this id, or None."""
    return await context_of(info).loaders.project.load(id_)


async def projects_page(
    info: Info[Any, Any], *, first: int | None, after: str | None
) -> Page[ProjectView]:
    """Return one page of the caller's projects in creation order."""
    context = context_of(info)
    size = page_size(first)
    keyset = decode_cursor(after) if after else None
    account_id = context.caller.account_id
    async with read_connection(context.engine) as connection:
        rows = await queries.project_page(
            connection, account_id=account_id, after=keyset, limit=size + 1
        )

    async def count_total() -> int:
        async with read_connection(context.engine) as connection:
            return await queries.count_projects(connection, account_id=account_id)

    views = [ProjectView.from_row(row) for row in rows]
    return make_page(views, size=size, after=after, count_total=count_total)


async def milestones_of(
    info: Info[Any, Any], project_id: str, currency: str
) -> list[MilestoneView]:
    return await context_of(info).loaders.milestones_by_project.load((project_id, currency))


# The aggregates each ProjectBalance field is computed from; a field not listed needs them all.
BALANCE_FIELD_PARTS: dict[str, frozenset[str]] = {
    "__typename": frozenset(),
    "currency": frozenset(),
    "contractValue": frozenset(),
    "scheduledAmount": frozenset({SCHEDULED}),
    "unbilledAmount": frozenset({SCHEDULED, BILLED}),
    "overContractAmount": frozenset({SCHEDULED}),
    **dict.fromkeys(
        [
            "invoicedAmount",
            "paidAmount",
            "creditedAmount",
            "discountAmount",
            "outstandingAmount",
            "overdueAmount",
        ],
        frozenset({INVOICED}),
    ),
}


def balance_parts(field_names: Iterable[str]) -> frozenset[str]:
    """Return the balance parts that the given ProjectBalance fields are computed from."""
    parts: set[str] = set()
    for name in field_names:
        parts |= BALANCE_FIELD_PARTS.get(name, ALL_PARTS)
    return frozenset(parts)


async def balance_of(info: Info[Any, Any], project_id: str) -> BalanceView | None:
    # Every node of the field counts: `balance { a } balance { b }` is one field, both selections.
    selections = [selection for field in info.selected_fields for selection in field.selections]
    parts = balance_parts(_selected_names(selections))
    return await context_of(info).loaders.balance.load((project_id, parts))


def _selected_names(selections: Iterable[Any]) -> Iterator[str]:
    """Yield the field names of a selection, fragments included (an extra name only adds work)."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection.name
        else:
            yield from _selected_names(selection.selections)


async def milestone(info: Info[Any, Any], id_: str) -> MilestoneView | None:
    return await context_of(info).loaders.milestone.load(id_)


async def create_project(
    info: Info[Any, Any],
    *,
    name: str,
    client_name: str | None,
    client_id: str | None,
    currency: str,
    contract_value: str | None,
    payment_terms_days: int,
) -> Outcome[ProjectView]:
    """Return the created project, or the userErrors that refused it."""
    outcome = await run_write(
        info,
        lambda session, caller: service.create_project(
            session=session,
            caller=caller,
            name=name,
            client_name=client_name,
            client_id=client_id,
            currency=currency,
            contract_value=contract_value,
            payment_terms_days=payment_terms_days,
        ),
    )
    return await then_load(info, outcome, project)


async def add_milestone(
    info: Info[Any, Any],
    *,
    project_id: str,
    name: str,
    trigger: str | None,
    amount: str | None,
    planned_on: date | None,
) -> Outcome[MilestoneView]:
    """Return the added milestone, or the userErrors that refused it."""
    outcome = await run_write(
        info,
        lambda session, caller: service.add_milestone(
            session=session,
            caller=caller,
            project_id=project_id,
            name=name,
            trigger=trigger,
            amount=amount,
            planned_on=planned_on,
        ),
    )
    return await then_load(info, outcome, milestone)


async def complete_milestone(info: Info[Any, Any], *, milestone_id: str) -> Outcome[MilestoneView]:
    """Return the completed milestone, or the userErrors that refused it."""
    outcome = await run_write(
        info,
        lambda session, caller: runner.complete_milestone(
            session=session, caller=caller, milestone_id=milestone_id
        ),
    )
    return await then_load(info, outcome, milestone)


async def then_load(info: Info[Any, Any], outcome: Outcome[Any], load: Any) -> Outcome[Any]:
    """Return the outcome with its written row replaced by the fresh read model."""
    if outcome.value is None:
        return outcome
    return Outcome(value=await load(info, outcome.value.id))
