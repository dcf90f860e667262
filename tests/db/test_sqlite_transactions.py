"""SQLite transactions: the write lock taken at the start, nothing left open in the pool."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import create_engine, write_session


async def test_a_transaction_left_open_is_rolled_back_before_the_next_borrower(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/reset.db")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE note (body TEXT)"))

        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            # Behind SQLAlchemy's back, as a cancelled task could leave it.
            await driver.execute("BEGIN IMMEDIATE")
            await driver.execute("INSERT INTO note VALUES ('left open')")
            assert driver.in_transaction

        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert raw.driver_connection is driver, "the pool hands back the same connection"
            assert not driver.in_transaction
            notes = (await connection.execute(text("SELECT count(*) FROM note"))).scalar_one()
            assert notes == 0
    finally:
        await engine.dispose()


async def test_a_write_session_holds_the_write_lock_from_its_start(tmp_path: Path) -> None:
    """Another process's writer cannot begin while a write session is open, even a quiet one."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/lock.db")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE note (body TEXT)"))
        async with write_session(engine):
            other = sqlite3.connect(tmp_path / "lock.db", timeout=0, isolation_level=None)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
    finally:
        await engine.dispose()
