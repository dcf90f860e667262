"""The server's PostgreSQL read connections are lent again, and never one that failed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, read_connection
from db.parked_reads import parked_reads, parking_reads


@pytest.fixture
async def pg_engine(postgres_urls: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_urls["api"], pool_size=6)
    yield engine
    await engine.dispose()


async def backend_pid(engine: AsyncEngine) -> int:
    async with read_connection(engine) as connection:
        return int(await connection.scalar(text("SELECT pg_backend_pid()")) or 0)


def checked_out(engine: AsyncEngine) -> int:
    return int(engine.sync_engine.pool.checkedout())  # type: ignore[attr-defined]


async def test_a_read_connection_is_lent_again_and_given_back_at_the_end(
    pg_engine: AsyncEngine,
) -> None:
    async with parking_reads(pg_engine, keep=2):
        first = await backend_pid(pg_engine)
        assert checked_out(pg_engine) == 1  # kept between reads, set up
        assert await backend_pid(pg_engine) == first
    assert checked_out(pg_engine) == 0
    assert parked_reads(pg_engine) is None


async def test_concurrent_reads_each_get_a_connection_and_at_most_keep_stay(
    pg_engine: AsyncEngine,
) -> None:
    async with parking_reads(pg_engine, keep=2):
        release = asyncio.Event()

        async def read() -> int:
            async with read_connection(pg_engine) as connection:
                pid = int(await connection.scalar(text("SELECT pg_backend_pid()")) or 0)
                await release.wait()
                return pid

        readers = [asyncio.create_task(read()) for _ in range(4)]
        await asyncio.sleep(0.2)
        release.set()
        assert len(set(await asyncio.gather(*readers))) == 4
        assert checked_out(pg_engine) == 2
    assert checked_out(pg_engine) == 0


async def test_a_read_that_failed_goes_back_to_the_pool(pg_engine: AsyncEngine) -> None:
    async with parking_reads(pg_engine, keep=2):
        await backend_pid(pg_engine)
        with pytest.raises(ProgrammingError):
            async with read_connection(pg_engine) as connection:
                await connection.execute(text("SELECT no_such_column FROM api_key"))
        assert checked_out(pg_engine) == 0  # returned, so the pool reset it, not parked
        assert await backend_pid(pg_engine) > 0


async def test_a_connection_the_database_ended_is_not_lent_again(pg_engine: AsyncEngine) -> None:
    async with parking_reads(pg_engine, keep=2):
        lost = await backend_pid(pg_engine)
        async with pg_engine.connect() as other:
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})
        await asyncio.sleep(0.2)  # the driver reads the server's goodbye
        assert await backend_pid(pg_engine) not in (0, lost)
    assert checked_out(pg_engine) == 0


async def test_sqlite_keeps_no_connection(tmp_path: object) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/parked.sqlite")
    try:
        async with parking_reads(engine, keep=4):
            assert parked_reads(engine) is None
    finally:
        await engine.dispose()
