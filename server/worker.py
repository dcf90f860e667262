"""Running the webhook worker: as `milestone-billing worker`, or inside `serve`."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.webhooks.worker import CONCURRENCY, POLL_SECONDS, Worker


async def run_worker(engine: AsyncEngine, clock: Clock) -> None:
    """Deliver webhooks and run the daily pass until cancelled."""
    # WEBHOOK_LEASE_SECONDS: how long a claimed delivery stays with its worker before another
    # may retry it (after a crash); WEBHOOK_CONCURRENCY: attempts in flight at once. Tests
    # change both.
    lease = timedelta(seconds=float(os.environ.get("WEBHOOK_LEASE_SECONDS") or 60))
    poll = float(os.environ.get("WEBHOOK_POLL_SECONDS") or POLL_SECONDS)
    concurrency = int(os.environ.get("WEBHOOK_CONCURRENCY") or CONCURRENCY)
    async with httpx.AsyncClient(follow_redirects=False) as client:
        worker = Worker(
            engine=engine,
            clock=clock,
            client=client,
            lease=lease,
            poll_seconds=poll,
            concurrency=max(1, concurrency),
        )
        await worker.run_forever()


@contextlib.asynccontextmanager
async def worker_running(engine: AsyncEngine, clock: Clock) -> AsyncIterator[None]:
    """Run the worker beside the app while the block runs (the app's lifespan)."""
    task = asyncio.create_task(run_worker(engine, clock), name="webhook-worker")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
