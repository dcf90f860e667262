"""Figures as they stood at the end of a past day: balances and aging (DESIGN.md §7.5).

Every event is dated: an invoice counts from its issuedOn and stops counting once voided; a
payment, an allocation, a credit note, a credit application and a refund count from when they
were recorded (their createdAt, the injectable clock's time) and, for what can be undone, until
they were reversed or voided. "The end of day D" is midnight UTC after it, the clock's days.
Every table is filtered by the account's own value, as Citus needs to route to one shard.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.balances import RELEASED
from db.queries.rows import select_rows
from db.queries.sums import exact_sum
from db.tables import CreditNote, CreditNoteLine, Invoice, InvoiceLine, Project
from db.tables.columns import CA, CN, CNL, PAY, RF, A, I, L, M, P


def end_of(day: date) -> datetime:
    """Return the first instant after `day` (UTC): what was recorded before it counts."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def _in_force(created_at: Any, undone_at: Any, cutoff: datetime) -> Any:
    """Recorded by the cutoff and not undone (reversed, voided) by then."""
    return and_(created_at < cutoff, or_(undone_at.is_(None), undone_at >= cutoff))


def _per_invoice(account_id: str, cutoff: datetime) -> tuple[Any, Any]:
    """Per invoice, what allocations had paid and credit applications had credited by then."""
    paid = (
        select(A.invoice_id, exact_sum(A.amount).label("paid"))
        .where(A.account_id == account_id, _in_force(A.created_at, A.reversed_at, cutoff))
        .group_by(A.invoice_id)
        .subquery()
    )
    credited = (
        select(CA.invoice_id, exact_sum(CA.amount).label("credited"))
        .where(CA.account_id == account_id, _in_force(CA.created_at, CA.reversed_at, cutoff))
        .group_by(CA.invoice_id)
        .subquery()
    )
    return paid, credited


def invoices_as_of(account_id: str, day: date, *conditions: Any) -> Any:
    """The invoices issued by the end of `day` and not void by then, with their client and
    what was paid and credited on them by then (a subquery)."""
    cutoff = end_of(day)
    paid, credited = _per_invoice(account_id, cutoff)
    return (
        select(
            I.id,
            I.project_id,
            P.client_id,
            I.currency,
            I.total,
            I.discount,
            I.retainage_amount,
            RELEASED.label("released"),
            I.due_on,
            func.coalesce(paid.c.paid, 0).label("paid"),
            func.coalesce(credited.c.credited, 0).label("credited"),
        )
        .select_from(Invoice.__table__)  # type: ignore[attr-defined]
        .join(
            Project.__table__,  # type: ignore[attr-defined]
            and_(P.account_id == I.account_id, P.id == I.project_id),
        )
        .outerjoin(paid, paid.c.invoice_id == I.id)
        .outerjoin(credited, credited.c.invoice_id == I.id)
        .where(
            I.account_id == account_id,
            P.account_id == account_id,
            I.issued_on <= day,
            or_(I.voided_at.is_(None), I.voided_at >= cutoff),
            *conditions,
        )
        .subquery()
    )


def open_amount(invoices: Any) -> Any:
    return invoices.c.total - invoices.c.paid - invoices.c.credited


def _invoice_sums(invoices: Any, day: date) -> tuple[Any, ...]:
    overdue = case((invoices.c.due_on < day, open_amount(invoices)), else_=0)
    return (
        exact_sum(invoices.c.total).label("invoiced"),
        exact_sum(invoices.c.paid).label("paid"),
        exact_sum(invoices.c.credited).label("credited"),
        exact_sum(invoices.c.discount).label("discount"),
        exact_sum(overdue).label("overdue"),
        exact_sum(invoices.c.retainage_amount).label("withheld"),
        exact_sum(invoices.c.released).label("released"),
    )


