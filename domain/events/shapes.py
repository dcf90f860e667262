"""An object's event `data`: its stored fields as the API shows them.

camelCase names, money as a decimal string in the currency's exponent, dates and times in
ISO 8601, `attrs` as the JSON object it is. Which table a subject belongs to comes from its
id's prefix (or the row's own table), so a row, a dataclass carrying the same columns, or a
row tuple all work: `record_event("client.created", client)` is all a new mutation needs.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger

from db.tables import (
    Allocation,
    Client,
    CreditApplication,
    CreditNote,
    Invoice,
    InvoiceSchedule,
    InvoiceScheduleItem,
    Milestone,
    Payment,
    Project,
    Refund,
)
from domain.ids import prefix_of
from domain.money import currency_exponent, format_amount

TABLES: dict[str, Any] = {
    "prj": Project,
    "ms": Milestone,
    "inv": Invoice,
    "is": InvoiceSchedule,
    "isi": InvoiceScheduleItem,
    "pay": Payment,
    "item": Allocation,
    "cli": Client,
    "cn": CreditNote,
    "cap": CreditApplication,
    "ref": Refund,
}
# Bookkeeping columns the API never shows.
HIDDEN = {"account_id", "owns_milestone", "position", "search_text"}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def api_shape(subject: Any, *, currency: str | None = None) -> dict[str, Any]:
    """Return the subject's fields as the API shows them (see the module docstring)."""
    # A row of any table shapes itself; a dataclass or row tuple needs its prefix listed.
    table = TABLES.get(prefix_of(subject.id)) or getattr(type(subject), "__table__", None)
    if table is None:
        raise ValueError(f"no event shape for {subject.id!r}: pass the data as a dict")
    columns = getattr(table, "__table__", table).columns
    currency = currency or getattr(subject, "currency", None)
    exponent = currency_exponent(currency) if currency else 0
    data: dict[str, Any] = {}
    for column in columns:
        if column.name in HIDDEN or not hasattr(subject, column.name):
            continue
        value = getattr(subject, column.name)
        if isinstance(column.type, BigInteger) and value is not None:
            value = format_amount(value, exponent)
        data[camel(column.name)] = _plain(column.name, value)
    if table is Invoice:
        data["balanceDue"] = format_amount(_balance_due(subject), exponent)
    if currency and "currency" not in data:
        data["currency"] = currency
    return data


def _balance_due(invoice: Any) -> int:
    """As the API's Invoice.balanceDue: what is neither paid nor credited; 0 once void."""
    if invoice.status == "VOID":
        return 0
    credited = getattr(invoice, "credited_amount", 0) or 0
    return int(invoice.total) - int(invoice.amount_paid) - int(credited)


def _plain(name: str, value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if name == "attrs" and isinstance(value, str):
        return json.loads(value)
    return value
