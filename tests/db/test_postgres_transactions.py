"""PostgreSQL transactions opened on asyncpg itself (db/statements.py) never outlive their
owner in the pool."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import column, table, text
from sqlalchemy import insert as sa_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from db.queries.rows import PreparedWrite
from db.statements import Statements, write_in_one_trip


@pytest.fixture
async def engine(postgres_urls: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    """An engine with a pool of one connection and an empty `note` table."""
    engine = create_engine(postgres_urls["api"], pool_size=1)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS note (body TEXT)"))
        await connection.execute(text("DELETE FROM note"))
    yield engine
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE IF EXISTS note"))
    await engine.dispose()


async def notes(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM note"))).scalar_one())


async def test_a_transaction_left_open_on_asyncpg_is_rolled_back_before_the_next_borrower(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        # Behind SQLAlchemy's back, as a write cancelled mid-transaction could leave it.
        await driver.execute("BEGIN")
        await driver.execute("INSERT INTO note VALUES ('left open')")
        assert driver.is_in_transaction()

    async with engine.connect() as connection:
        again = (await connection.get_raw_connection()).driver_connection
        assert again is driver, "the pool hands back the same connection"
        assert not driver.is_in_transaction()
    assert await notes(engine) == 0


async def test_a_cancelled_write_leaves_nothing_written_and_the_pool_usable(
    engine: AsyncEngine,
) -> None:
    in_transaction = asyncio.Event()
    insert = PreparedWrite(sa_insert(table("note", column("body"))).values(body="never"))

    async def body(db: Statements) -> None:
        await db.execute((insert, {}))
        in_transaction.set()
        await asyncio.sleep(30)

    task = asyncio.ensure_future(write_in_one_trip(engine, body))
    await asyncio.wait(
        [task, asyncio.ensure_future(in_transaction.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    assert in_transaction.is_set(), task.exception()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert await notes(engine) == 0
