"""Prepared writes run on the driver must store exactly what the ORM stores."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from db.engine import read_connection, write_session
from db.queries import payment_writes
from db.tables import Payment
from db.tables.columns import PAY
from tests.conftest import Api
from tests.db.sample_rows import payment_row


async def _stored(api: Api, payment_id: str) -> tuple[Any, ...]:
    """The payment's columns as the database holds them, without any type conversion."""
    async with read_connection(api.engine) as connection:
        found = await connection.execute(
            text(
                "SELECT external_payment, method, reference, received_on, currency, amount, "
                "attrs, created_at FROM payment WHERE account_id = :a AND id = :id"
            ),
            {"a": api.account_id, "id": payment_id},
        )
        row = found.one()
    return tuple(row)


async def test_a_prepared_insert_stores_what_the_orm_stores(api: Api) -> None:
    async with write_session(api.engine) as session:
        session.add(Payment(**payment_row(api, "pay_orm")))
    async with write_session(api.engine) as session:
        connection = await session.connection()
        await payment_writes.INSERT_PAYMENT.execute(connection, payment_row(api, "pay_prepared"))

    assert await _stored(api, "pay_prepared") == await _stored(api, "pay_orm")
    async with write_session(api.engine) as session:
        read = await session.scalars(
            select(Payment).where(PAY.account_id == api.account_id).order_by(PAY.id)
        )
        orm, prepared = read.all()
    assert prepared.model_dump(exclude={"id"}) == orm.model_dump(exclude={"id"})
    assert prepared.created_at == payment_row(api, "x")["created_at"]


async def test_a_prepared_write_is_rolled_back_with_its_transaction(api: Api) -> None:
    class Refused(Exception):
        pass

    try:
        async with write_session(api.engine) as session:
            connection = await session.connection()
            await payment_writes.INSERT_PAYMENT.execute(connection, payment_row(api, "pay_gone"))
            raise Refused
    except Refused:
        pass
    async with read_connection(api.engine) as connection:
        found = await connection.execute(
            select(PAY.id).where(PAY.account_id == api.account_id, PAY.id == "pay_gone")
        )
        assert found.first() is None


async def test_a_prepared_write_breaking_a_constraint_raises_integrity_error(api: Api) -> None:
    with pytest.raises(IntegrityError):
        async with write_session(api.engine) as session:
            connection = await session.connection()
            await payment_writes.INSERT_PAYMENT.execute(connection, payment_row(api, "pay_twice"))
            await payment_writes.INSERT_PAYMENT.execute(connection, payment_row(api, "pay_twice"))
