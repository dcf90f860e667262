"""A project's balance, aggregated in SQL for a whole batch of projects in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, and_, bindparam, case, func, null, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.credits import credited_milestones_by_project
from db.queries.keys import among
from db.queries.projects import ACCOUNT, ISSUED_STATUSES
from db.queries.rows import PreparedSelect, is_one_of, select_rows
from db.queries.sums import exact_sum
from db.tables import Invoice, InvoiceLine, Project
from db.tables.columns import I, L, M, P

UNPAID_STATUSES = ("OPEN", "PARTIALLY_PAID")


# The three aggregates a balance is made of; a screen that shows only what was invoiced and
# paid needs one of them, and the statement for it does a third of the work.
SCHEDULED = "scheduled"  # milestone amounts
INVOICED = "invoiced"  # issued invoices: invoiced, paid, discount, overdue
BILLED = "billed"  # milestone lines on issued invoices
ALL_PARTS = frozenset({SCHEDULED, INVOICED, BILLED})


async def balances_by_project_ids(
    connection: AsyncConnection,
    *,
    account_id: str,
    project_ids: Sequence[str],
    today: date,
    parts: frozenset[str] = ALL_PARTS,
) -> list[Any]:
    """Return one row of money figures per project (zeros where nothing exists yet).

    Figures of a part not asked for are NULL.
    """
    parameters = {"account_id": account_id, "ids": project_ids, "today": today}
    return await select_rows(connection, _balances(parts), parameters)


@cache
def _balances(parts: frozenset[str]) -> PreparedSelect:
    if not parts <= ALL_PARTS:
        raise ValueError(f"unknown balance parts: {sorted(parts - ALL_PARTS)}")
    account_id = ACCOUNT
    today = bindparam("today", type_=Date)
    scheduled = (
        select(M.project_id, exact_sum(M.amount).label("scheduled"))
        .where(M.account_id == account_id, among(M.project_id, "ids"))
        .group_by(M.project_id)
        .subquery()
    )
    open_balance = I.total - I.amount_paid - I.credited_amount
    invoiced = (
        select(
            I.project_id,
            exact_sum(I.total).label("invoiced"),
            exact_sum(I.amount_paid).label("paid"),
            exact_sum(I.credited_amount).label("credited"),
            exact_sum(I.discount).label("discount"),
            exact_sum(
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
        select(I.project_id, exact_sum(L.amount).label("billed"))
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

    credited_milestones = credited_milestones_by_project(lambda column: among(column, "ids"))

    def figure(part: str, column: Any, label: str) -> Any:
        return (func.coalesce(column, 0) if part in parts else null()).label(label)

    statement = select(
        P.id,
        P.currency,
        P.contract_value,
        figure(SCHEDULED, scheduled.c.scheduled, "scheduled"),
        figure(INVOICED, invoiced.c.invoiced, "invoiced"),
        figure(INVOICED, invoiced.c.paid, "paid"),
        figure(INVOICED, invoiced.c.credited, "credited"),
        figure(INVOICED, invoiced.c.discount, "discount"),
        figure(INVOICED, invoiced.c.overdue, "overdue"),
        figure(BILLED, billed_milestones.c.billed, "billed_milestones"),
        figure(BILLED, credited_milestones.c.credited, "credited_milestones"),
    ).select_from(Project.__table__)  # type: ignore[attr-defined]
    for part, subquery in (
        (SCHEDULED, scheduled),
        (INVOICED, invoiced),
        (BILLED, billed_milestones),
        (BILLED, credited_milestones),
    ):
        if part in parts:
            statement = statement.outerjoin(subquery, subquery.c.project_id == P.id)
    return PreparedSelect(statement.where(P.account_id == account_id, among(P.id, "ids")))


async def project_totals(connection: Any, *, account_id: str, project_id: str) -> tuple[int, int]:
    """Return a project's scheduled (milestone amounts) and invoiced (non-void invoice
    subtotals, drafts included) sums, exactly."""
    scheduled = select(func.coalesce(exact_sum(M.amount), 0)).where(
        M.account_id == account_id, M.project_id == project_id
    )
    invoiced = select(func.coalesce(exact_sum(I.subtotal), 0)).where(
        I.account_id == account_id, I.project_id == project_id, I.status != "VOID"
    )
    row = (
        await connection.execute(select(scheduled.scalar_subquery(), invoiced.scalar_subquery()))
    ).one()
    return int(row[0]), int(row[1])
