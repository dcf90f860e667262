"""Alembic migrations match the tables, apply to empty databases and roll back; SQLite pragmas.

Alembic's env.py runs its own event loop, so the tests that upgrade or downgrade are plain
(synchronous) tests and use asyncio.run for the async checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import BigInteger, Float, Numeric, bindparam, inspect, text
from sqlalchemy.engine import Connection

import db.tables
from db.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine
from db.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from db.tables._columns import DateColumn, UTCDateTime

MONEY_COLUMNS = {
    "amount",
    "total",
    "subtotal",
    "discount",
    "amount_paid",
    "contract_value",
    "total_amount",
    "line_amount",
}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    found = list(compare_metadata(context, db.tables.metadata))
    # PostgreSQL reflects an expression index in its own spelling, so Alembic reports it as
    # removed and added again; an index present on both sides under one name is the same one.
    removed = {d[1].name for d in found if isinstance(d, tuple) and d[0] == "remove_index"}
    added = {d[1].name for d in found if isinstance(d, tuple) and d[0] == "add_index"}
    respelled = removed & added
    return [
        d
        for d in found
        if not (
            isinstance(d, tuple)
            and d[0] in ("remove_index", "add_index")
            and d[1].name in respelled
        )
    ]


async def schema_differences(database_url: str) -> list[Any]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_differences)
    finally:
        await engine.dispose()


async def revision_of(database_url: str) -> str | None:
    engine = create_engine(database_url)
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def table_names(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_table_names)
    finally:
        await engine.dispose()


def test_there_is_exactly_one_head() -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import MIGRATIONS_DIR

    assert len(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()) == 1
    assert head_revision() is not None


def test_migrated_database_matches_the_table_definitions(database_url: str) -> None:
    assert asyncio.run(schema_differences(database_url)) == []
    assert asyncio.run(revision_of(database_url)) == head_revision()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables: a new SQLite file, or PostgreSQL's scratch database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/fresh.db"
        return
    url = request.getfixturevalue("postgres_urls")["scratch"]
    command.downgrade(alembic_config(url), "base")  # whatever an earlier test left
    assert asyncio.run(table_names(url)) <= {"alembic_version"}
    yield url
    command.downgrade(alembic_config(url), "base")


def test_an_empty_database_upgrades_to_head_and_back(empty_database_url: str) -> None:
    url = empty_database_url
    assert asyncio.run(revision_of(url)) is None

    upgrade_to_head(url)
    assert asyncio.run(revision_of(url)) == head_revision()
    expected = {table.name for table in db.tables.metadata.sorted_tables}
    assert expected <= asyncio.run(table_names(url))
    assert asyncio.run(schema_differences(url)) == []

    upgrade_to_head(url)  # applying it again changes nothing
    assert asyncio.run(revision_of(url)) == head_revision()

    command.downgrade(alembic_config(url), "base")
    assert asyncio.run(revision_of(url)) is None
    assert asyncio.run(table_names(url)) <= {"alembic_version"}

    upgrade_to_head(url)
    assert asyncio.run(revision_of(url)) == head_revision()
    assert asyncio.run(schema_differences(url)) == []


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/nested/folder/wal.db")
    try:
        async with engine.connect() as connection:
            journal_mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
            busy_timeout = (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one()
            foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
    finally:
        await engine.dispose()
    assert str(journal_mode).lower() == "wal"
    assert int(busy_timeout) > 0
    assert int(busy_timeout) == SQLITE_BUSY_TIMEOUT_MS
    assert int(foreign_keys) == 1
    assert (tmp_path / "nested" / "folder" / "wal.db").exists()


def test_money_columns_are_bigint_in_the_table_definitions() -> None:
    found = []
    for table in db.tables.metadata.sorted_tables:
        for column in table.columns:
            assert not isinstance(column.type, Float | Numeric), (
                f"{table.name}.{column.name} is {column.type!r}: money must be BIGINT minor units"
            )
            if column.name in MONEY_COLUMNS:
                found.append(f"{table.name}.{column.name}")
                assert isinstance(column.type, BigInteger), (
                    f"{table.name}.{column.name} is {column.type!r}, not BIGINT"
                )
    # The check above must have something to check: the known money columns are there.
    for expected in (
        "project.contract_value",
        "milestone.amount",
        "invoice.total",
        "invoice.subtotal",
        "invoice.discount",
        "invoice.amount_paid",
        "invoice_line.amount",
        "payment.amount",
        "allocation.amount",
        "invoice_schedule.total_amount",
        "invoice_schedule_item.amount",
        "milestone_distribution.line_amount",
    ):
        assert expected in found, expected


def _money_column_types(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    return {
        f"{table}.{column['name']}": column["type"]
        for table in inspector.get_table_names()
        for column in inspector.get_columns(table)
        if column["name"] in MONEY_COLUMNS
    }


async def test_money_columns_are_bigint_in_the_migrated_database(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            types = await connection.run_sync(_money_column_types)
    finally:
        await engine.dispose()
    assert "invoice.total" in types and "milestone.amount" in types
    wrong = {
        name: repr(type_) for name, type_ in types.items() if not isinstance(type_, BigInteger)
    }
    assert wrong == {}


def _at(hour: int, *, day: int = 1) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def typed(sql: str) -> Any:
    """A raw statement whose timestamps and dates are stored as the tables store them."""
    statement = text(sql)
    types = {"t": UTCDateTime(), "day": DateColumn()}
    return statement.bindparams(
        *(bindparam(name, type_=type_) for name, type_ in types.items() if f":{name}" in sql)
    )


ALLOCATIONS_BEFORE_0002 = [
    # (allocation id, payment id, invoice id, created_at): ids out of creation order on purpose
    ("item_c", "pay_1", "inv_1", _at(10)),
    ("item_a", "pay_1", "inv_2", _at(10)),
    ("item_b", "pay_1", "inv_3", _at(9)),
    ("item_z", "pay_2", "inv_1", _at(10, day=2)),
]


async def _seed_before_0002(url: str) -> None:
    engine = create_engine(url)
    stamp = _at(8)
    try:
        async with engine.begin() as connection:
            run = connection.execute
            await run(
                typed("INSERT INTO account (id, name, created_at) VALUES ('acct_m', 'M', :t)"),
                {"t": stamp},
            )
            await run(
                typed(
                    "INSERT INTO project (account_id, id, name, client_name, currency, "
                    "payment_terms_days, created_at) VALUES ('acct_m', 'prj_m', 'P', 'C', 'USD', "
                    "14, :t)"
                ),
                {"t": stamp},
            )
            for invoice_id in ("inv_1", "inv_2", "inv_3"):
                await run(
                    typed(
                        "INSERT INTO invoice (account_id, id, project_id, status, currency, "
                        "subtotal, discount, total, amount_paid, created_at) VALUES ('acct_m', "
                        ":id, 'prj_m', 'OPEN', 'USD', 1000, 0, 1000, 0, :t)"
                    ),
                    {"id": invoice_id, "t": stamp},
                )
            for payment_id in ("pay_1", "pay_2"):
                await run(
                    typed(
                        "INSERT INTO payment (account_id, id, external_payment, method, "
                        "received_on, currency, amount, created_at) VALUES ('acct_m', :id, "
                        ":external, 'CASH', :day, 'USD', 3, :t)"
                    ),
                    {"id": payment_id, "external": True, "day": date(2026, 3, 1), "t": stamp},
                )
            for item_id, payment_id, invoice_id, created in ALLOCATIONS_BEFORE_0002:
                await run(
                    typed(
                        "INSERT INTO allocation (account_id, id, payment_id, invoice_id, amount, "
                        "created_at, modified_at) VALUES ('acct_m', :id, :pay, :inv, 1, :t, :t)"
                    ),
                    {"id": item_id, "pay": payment_id, "inv": invoice_id, "t": created},
                )
    finally:
        await engine.dispose()


async def _positions(url: str) -> list[tuple[str, str, int]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT payment_id, id, position FROM allocation ORDER BY payment_id, id")
            )
            return [(row[0], row[1], row[2]) for row in rows]
    finally:
        await engine.dispose()


def test_0002_numbers_existing_allocations_in_their_old_order(empty_database_url: str) -> None:
    url = empty_database_url
    command.upgrade(alembic_config(url), "0001")
    asyncio.run(_seed_before_0002(url))
    upgrade_to_head(url)
    # Oldest first, then by id within one payment: what the API listed before the column.
    assert asyncio.run(_positions(url)) == [
        ("pay_1", "item_a", 2),
        ("pay_1", "item_b", 1),
        ("pay_1", "item_c", 3),
        ("pay_2", "item_z", 1),
    ]
    assert asyncio.run(schema_differences(url)) == []
    command.downgrade(alembic_config(url), "0001")
    assert asyncio.run(revision_of(url)) == "0001"


async def _seed_before_0003(url: str) -> None:
    """Two accounts; account m has two projects of "Acme", one of "Beta"; payments of Acme,
    one of them with a reversed allocation, and one of Beta."""
    engine = create_engine(url)
    stamp = _at(8)
    try:
        async with engine.begin() as connection:
            run = connection.execute
            for account in ("acct_m", "acct_n"):
                await run(
                    typed("INSERT INTO account (id, name, created_at) VALUES (:a, 'M', :t)"),
                    {"a": account, "t": stamp},
                )
            projects = [
                ("acct_m", "prj_1", "Acme", _at(9)),
                ("acct_m", "prj_2", "Acme", _at(8)),
                ("acct_m", "prj_3", "Beta", _at(10)),
                ("acct_n", "prj_4", "Acme", _at(11)),
            ]
            for account, project, client, created in projects:
                await run(
                    typed(
                        "INSERT INTO project (account_id, id, name, client_name, currency, "
                        "payment_terms_days, created_at) VALUES (:a, :p, 'P', :c, 'USD', 14, :t)"
                    ),
                    {"a": account, "p": project, "c": client, "t": created},
                )
            for invoice, project in (("inv_1", "prj_1"), ("inv_2", "prj_2"), ("inv_3", "prj_3")):
                await run(
                    typed(
                        "INSERT INTO invoice (account_id, id, project_id, status, currency, "
                        "subtotal, discount, total, amount_paid, created_at) VALUES ('acct_m', "
                        ":id, :p, 'PARTIALLY_PAID', 'USD', 1000, 0, 1000, 300, :t)"
                    ),
                    {"id": invoice, "p": project, "t": stamp},
                )
            for payment, amount in (("pay_1", 500), ("pay_2", 300)):
                await run(
                    typed(
                        "INSERT INTO payment (account_id, id, external_payment, method, "
                        "received_on, currency, amount, created_at) VALUES ('acct_m', :id, "
                        ":external, 'CASH', :day, 'USD', :amount, :t)"
                    ),
                    {
                        "id": payment,
                        "external": True,
                        "day": date(2026, 3, 1),
                        "t": stamp,
                        "amount": amount,
                    },
                )
            allocations = [
                # (id, payment, invoice, position, amount, reversed)
                ("item_1", "pay_1", "inv_2", 1, 300, False),
                ("item_2", "pay_1", "inv_1", 2, 200, True),
                ("item_3", "pay_2", "inv_3", 1, 300, False),
            ]
            for item, payment, invoice, position, amount, reversed_ in allocations:
                await run(
                    typed(
                        "INSERT INTO allocation (account_id, id, payment_id, invoice_id, "
                        "position, amount, reversed_at, created_at, modified_at) VALUES "
                        "('acct_m', :id, :pay, :inv, :pos, :amount, :r, :t, :t)"
                    ),
                    {
                        "id": item,
                        "pay": payment,
                        "inv": invoice,
                        "pos": position,
                        "amount": amount,
                        "r": stamp if reversed_ else None,
                        "t": stamp,
                    },
                )
    finally:
        await engine.dispose()


async def _clients_after_0003(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            clients = {
                row.id: (row.account_id, row.name, row.email)
                for row in await connection.execute(
                    text("SELECT account_id, id, name, email FROM client")
                )
            }
            projects = {
                row.id: (row.client_name, clients[row.client_id][1], clients[row.client_id][0])
                for row in await connection.execute(
                    text("SELECT id, client_id, client_name FROM project")
                )
            }
            payments = {
                row.id: (
                    clients[row.client_id][1],
                    row.amount,
                    row.unapplied_amount,
                    row.refunded_amount,
                )
                for row in await connection.execute(
                    text(
                        "SELECT id, client_id, amount, unapplied_amount, refunded_amount "
                        "FROM payment"
                    )
                )
            }
    finally:
        await engine.dispose()
    return {"clients": sorted(clients.values()), "projects": projects, "payments": payments}


def test_0003_makes_one_client_per_account_and_name_and_links_projects_and_payments(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    command.upgrade(alembic_config(url), "0002")
    asyncio.run(_seed_before_0003(url))
    upgrade_to_head(url)
    found = asyncio.run(_clients_after_0003(url))
    assert found["clients"] == [
        ("acct_m", "Acme", None),
        ("acct_m", "Beta", None),
        ("acct_n", "Acme", None),
    ]
    # Every project keeps its clientName and belongs to that name's client of its account.
    assert found["projects"] == {
        "prj_1": ("Acme", "Acme", "acct_m"),
        "prj_2": ("Acme", "Acme", "acct_m"),
        "prj_3": ("Beta", "Beta", "acct_m"),
        "prj_4": ("Acme", "Acme", "acct_n"),
    }
    # A payment's client is its invoices'; a reversed allocation's money is unapplied.
    assert found["payments"] == {
        "pay_1": ("Acme", 500, 200, 0),
        "pay_2": ("Beta", 300, 0, 0),
    }
    assert asyncio.run(schema_differences(url)) == []
    command.downgrade(alembic_config(url), "0002")
    assert asyncio.run(revision_of(url)) == "0002"
    assert "client" not in asyncio.run(table_names(url))
