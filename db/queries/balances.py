"""A project's balance, aggregated in SQL for a whole batch of projects in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.keys import among
from db.queries.projects import ACCOUNT, ISSUED_STATUSES
from db.queries.rows import PreparedSelect, is_one_of, select_rows
from db.tables import Invoice, InvoiceLine, Milestone, Project
from db.tables.columns import I, L, M, P

UNPAID_STATUSES = ("OPEN", "PARTIALLY_PAID")


async def balances_by_project_ids(
    connection: AsyncConnection, *, account_id: str, project_ids: Sequence[str], today: date
) -> list[Any]:
    """Return one row of money figures per project (zeros where nothing exists yet)."""
    parameters = {"account_id": account_id, "ids": project_ids, "today": today}
    return await select_rows(connection, _BALANCES, parameters)


def _balances_statement() -> Any:
    account_id = ACCOUNT
    today = bindparam("today", type_=Date)
    scheduled = (
        select(M.project_id, func.sum(M.amount).label("scheduled"))
        .where(M.account_id == account_id, among(M.project_id, "ids"))
        .group_by(M.project_id)
        .subquery()
    )
    open_balance = I.total - I.amount_paid
    invoiced = (
        select(
            I.project_id,
            func.sum(I.total).label("invoiced"),
            func.sum(I.amount_paid).label("paid"),
            func.sum(I.discount).label("discount"),
            func.sum(
                case(
                    (and_(is_one_of(I.status, UNPAID_STATUSES), I.due_on < today), open_balance),
                    else_=0,
                )
            ).label("overdue"),
        )
        .where(
            I.account_id == account_id,
            among(I.project_id, "ids"),
            is_one_of(I.status, ISSUED_STATUSES),
        )
        .group_by(I.project_id)
        .subquery()
    )
    billed_milestones = (
        select(I.project_id, func.sum(L.amount).label("billed"))
        .join_from(
            Invoice.__table__,  # type: ignore[attr-defined]
            InvoiceLine.__table__,  # type: ignore[attr-defined]
            and_(L.account_id == I.account_id, L.invoice_id == I.id),
        )
        .where(
            I.account_id == account_id,
            among(I.project_id, "ids"),
            is_one_of(I.status, ISSUED_STATUSES),
            L.milestone_id.is_not(None),
        )
        .group_by(I.project_id)
        .subquery()
    )
    statement = (
        select(
            P.id,
            P.currency,
            P.contract_value,
            func.coalesce(scheduled.c.scheduled, 0).label("scheduled"),
            func.coalesce(invoiced.c.invoiced, 0).label("invoiced"),
            func.coalesce(invoiced.c.paid, 0).label("paid"),
            func.coalesce(invoiced.c.discount, 0).label("discount"),
            func.coalesce(invoiced.c.overdue, 0).label("overdue"),
            func.coalesce(billed_milestones.c.billed, 0).label("billed_milestones"),
        )
        .select_from(Project.__table__)  # type: ignore[attr-defined]
        .outerjoin(scheduled, scheduled.c.project_id == P.id)
        .outerjoin(invoiced, invoiced.c.project_id == P.id)
        .outerjoin(billed_milestones, billed_milestones.c.project_id == P.id)
        .where(P.account_id == account_id, among(P.id, "ids"))
    )
    return statement


_BALANCES = PreparedSelect(_balances_statement())

__all__ = ["balances_by_project_ids", "Milestone"]
