"""Running the webhook worker: as `milestone-billing worker`, or inside `serve`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.webhooks.worker import Worker


async def run_worker(engine: AsyncEngine, clock: Clock) -> None:
    """Deliver webhooks and run the daily pass until cancelled."""
    async with httpx.AsyncClient(follow_redirects=False) as client:
        await Worker(engine=engine, clock=clock, client=client).run_forever()


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