async def project_balances_as_of(
    connection: AsyncConnection, *, account_id: str, project_ids: Sequence[str], day: date
) -> list[Any]:
    """Return one balance row per project as of the end of `day` (the labels of
    db/queries/balances.py, so BalanceView reads both)."""
    cutoff = end_of(day)
    invoices = invoices_as_of(account_id, day, I.project_id.in_(project_ids))
    figures = (
        select(invoices.c.project_id, *_invoice_sums(invoices, day))
        .group_by(invoices.c.project_id)
        .subquery()
    )
    scheduled = (
        select(M.project_id, exact_sum(M.amount).label("scheduled"))
        .where(M.account_id == account_id, M.project_id.in_(project_ids), M.created_at < cutoff)
        .group_by(M.project_id)
        .subquery()
    )
    billed = (
        select(invoices.c.project_id, exact_sum(L.amount).label("billed"))
        .join_from(
            invoices,
            InvoiceLine.__table__,  # type: ignore[attr-defined]
            and_(L.account_id == account_id, L.invoice_id == invoices.c.id),
        )
        .where(L.milestone_id.is_not(None))
        .group_by(invoices.c.project_id)
        .subquery()
    )
    credited_milestones = (
        select(I.project_id, exact_sum(CNL.amount).label("credited"))
        .join_from(
            CreditNoteLine.__table__,  # type: ignore[attr-defined]
            CreditNote.__table__,  # type: ignore[attr-defined]
            and_(CN.account_id == CNL.account_id, CN.id == CNL.credit_note_id),
        )
        .join(
            Invoice.__table__,  # type: ignore[attr-defined]
            and_(I.account_id == CN.account_id, I.id == CN.invoice_id),
        )
        .where(
            CNL.account_id == account_id,
            I.project_id.in_(project_ids),
            CNL.milestone_id.is_not(None),
            _in_force(CN.created_at, CN.voided_at, cutoff),
        )
        .group_by(I.project_id)
        .subquery()
    )

    def figure(column: Any, label: str) -> Any:
        return func.coalesce(column, 0).label(label)

    statement = (
        select(
            P.id,
            P.currency,
            P.contract_value,
            figure(scheduled.c.scheduled, "scheduled"),
            *(figure(figures.c[name], name) for name in _INVOICE_FIGURES),
            figure(billed.c.billed, "billed_milestones"),
            figure(credited_milestones.c.credited, "credited_milestones"),
        )
        .outerjoin(scheduled, scheduled.c.project_id == P.id)
        .outerjoin(figures, figures.c.project_id == P.id)
        .outerjoin(billed, billed.c.project_id == P.id)
        .outerjoin(credited_milestones, credited_milestones.c.project_id == P.id)
        .where(P.account_id == account_id, P.id.in_(project_ids))
    )
    return await select_rows(connection, statement)


_INVOICE_FIGURES = ("invoiced", "paid", "credited", "discount", "overdue", "withheld", "released")


async def client_figures_as_of(
    connection: AsyncConnection, *, account_id: str, client_ids: Sequence[str], day: date
) -> tuple[list[Any], list[Any], list[Any]]:
    """Return per (client, currency) the invoices', payments' and credit notes' figures as of
    the end of `day`, shaped as db/queries/clients.balances_by_client_ids returns them now."""
    cutoff = end_of(day)
    invoices = invoices_as_of(account_id, day, P.client_id.in_(client_ids))
    invoice_rows = await select_rows(
        connection,
        select(invoices.c.client_id, invoices.c.currency, *_invoice_sums(invoices, day)).group_by(
            invoices.c.client_id, invoices.c.currency
        ),
    )
    common: dict[str, Any] = {
        "account_id": account_id,
        "client_ids": client_ids,
        "cutoff": cutoff,
    }
    applied = _applied(A, A.payment_id, account_id, cutoff, A.reversed_at)
    refunded = _refunded(RF.payment_id, account_id, cutoff)
    payment_rows = await select_rows(
        connection,
        _money_left(PAY, applied=applied, refunded=refunded, **common),
    )
    credit_applied = _applied(CA, CA.credit_note_id, account_id, cutoff, CA.reversed_at)
    note_refunds = _refunded(RF.credit_note_id, account_id, cutoff)
    note_rows = await select_rows(
        connection,
        _money_left(
            CN, applied=credit_applied, refunded=note_refunds, voided_at=CN.voided_at, **common
        ),
    )
    return invoice_rows, payment_rows, note_rows


def _applied(table: Any, owner: Any, account_id: str, cutoff: datetime, undone: Any) -> Any:
    return (
        select(owner.label("owner"), exact_sum(table.amount).label("applied"))
        .where(table.account_id == account_id, _in_force(table.created_at, undone, cutoff))
        .group_by(owner)
        .subquery()
    )


def _refunded(owner: Any, account_id: str, cutoff: datetime) -> Any:
    return (
        select(owner.label("owner"), exact_sum(RF.amount).label("refunded"))
        .where(RF.account_id == account_id, owner.is_not(None), RF.created_at < cutoff)
        .group_by(owner)
        .subquery()
    )


def _money_left(
    table: Any,
    *,
    applied: Any,
    refunded: Any,
    account_id: str,
    client_ids: Sequence[str],
    cutoff: datetime,
    voided_at: Any = None,
) -> Any:
    """Per (client, currency): received (or credited), what was left unapplied, refunded."""
    in_force = (
        table.created_at < cutoff
        if voided_at is None
        else _in_force(table.created_at, voided_at, cutoff)
    )
    used = func.coalesce(applied.c.applied, 0)
    paid_back = func.coalesce(refunded.c.refunded, 0)
    return (
        select(
            table.client_id,
            table.currency,
            exact_sum(table.amount).label("received"),
            exact_sum(table.amount - used - paid_back).label("unapplied"),
            exact_sum(paid_back).label("refunded"),
        )
        .outerjoin(applied, applied.c.owner == table.id)
        .outerjoin(refunded, refunded.c.owner == table.id)
        .where(table.account_id == account_id, table.client_id.in_(client_ids), in_force)
        .group_by(table.client_id, table.currency)
    )
