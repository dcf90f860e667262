"""How much of each milestone is on invoices (drafts and issued ones, never void ones)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.queries.credits import credited_on_milestone
from db.tables import Invoice
from db.tables.columns import I, L, M
from domain.invoices.rules import NOT_VOID


async def invoiced_amounts(
    *, session: AsyncSession, account_id: str, milestone_ids: Sequence[str]
) -> dict[str, int]:
    """Return each milestone's amount on draft or issued invoices (absent when none)."""
    on_invoices = (
        select(L.milestone_id, func.sum(L.amount).label("invoiced"))
        .join(Invoice, and_(I.account_id == L.account_id, I.id == L.invoice_id))
        .where(
            L.account_id == account_id,
            L.milestone_id.in_(milestone_ids),
            I.status.in_([s.value for s in NOT_VOID]),
        )
        .group_by(L.milestone_id)
    )
    invoiced = {row.milestone_id: int(row.invoiced) for row in await session.execute(on_invoices)}
    # Issued credit note lines naming a milestone take their amount back: it can be invoiced
    # again.
    credited = await session.execute(
        select(M.id, credited_on_milestone(M.id).label("credited")).where(
            M.account_id == account_id, M.id.in_(milestone_ids)
        ),
        {"account_id": account_id},
    )
    for row in credited:
        if int(row.credited):
            invoiced[row.id] = invoiced.get(row.id, 0) - int(row.credited)
    return invoiced


async def uninvoiced_amounts(
    *, session: AsyncSession, account_id: str, milestone_ids: Sequence[str]
) -> dict[str, int]:
    """Return each milestone's amount not yet on a draft or issued invoice."""
    invoiced = await invoiced_amounts(
        session=session, account_id=account_id, milestone_ids=milestone_ids
    )
    amounts = await session.execute(
        select(M.id, M.amount).where(M.account_id == account_id, M.id.in_(milestone_ids))
    )
    return {row.id: int(row.amount) - invoiced.get(row.id, 0) for row in amounts}
