"""The worker: delivers due webhooks, and once a day runs process-due and marks overdue invoices.

`run_once` does one pass and returns; `run_forever` repeats it. Both take the clock, the
jitter and the HTTP client from the caller, so tests move time instead of waiting.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.schedules.process_all import process_due_for_all_accounts
from domain.webhooks.overdue import mark_overdue_for_all_accounts
from domain.webhooks.queue import LEASE, claim_due, settle
from domain.webhooks.sender import TIMEOUT_SECONDS, send

logger = logging.getLogger("milestone_billing.worker")
POLL_SECONDS = 1.0
BATCH = 20


@dataclass
class Worker:
    engine: AsyncEngine
    clock: Clock
    client: httpx.AsyncClient
    jitter: random.Random = field(default_factory=random.Random)
    daily: bool = True
    timeout: float = TIMEOUT_SECONDS
    lease: timedelta = LEASE
    last_daily: date | None = None
    outcomes: dict[str, int] = field(default_factory=dict)

    async def run_once(self) -> int:
        """Deliver every due attempt (in batches) and run the daily pass if due; return how
        many attempts were made."""
        if self.daily and self.last_daily != self.clock.today():
            await self.daily_pass()
        made = 0
        while claims := await claim_due(
            engine=self.engine, now=self.clock.now(), limit=BATCH, lease=self.lease
        ):
            answers = await asyncio.gather(
                *(send(self.client, claim, seconds=self.timeout) for claim in claims)
            )
            for claim, answer in zip(claims, answers, strict=True):
                status = await settle(
                    engine=self.engine,
                    claim=claim,
                    now=self.clock.now(),
                    status_code=answer.status_code,
                    error=answer.error,
                    jitter=self.jitter,
                )
                self.outcomes[status] = self.outcomes.get(status, 0) + 1
            made += len(claims)
        return made

    async def daily_pass(self) -> None:
        """Issue the invoices due today and emit `invoice.overdue` for those now overdue."""
        await process_due_for_all_accounts(engine=self.engine, clock=self.clock)
        await mark_overdue_for_all_accounts(engine=self.engine, clock=self.clock)
        self.last_daily = self.clock.today()

    async def run_forever(self, *, poll_seconds: float = POLL_SECONDS) -> None:
        """Keep delivering until cancelled; a failing pass is logged and retried."""
        while True:
            try:
                await self.run_once()
            except Exception:
                logger.exception("worker pass failed; retrying")
            await asyncio.sleep(poll_seconds)
