"""Batched reads of invoice schedules and their items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.keys import among
from db.queries.rows import select_rows
from db.tables import InvoiceSchedule, InvoiceScheduleItem, Project
from db.tables.columns import SI, P, S

ITEM_COLUMNS = (
    SI.id,
    SI.schedule_id,
    SI.sequence,
    SI.name,
    SI.percentage,
    SI.amount,
    SI.run_date,
    SI.status,
    SI.milestone_id,
    SI.invoice_id,
    S.project_id,
    P.currency,
)


def _schedules(account_id: str) -> Any:
    # The bound account, not S.account_id: on Citus that keeps the sums on the account's shard.
    items_of = and_(SI.account_id == account_id, SI.schedule_id == S.id)
    processed = and_(items_of, SI.status == "PROCESSED")
    pending = and_(items_of, SI.status == "PENDING")
    return select(
        S.id,
        S.project_id,
        S.number,
        S.notes,
        S.total_amount,
        S.invoice_separately,
        S.paused,
        S.created_at,
        select(func.count()).where(items_of).scalar_subquery().label("item_count"),
        select(func.count()).where(processed).scalar_subquery().label("processed_count"),
        select(func.coalesce(func.sum(SI.amount), 0))
        .where(processed)
        .scalar_subquery()
        .label("billed"),
        select(func.min(SI.run_date)).where(pending).scalar_subquery().label("next_run_date"),
        P.currency,
    ).join_from(
        InvoiceSchedule.__table__,  # type: ignore[attr-defined]
        Project.__table__,  # type: ignore[attr-defined]
        and_(P.account_id == S.account_id, P.id == S.project_id),
    )


async def schedules_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's schedules among `ids`, with their item counts and billed sums."""
    statement = _schedules(account_id).where(S.account_id == account_id, among(S.id, "ids"))
    return await select_rows(connection, statement, {"ids": ids})


async def schedules_by_project_ids(
    connection: AsyncConnection, *, account_id: str, project_ids: Sequence[str]
) -> list[Any]:
    """Return the schedules of these projects, oldest first."""
    statement = (
        _schedules(account_id)
        .where(S.account_id == account_id, among(S.project_id, "ids"))
        .order_by(S.created_at, S.id)
    )
    return await select_rows(connection, statement, {"ids": project_ids})


def _items() -> Any:
    return (
        select(*ITEM_COLUMNS)
        .join_from(
            InvoiceScheduleItem.__table__,  # type: ignore[attr-defined]
            InvoiceSchedule.__table__,  # type: ignore[attr-defined]
            and_(S.account_id == SI.account_id, S.id == SI.schedule_id),
        )
        .join(
            Project.__table__,  # type: ignore[attr-defined]
            and_(P.account_id == S.account_id, P.id == S.project_id),
        )
    )


async def items_by_schedule_ids(
    connection: AsyncConnection, *, account_id: str, schedule_ids: Sequence[str]
) -> list[Any]:
    """Return the items of these schedules in sequence order."""
    statement = (
        _items()
        .where(SI.account_id == account_id, among(SI.schedule_id, "ids"))
        .order_by(SI.schedule_id, SI.sequence)
    )
    return await select_rows(connection, statement, {"ids": schedule_ids})


async def items_by_milestone_ids(
    connection: AsyncConnection, *, account_id: str, milestone_ids: Sequence[str]
) -> list[Any]:
    """Return the schedule item of each of these milestones (at most one each)."""
    statement = _items().where(SI.account_id == account_id, among(SI.milestone_id, "ids"))
    return await select_rows(connection, statement, {"ids": milestone_ids})


async def items_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's schedule items among `ids` (for node(id:))."""
    statement = _items().where(SI.account_id == account_id, among(SI.id, "ids"))
    return await select_rows(connection, statement, {"ids": ids})
