"""The `process-due` job: every account's due schedule items, one transaction per account."""

from __future__ import annotations

import logging
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from db.engine import read_connection, write_session
from db.tables import Account
from domain.clock import Clock
from domain.context import Caller, Role
from domain.errors import DomainError
from domain.events import recording_events
from domain.schedules.runner import process_due

logger = logging.getLogger("milestone_billing.process_due")


class AccountRun(NamedTuple):
    """What process-due did for one account: invoices issued, and due items it could not run."""

    account_id: str
    numbers: list[str]
    skipped: list[str]


async def process_due_for_all_accounts(
    *, engine: AsyncEngine, clock: Clock, as_of: date | None = None
) -> list[AccountRun]:
    """Return, per account, the numbers of the invoices issued for items due by `as_of`, and
    a line for each due item that could not run.

    An account whose run is refused (say, an item whose milestone was invoiced by hand) is
    logged and skipped; the other accounts still run.
    """
    day = as_of or clock.today()
    async with read_connection(engine) as connection:
        account_ids = list(await connection.scalars(select(col(Account.id)).order_by(Account.id)))
    results = []
    for account_id in account_ids:
        caller = Caller(account_id=account_id, role=Role.WRITE, clock=clock)
        try:
            async with write_session(engine) as session, recording_events(session, caller):
                invoices, skipped = await process_due(session=session, caller=caller, as_of=day)
                numbers = [invoice.number or invoice.id for invoice in invoices]
                reasons = [f"{item.item_id} ({item.code}): {item.reason}" for item in skipped]
        except DomainError as error:
            logger.warning("process-due refused for %s: %s", account_id, error.message)
            numbers, reasons = [], [f"({error.code.value}): {error.message}"]
        results.append(AccountRun(account_id, numbers, reasons))
    return results
