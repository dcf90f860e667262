"""A write transaction of prepared statements: all of it or none of it, on both backends
(on SQLite in one trip to the database's thread)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.engine import is_sqlite, read_connection
from db.queries import payment_writes
from db.statements import Statements, write_in_one_trip
from db.stats import start_counting
from db.tables.columns import PAY
from domain.errors import DomainError, ErrorCode
from tests.conftest import Api
from tests.db.sample_rows import payment_row


async def _payment_ids(api: Api) -> list[str]:
    async with read_connection(api.engine) as connection:
        found = await connection.execute(
            select(PAY.id).where(PAY.account_id == api.account_id).order_by(PAY.id)
        )
        return list(found.scalars())


async def test_the_writes_are_committed_and_the_result_returned(api: Api) -> None:
    async def body(db: Statements) -> str:
        await db.execute((payment_writes.INSERT_PAYMENT, payment_row(api, "pay_a")))
        await db.execute((payment_writes.INSERT_PAYMENT, payment_row(api, "pay_b")))
        return "done"

    assert await write_in_one_trip(api.engine, body) == "done"
    assert await _payment_ids(api) == ["pay_a", "pay_b"]


async def test_an_error_after_a_write_leaves_nothing_written(api: Api) -> None:
    async def body(db: Statements) -> None:
        await db.execute((payment_writes.INSERT_PAYMENT, payment_row(api, "pay_gone")))
        raise DomainError(ErrorCode.INVALID, "amount", "refused after the write")

    with pytest.raises(DomainError):
        await write_in_one_trip(api.engine, body)
    assert await _payment_ids(api) == []

    async def next_body(db: Statements) -> None:
        await db.execute((payment_writes.INSERT_PAYMENT, payment_row(api, "pay_next")))

    await asyncio.wait_for(write_in_one_trip(api.engine, next_body), timeout=5)
    assert await _payment_ids(api) == ["pay_next"]


async def test_a_broken_constraint_is_sqlalchemys_integrity_error(api: Api) -> None:
    async def body(db: Statements) -> None:
        await db.execute(
            (payment_writes.INSERT_PAYMENT, payment_row(api, "pay_twice")),
            (payment_writes.INSERT_PAYMENT, payment_row(api, "pay_twice")),
        )

    with pytest.raises(IntegrityError):
        await write_in_one_trip(api.engine, body)
    assert await _payment_ids(api) == []


async def test_a_body_waiting_on_the_event_loop(api: Api) -> None:
    """On SQLite the body runs on the database's thread and may only wait on its statements."""

    async def body(db: Statements) -> None:
        await db.execute((payment_writes.INSERT_PAYMENT, payment_row(api, "pay_waited")))
        await asyncio.sleep(0)

    if is_sqlite(api.engine):
        with pytest.raises(RuntimeError, match="waited on something other"):
            await write_in_one_trip(api.engine, body)
        assert await _payment_ids(api) == []
    else:
        await write_in_one_trip(api.engine, body)
        assert await _payment_ids(api) == ["pay_waited"]


async def test_its_statements_are_counted_for_the_request(api: Api) -> None:
    async def body(db: Statements) -> None:
        await db.rows(
            payment_writes.TRANSACTION_TAKEN,
            {"account_id": api.account_id, "transaction_id": "txn_x"},
        )
        await db.execute((payment_writes.INSERT_PAYMENT, payment_row(api, "pay_counted")))

    counter = start_counting()
    await write_in_one_trip(api.engine, body)
    # SQLite counts its BEGIN IMMEDIATE and COMMIT too; asyncpg opens and ends its own.
    assert counter.count == (4 if is_sqlite(api.engine) else 2)
