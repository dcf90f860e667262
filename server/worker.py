"""Running the webhook worker: as `milestone-billing worker`, or inside `serve`.

The delivery code (httpx, standardwebhooks and the worker, about 0.1 s to import plus a TLS
context) is imported when the worker starts, not with the app: inside `serve` the worker
starts one poll interval after the app, so none of it delays the first answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock

DEFAULT_POLL_SECONDS = 1.0  # domain.webhooks.worker.POLL_SECONDS, without importing it


def poll_seconds() -> float:
    """How often an idle worker looks for due deliveries (WEBHOOK_POLL_SECONDS)."""
    return float(os.environ.get("WEBHOOK_POLL_SECONDS") or DEFAULT_POLL_SECONDS)


async def run_worker(engine: AsyncEngine, clock: Clock) -> None:
    """Deliver webhooks and run the daily pass until cancelled."""
    import httpx

    from domain.webhooks.worker import CONCURRENCY, Worker

    # WEBHOOK_LEASE_SECONDS: how long a claimed delivery stays with its worker before another
    # may retry it (after a crash); WEBHOOK_CONCURRENCY: attempts in flight at once. Tests
    # change both.
    lease = timedelta(seconds=float(os.environ.get("WEBHOOK_LEASE_SECONDS") or 60))
    concurrency = int(os.environ.get("WEBHOOK_CONCURRENCY") or CONCURRENCY)
    async with httpx.AsyncClient(follow_redirects=False) as client:
        worker = Worker(
            engine=engine,
            clock=clock,
            client=client,
            lease=lease,
            poll_seconds=poll_seconds(),
            concurrency=max(1, concurrency),
        )
        await worker.run_forever()


async def _run_worker_later(engine: AsyncEngine, clock: Clock) -> None:
    await asyncio.sleep(poll_seconds())  # as if its first look found nothing due
    await run_worker(engine, clock)


@contextlib.asynccontextmanager
async def worker_running(engine: AsyncEngine, clock: Clock) -> AsyncIterator[None]:
    """Run the worker beside the app while the block runs (the app's lifespan)."""
    task = asyncio.create_task(_run_worker_later(engine, clock), name="webhook-worker")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
