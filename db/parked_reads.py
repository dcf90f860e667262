"""Read connections the server keeps set up between requests (PostgreSQL).

Taking a connection from SQLAlchemy's pool for a read and giving it back costs greenlet
switches, a Connection object, setting AUTOCOMMIT and resetting it on return: about a quarter
of the CPU of a lookup by id. While the server runs, its engine keeps up to `keep` read
connections checked out and set up, and lends them again; one that failed, or one past
`keep`, goes back to the pool as before. The server gives them all back before it disposes
of the engine. Engines of the CLI, migrations and tests never park anything.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.errors import is_unavailable

Opener = Callable[[AsyncEngine], Awaitable[AsyncConnection]]


class ParkedReads:
    """The idle read connections one engine keeps, at most `keep` of them."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.idle: list[AsyncConnection] = []
        self.parking = True

    @asynccontextmanager
    async def lend(self, engine: AsyncEngine, open_: Opener) -> AsyncIterator[AsyncConnection]:
        """Yield an idle read connection, or a new one from `open_`; park it again after."""
        connection = await self._idle_or_new(engine, open_)
        try:
            yield connection
        except BaseException as error:
            await connection.close()  # the pool resets it, or discards it if it is broken
            if is_unavailable(error):
                await self.give_back()  # its siblings were lost with it, most likely
            raise
        if self.parking and len(self.idle) < self.keep and _usable(connection):
            self.idle.append(connection)
        else:
            await connection.close()

    async def _idle_or_new(self, engine: AsyncEngine, open_: Opener) -> AsyncConnection:
        while self.idle:
            connection = self.idle.pop()
            if _usable(connection):
                return connection
            await connection.close()
        return await open_(engine)

    async def give_back(self) -> None:
        """Return every idle connection to the engine's pool."""
        idle, self.idle = self.idle, []
        for connection in idle:
            await connection.close()


def _usable(connection: AsyncConnection) -> bool:
    """Whether the connection and the driver's connection under it are still open."""
    if connection.closed or connection.invalidated:
        return False
    sync_connection = connection.sync_connection
    driver: Any = sync_connection.connection.driver_connection if sync_connection else None
    return driver is not None and not driver.is_closed()


def parked_share(pool_size: int) -> int:
    """Return how many idle read connections a server with this pool keeps: under half of
    what is left beside the LISTEN connection and one more, so writes and a read's second
    connection always find one (a pool of 2 kept its only free connection parked, and every
    write waited out the pool timeout)."""
    return max(0, (pool_size - 2) // 2)


_PARKED: weakref.WeakKeyDictionary[Any, ParkedReads] = weakref.WeakKeyDictionary()


def parked_reads(engine: AsyncEngine) -> ParkedReads | None:
    """Return the engine's parked read connections, None when it keeps none."""
    return _PARKED.get(engine.sync_engine)


@asynccontextmanager
async def parking_reads(engine: AsyncEngine, *, keep: int) -> AsyncIterator[None]:
    """Keep up to `keep` read connections of a PostgreSQL engine set up while the block runs;
    give them back to its pool at the end."""
    if engine.dialect.name != "postgresql" or keep < 1:
        yield
        return
    parked = _PARKED[engine.sync_engine] = ParkedReads(keep)
    try:
        yield
    finally:
        parked.parking = False
        _PARKED.pop(engine.sync_engine, None)
        await parked.give_back()
