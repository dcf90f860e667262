"""invoice.overdue: emitted once per invoice, by the worker's daily pass, when it falls due.

"Once" is kept by the outbox itself: an invoice that already has an `invoice.overdue` event
gets no other, even if it is paid, reversed and falls overdue again.
"""

from __future__ import annotations

import logging

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from db.engine import read_connection, write_session
from db.tables import Account, Invoice
from db.tables.columns import EVT, I
from domain.clock import Clock
from domain.context import Caller, Role
from domain.events.outbox import record_event, recording_events
from domain.invoices.rules import PAYABLE

logger = logging.getLogger("milestone_billing.worker")


async def mark_overdue_for_all_accounts(*, engine: AsyncEngine, clock: Clock) -> int:
    """Return how many invoices were found newly overdue (each gets its one event)."""
    async with read_connection(engine) as connection:
        account_ids = list(await connection.scalars(select(col(Account.id)).order_by(Account.id)))
    marked = 0
    for account_id in account_ids:
        caller = Caller(account_id=account_id, role=Role.WRITE, clock=clock)
        async with write_session(engine) as session, recording_events(session, caller):
            already = exists().where(
                EVT.account_id == I.account_id,
                EVT.object_id == I.id,
                EVT.type == "invoice.overdue",
            )
            invoices = await session.scalars(
                select(Invoice)
                .where(
                    I.account_id == account_id,
                    I.status.in_([str(status) for status in PAYABLE]),
                    I.due_on < clock.today(),
                    ~already,
                )
                .order_by(I.due_on, I.id)
            )
            for invoice in invoices:
                record_event("invoice.overdue", invoice)
                marked += 1
    if marked:
        logger.info("%d invoice(s) became overdue", marked)
    return marked
