"""The worker: delivers due webhooks, and once a day runs process-due and marks overdue invoices.

`run_once` does one pass and returns; `run_forever` repeats it. Both take the clock, the
jitter and the HTTP client from the caller, so tests move time instead of waiting.

Attempts run side by side, at most `concurrency` at once, each settled as soon as it ends, and
the worker claims more as slots free up: an endpoint that takes its whole deadline to answer
holds one slot, never the deliveries of other endpoints (or accounts). A claim is taken only
for a free slot, so it is sent at once and its lease is spent on the attempt alone.
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
from domain.webhooks.queue import LEASE, Claim, claim_due, settle
from domain.webhooks.sender import TIMEOUT_SECONDS, send

logger = logging.getLogger("milestone_billing.worker")
POLL_SECONDS = 1.0
CONCURRENCY = 32


@dataclass
class Worker:
    engine: AsyncEngine
    clock: Clock
    client: httpx.AsyncClient
    jitter: random.Random = field(default_factory=random.Random)
    daily: bool = True
    timeout: float = TIMEOUT_SECONDS
    lease: timedelta = LEASE
    concurrency: int = CONCURRENCY
    poll_seconds: float = POLL_SECONDS
    last_daily: date | None = None
    outcomes: dict[str, int] = field(default_factory=dict)

    async def run_once(self) -> int:
        """Deliver every due attempt and run the daily pass if due; return how many attempts
        were made. Returns once nothing is due and nothing is in flight."""
        if self.daily and self.last_daily != self.clock.today():
            await self.daily_pass()
        made = 0
        in_flight: set[asyncio.Task[None]] = set()
        try:
            while True:
                room = self.concurrency - len(in_flight)
                claims = await self._claim(room) if room > 0 else []
                in_flight.update(asyncio.create_task(self._deliver(claim)) for claim in claims)
                made += len(claims)
                if not in_flight:
                    return made
                # Wake when a slot frees, or after a poll to claim what fell due meanwhile.
                done, in_flight = await asyncio.wait(
                    in_flight, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    task.result()  # a failed settle ends the pass (run_forever logs it)
        finally:
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)

    async def _claim(self, room: int) -> list[Claim]:
        return await claim_due(
            engine=self.engine, now=self.clock.now(), limit=room, lease=self.lease
        )

    async def _deliver(self, claim: Claim) -> None:
        """Send one attempt and record its outcome."""
        answer = await send(self.client, claim, seconds=self.timeout)
        status = await settle(
            engine=self.engine,
            claim=claim,
            now=self.clock.now(),
            status_code=answer.status_code,
            error=answer.error,
            jitter=self.jitter,
        )
        self.outcomes[status] = self.outcomes.get(status, 0) + 1

    async def daily_pass(self) -> None:
        """Issue the invoices due today and emit `invoice.overdue` for those now overdue."""
        await process_due_for_all_accounts(engine=self.engine, clock=self.clock)
        await mark_overdue_for_all_accounts(engine=self.engine, clock=self.clock)
        self.last_daily = self.clock.today()

    async def run_forever(self) -> None:
        """Keep delivering until cancelled; a failing pass is logged and retried."""
        while True:
            try:
                await self.run_once()
            except Exception:
                logger.exception("worker pass failed; retrying")
            await asyncio.sleep(self.poll_seconds)
