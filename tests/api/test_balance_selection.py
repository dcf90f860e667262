"""A balance computes only the aggregates its selected fields need, and answers the same."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import ON_CITUS_TOO, Api, make_app

pytestmark = ON_CITUS_TOO

FIELDS = [
    "currency",
    "contractValue",
    "scheduledAmount",
    "invoicedAmount",
    "paidAmount",
    "discountAmount",
    "outstandingAmount",
    "overdueAmount",
    "unbilledAmount",
]


async def _post(api: Api, query: str, *, fast: bool) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=make_app(api.engine, api.clock, fast_queries=fast))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {api.read_key}"},
        )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def _balances(api: Api, selection: str, *, fast: bool) -> tuple[list[Any], int]:
    query = f"{{ projects(first: 50) {{ nodes {{ balance {selection} }} }} }}"
    body = await _post(api, query, fast=fast)
    nodes = body["data"]["projects"]["nodes"]
    return [node["balance"] for node in nodes], body["extensions"]["stats"]["sqlStatements"]


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "plain path"])
async def test_each_balance_field_alone_equals_the_whole_balance(demo_api: Api, fast: bool) -> None:
    whole, whole_statements = await _balances(demo_api, "{ " + " ".join(FIELDS) + " }", fast=fast)
    assert any(balance["paidAmount"] != "0.00" for balance in whole)
    for field in FIELDS:
        alone, statements = await _balances(demo_api, f"{{ {field} }}", fast=fast)
        assert alone == [{field: balance[field]} for balance in whole], field
        assert statements == whole_statements, field


async def test_fragments_aliases_and_repeated_fields_ask_for_what_they_name(
    demo_api: Api,
) -> None:
    whole, _ = await _balances(demo_api, "{ " + " ".join(FIELDS) + " }", fast=True)
    selection = "{ due: outstandingAmount ...Planned ... on ProjectBalance { paidAmount } }"
    query = (
        f"{{ projects(first: 50) {{ nodes {{ balance {{ currency }} balance {selection} }} }} }}"
        " fragment Planned on ProjectBalance { unbilledAmount }"
    )
    for fast in (True, False):
        body = await _post(demo_api, query, fast=fast)
        got = [node["balance"] for node in body["data"]["projects"]["nodes"]]
        assert got == [
            {
                "due": balance["outstandingAmount"],
                "unbilledAmount": balance["unbilledAmount"],
                "paidAmount": balance["paidAmount"],
                "currency": balance["currency"],
            }
            for balance in whole
        ]
