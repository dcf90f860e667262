"""The README's Python client: the `gql` library over HTTPX, reading documents from
operations.graphql. Run: python docs/clients/example_gql.py URL KEY INVOICE_NUMBER."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gql import Client, gql
from gql.transport.httpx import HTTPXTransport

OPERATIONS = gql((Path(__file__).with_name("operations.graphql")).read_text())


def client(url: str, key: str) -> Client:
    """A gql client that checks every operation against the server's schema before sending."""
    transport = HTTPXTransport(url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
    return Client(transport=transport, fetch_schema_from_transport=True)


def amount_due(session: Any, number: str) -> str:
    """Return one line saying what the invoice with this number still owes."""
    result = session.execute(
        OPERATIONS, variable_values={"number": number}, operation_name="InvoiceByNumber"
    )
    invoice = result["invoiceByNumber"]
    if invoice is None:
        return f"{number}: not found"
    # Amounts are exact decimal strings in the currency's minor digits ("1250.00"): no floats.
    owed = f"{invoice['balanceDue']} {invoice['currency']}"
    return f"{invoice['number']} ({invoice['status']}): {owed} due on {invoice['dueOn']}"


def balances(session: Any) -> list[str]:
    """Return one line per project: what is outstanding and what is overdue."""
    result = session.execute(
        OPERATIONS, variable_values={"first": 50}, operation_name="ProjectBalances"
    )
    return [
        f"{p['name']}: {p['balance']['outstandingAmount']} {p['currency']} outstanding, "
        f"{p['balance']['overdueAmount']} overdue"
        for p in result["projects"]["nodes"]
    ]


if __name__ == "__main__":
    url, key, number = sys.argv[1:4]
    with client(url, key) as session:
        print("\n".join(balances(session)))
        print(amount_due(session, number))
