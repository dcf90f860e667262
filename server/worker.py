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
from domain.webhooks.worker import POLL_SECONDS, Worker


async def run_worker(engine: AsyncEngine, clock: Clock) -> None:
    """Deliver webhooks and run the daily pass until cancelled."""
    # WEBHOOK_LEASE_SECONDS: how long a claimed delivery stays with its worker before another
    # may retry it (after a crash); tests shorten it.
    lease = timedelta(seconds=float(os.environ.get("WEBHOOK_LEASE_SECONDS") or 60))
    poll = float(os.environ.get("WEBHOOK_POLL_SECONDS") or POLL_SECONDS)
    async with httpx.AsyncClient(follow_redirects=False) as client:
        worker = Worker(engine=engine, clock=clock, client=client, lease=lease, poll_seconds=poll)
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
