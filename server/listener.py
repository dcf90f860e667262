"""PostgreSQL LISTEN: a commit in any process wakes this process's subscribers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events.outbox import EVENTS_CHANNEL
from resolvers import live


@contextlib.asynccontextmanager
async def listening(engine: AsyncEngine) -> AsyncIterator[None]:
    """Hold a connection that LISTENs for event commits while the block runs (PostgreSQL)."""
    if engine.dialect.name != "postgresql":
        yield
        return

    def on_notify(_connection: Any, _pid: int, _channel: str, account_id: str) -> None:
        live.wake(account_id)

    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.add_listener(EVENTS_CHANNEL, on_notify)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await driver.remove_listener(EVENTS_CHANNEL, on_notify)
