"""Logs (issue 12 item 7): a database error is logged with its statement, never its values."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from server.logs import JsonFormatter
from tests.api.billing_helpers import create_project
from tests.api.test_payments import RECORD_EXTERNAL_PAYMENT, alloc, free_invoice
from tests.conftest import Api

SECRET = "attrs-secret-4f1c9e"  # a customer's value that must never reach a log

REJECT_ON_SQLITE = (
    "CREATE TRIGGER reject_log_probe BEFORE INSERT ON payment "
    f"WHEN NEW.attrs LIKE '%{SECRET}%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
)
# PostgreSQL's DETAIL for a CHECK violation quotes the whole row: "Failing row contains (...)".
REJECT_ON_POSTGRESQL = (
    "ALTER TABLE payment ADD CONSTRAINT reject_log_probe "
    f"CHECK (attrs IS NULL OR attrs NOT LIKE '%{SECRET}%') NOT VALID"
)


@pytest.fixture
async def payments_with_the_secret_fail(api: Api) -> AsyncIterator[None]:
    """Make the database itself refuse a payment whose attrs carry SECRET."""
    sqlite = api.engine.dialect.name == "sqlite"
    async with api.engine.begin() as db:
        await db.execute(text(REJECT_ON_SQLITE if sqlite else REJECT_ON_POSTGRESQL))
    yield
    async with api.engine.begin() as db:
        if sqlite:
            await db.execute(text("DROP TRIGGER reject_log_probe"))
        else:
            await db.execute(text("ALTER TABLE payment DROP CONSTRAINT reject_log_probe"))


async def test_a_database_error_logs_the_statement_and_no_values(
    api: Api, payments_with_the_secret_fail: None, caplog: pytest.LogCaptureFixture
) -> None:
    invoice_id = await free_invoice(api, await create_project(api))
    caplog.set_level(logging.INFO)  # what `serve` emits, at its most verbose LOG_LEVEL too

    response = await api.post(
        RECORD_EXTERNAL_PAYMENT,
        {
            "input": {
                "method": "WIRE",
                "reference": "wire-77",
                "allocations": [alloc(invoice_id, "10.00")],
                "attrs": {"note": SECRET},
            }
        },
    )

    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL"  # unexpected: masked and logged
    records = [r for r in caplog.records if r.exc_info]
    assert records, "the database error was not logged"
    as_json = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    for logged in (caplog.text, as_json):
        assert "INSERT INTO payment" in logged  # the statement is there...
        assert SECRET not in logged  # ...its values are not
        assert "wire-77" not in logged
        assert "Failing row" not in logged
    assert error["extensions"]["requestId"] in as_json
