"""Prepared selects run on the driver must read exactly what SQLAlchemy's execute reads."""

from __future__ import annotations

from datetime import date, datetime
from itertools import chain, combinations
from typing import Any

import pytest
from sqlalchemy import select, text, tuple_

from db.engine import read_connection
from db.queries import balances, invoices, payment_writes, payments, projects, rows
from db.queries.rows import PreparedSelect, is_one_of
from db.tables.columns import I
from tests.conftest import Api


def powerset(items: frozenset[str]) -> list[tuple[str, ...]]:
    ordered = sorted(items)
    return list(chain.from_iterable(combinations(ordered, n) for n in range(len(ordered) + 1)))


PREPARED = [
    *(balances._balances(parts) for parts in map(frozenset, powerset(balances.ALL_PARTS))),
    invoices._LINES_BY_INVOICE,
    invoices._INVOICES_BY_MILESTONE,
    *(invoices._invoice_pages(by_status, after) for by_status in (False, True) for after in (0, 1)),
    payments._PAYMENTS_BY_ID,
    payments._ALLOCATIONS_BY_ID,
    payments._ALLOCATIONS_BY_INVOICE,
    payments._ALLOCATIONS_BY_PAYMENT,
    projects._PROJECTS_BY_IDS,
    projects._MILESTONES_BY_PROJECT,
    projects._MILESTONES_BY_IDS,
    projects._project_page(False),
    projects._project_page(True),
    payment_writes.INVOICES_TO_PAY,
]


async def _every_id(api: Api) -> list[str]:
    tables = ("project", "milestone", "invoice", "payment", "allocation")
    async with read_connection(api.engine) as connection:
        ids: list[str] = []
        for table in tables:
            found = await connection.execute(
                text(f"SELECT id FROM {table} WHERE account_id = :a"), {"a": api.account_id}
            )
            ids.extend(found.scalars())
    return ids


async def _first_invoice(api: Api) -> Any:
    async with read_connection(api.engine) as connection:
        found = await connection.execute(
            select(I.created_at, I.id)
            .where(I.account_id == api.account_id)
            .order_by(I.created_at, I.id)
        )
        return found.first()


@pytest.mark.parametrize("prepared", PREPARED, ids=lambda p: str(PREPARED.index(p)))
async def test_prepared_rows_equal_sqlalchemy_rows(demo_api: Api, prepared: PreparedSelect) -> None:
    api = demo_api
    first_invoice = await _first_invoice(api)
    candidates: dict[str, Any] = {
        "account_id": api.account_id,
        "ids": await _every_id(api),
        "today": date(2026, 6, 1),
        "limit": 3,
        "status": "PAID",
        "after_created_at": first_invoice.created_at,
        "after_id": first_invoice.id,
    }
    names = prepared.statement.compile().binds
    parameters = {name: value for name, value in candidates.items() if name in names}

    async with read_connection(api.engine) as connection:
        ours = await prepared.rows(connection, parameters)
        theirs = (await connection.execute(prepared.statement, parameters)).all()

    assert theirs, "the demo data should give every statement some rows"
    columns = list(prepared.statement.selected_columns.keys())
    as_read = [tuple(getattr(row, name) for name in columns) for row in ours]
    as_sqlalchemy_read = [tuple(row) for row in theirs]
    if not prepared.statement._order_by_clauses:
        # Without ORDER BY the database may return rows in any order, and may differ between runs.
        as_read = sorted(as_read, key=repr)
        as_sqlalchemy_read = sorted(as_sqlalchemy_read, key=repr)
    assert as_read == as_sqlalchemy_read
    timestamps = [value for row in as_read for value in row if isinstance(value, datetime)]
    assert all(value.tzinfo is not None for value in timestamps)


def test_constants_only_in_is_one_of() -> None:
    with pytest.raises(ValueError, match="not an enum constant"):
        is_one_of(I.status, ["PAID' OR '1'='1"])


async def test_selects_built_per_call_read_as_sqlalchemy_does_compiled_once_per_shape(
    demo_api: Api,
) -> None:
    """A list's window is built per call with its values in it (a cursor, a search): rows.py
    runs it like a prepared select, compiled once per shape, its own values bound each time."""
    api = demo_api
    first = await _first_invoice(api)

    def window(after: Any, status: str) -> Any:
        return (
            select(I.id, I.number, I.created_at, I.total)
            .where(
                I.account_id == api.account_id,
                I.status != status,
                tuple_(I.created_at, I.id) > tuple_(after.created_at, after.id),
            )
            .order_by(I.created_at, I.id)
            .limit(5)
        )

    async with read_connection(api.engine) as connection:
        later = await rows.select_rows(connection, window(first, "VOID"))
        shapes_before = len(rows._SHAPES)
        for after, status in [(first, "VOID"), (later[1], "PAID"), (later[2], "DRAFT")]:
            statement = window(after, status)
            ours = await rows.select_rows(connection, statement)
            theirs = (await connection.execute(statement)).all()
            assert theirs and [tuple(row) for row in ours] == [tuple(row) for row in theirs]
            assert rows.shaped_select(statement, connection.dialect) is not None
        assert len(rows._SHAPES) == shapes_before  # compiled the first time, reused since
