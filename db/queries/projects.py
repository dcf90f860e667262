"""Batched reads of projects and milestones: one statement per call, whatever the batch size."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.credits import credited_on_milestone
from db.queries.keys import among
from db.queries.rows import PreparedSelect, is_one_of, select_rows
from db.tables import Invoice, InvoiceLine, Milestone, Project
from db.tables.columns import D, I, L, M, P

ISSUED_STATUSES = ("OPEN", "PARTIALLY_PAID", "PAID")


PROJECT_COLUMNS = (
    P.id,
    P.name,
    P.client_name,
    P.client_id,
    P.currency,
    P.contract_value,
    P.payment_terms_days,
    P.retainage_basis_points,
    P.created_at,
)


async def projects_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's projects among `ids` (unknown ids are simply absent)."""
    parameters = {"account_id": account_id, "ids": ids}
    return await select_rows(connection, _PROJECTS_BY_IDS, parameters)


async def project_page(
    connection: AsyncConnection,
    *,
    account_id: str,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[Any]:
    """Return up to `limit` projects in creation order, starting after the keyset `after`."""
    parameters: dict[str, Any] = {"account_id": account_id, "limit": limit}
    if after is not None:
        parameters["after_created_at"], parameters["after_id"] = after
    return await select_rows(connection, _project_page(after is not None), parameters)


@cache
def _project_page(after: bool) -> PreparedSelect:
    statement = select(*PROJECT_COLUMNS).where(P.account_id == ACCOUNT)
    if after:
        statement = statement.where(after_keyset(P.created_at, P.id))
    limit = bindparam("limit", type_=Integer)
    return PreparedSelect(statement.order_by(P.created_at, P.id).limit(limit))


async def count_projects(connection: AsyncConnection, *, account_id: str) -> int:
    """Return how many projects the account has."""
    rows = await select_rows(connection, _COUNT_PROJECTS, {"account_id": account_id})
    return int(rows[0].n)


def _milestone_columns() -> tuple[Any, ...]:
    # The sums compare with the bound account, not the outer row's M.account_id: Citus routes
    # a statement to one shard only when every table in it is pinned to the account.
    invoiced = (
        select(func.coalesce(func.sum(L.amount), 0))
        .join_from(
            InvoiceLine.__table__,  # type: ignore[attr-defined]
            Invoice.__table__,  # type: ignore[attr-defined]
            and_(I.account_id == L.account_id, I.id == L.invoice_id),
        )
        .where(
            L.account_id == ACCOUNT,
            L.milestone_id == M.id,
            is_one_of(I.status, ISSUED_STATUSES),
        )
        .scalar_subquery()
    )
    distributed = select(func.coalesce(func.sum(D.amount), 0)).where(
        D.account_id == ACCOUNT, D.milestone_id == M.id
    )
    discounted = select(func.coalesce(func.sum(D.discount), 0)).where(
        D.account_id == ACCOUNT, D.milestone_id == M.id
    )
    return (
        M.id,
        M.project_id,
        M.name,
        M.trigger,
        M.position,
        M.amount,
        M.planned_on,
        M.completed_at,
        M.retainage_held,
        # Read as the driver's 0/1 (or bool): a Boolean column converts every row on read.
        type_coerce(M.completed_at.is_not(None), Integer).label("completed"),
        # A credit note line naming the milestone takes its amount off what was invoiced.
        (invoiced - credited_on_milestone(M.id)).label("amount_invoiced"),
        distributed.scalar_subquery().label("amount_paid"),
        discounted.scalar_subquery().label("discount"),
    )


def _milestones_with_currency() -> Any:
    return select(*_milestone_columns(), P.currency).join_from(
        Milestone.__table__,  # type: ignore[attr-defined]
        Project.__table__,  # type: ignore[attr-defined]
        and_(P.account_id == M.account_id, P.id == M.project_id),
    )


async def milestones_by_project_ids(
    connection: AsyncConnection, *, account_id: str, project_ids: Sequence[str]
) -> list[Any]:
    """Return the milestones of the given projects with their invoiced, paid and discount sums.

    The rows carry no currency: the caller has the projects, and joining them again made this
    statement about a tenth slower on SQLite.
    """
    parameters = {"account_id": account_id, "ids": project_ids}
    return await select_rows(connection, _MILESTONES_BY_PROJECT, parameters)


async def milestones_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's milestones among `ids`, with the same sums."""
    parameters = {"account_id": account_id, "ids": ids}
    return await select_rows(connection, _MILESTONES_BY_IDS, parameters)


ACCOUNT = bindparam("account_id", type_=String)
_COUNT_PROJECTS = PreparedSelect(
    select(func.count().label("n")).select_from(Project).where(P.account_id == ACCOUNT)
)


def after_keyset(created_at: Any, id_: Any) -> Any:
    """`(created_at, id)` after the bound keyset `:after_created_at, :after_id` of a cursor."""
    after_created_at = bindparam("after_created_at", type_=created_at.type)
    after_id = bindparam("after_id", type_=id_.type)
    return or_(created_at > after_created_at, and_(created_at == after_created_at, id_ > after_id))


_PROJECTS_BY_IDS = PreparedSelect(
    select(*PROJECT_COLUMNS).where(P.account_id == ACCOUNT, among(P.id, "ids"))
)
_MILESTONES_BY_PROJECT = PreparedSelect(
    select(*_milestone_columns())
    .where(M.account_id == ACCOUNT, among(M.project_id, "ids"))
    .order_by(M.project_id, M.position)
)
_MILESTONES_BY_IDS = PreparedSelect(
    _milestones_with_currency().where(M.account_id == ACCOUNT, among(M.id, "ids"))
)
