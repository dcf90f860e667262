"""Rows to write in the db tests, with every column set."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.conftest import Api


def payment_row(api: Api, payment_id: str) -> dict[str, Any]:
    """Return a payment table row of the api's account, with every kind of column filled."""
    return {
        "account_id": api.account_id,
        "id": payment_id,
        "external_payment": True,
        "transaction_id": None,
        "method": "WIRE",
        "reference": "cheque 1042",
        "received_on": date(2026, 2, 28),
        "currency": "USD",
        "amount": 123456,
        "attrs": '{"batch": 7}',
        "created_at": datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=UTC),
        "client_id": None,
        "unapplied_amount": 123456,
        "refunded_amount": 0,
        "search_text": "cheque 1042",
    }
