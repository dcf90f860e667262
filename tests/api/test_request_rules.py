"""The GraphQL-over-HTTP rules and input formats hostile or careless clients test: one
operation or an operationName, node(id:) for every Node type, ISO dates in a sane range."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.credit_helpers import credit, line, try_refund_note
from tests.conftest import Api


async def test_several_operations_need_an_operation_name(api: Api) -> None:
    document = "query A { projects { totalCount } } mutation B { __typename }"
    for name, status in ((None, 200), ("C", 400)):  # no name; a name it does not have
        response = await api.client.post(
            "/graphql",
            json={"query": document, "operationName": name},
            headers={"Authorization": f"Bearer {api.write_key}"},
        )
        assert response.status_code == status
        body = response.json()
        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    named = await api.client.post(
        "/graphql",
        json={"query": document, "operationName": "A"},
        headers={"Authorization": f"Bearer {api.write_key}"},
    )
    assert named.json()["data"] == {"projects": {"totalCount": 0}}


NODE_TYPES = '{ __type(name: "Node") { possibleTypes { name } } }'
IDS_OF_EVERY_TYPE = """
{ projects(first: 10) { nodes { id client { id } milestones { id scheduleItem { id } }
    invoiceSchedules { id items { id } }
    invoices(first: 10) { nodes { id status total lines { id } allocations { id payment { id } }
        creditNotes { id refunds { id } } } } } } }
"""


async def add_credit_note_and_refund(api: Api, ids_of_every_type: dict[str, Any]) -> None:
    """The demo data has no credit: credit a paid invoice in full, and refund that credit."""
    invoices = [
        invoice
        for project in ids_of_every_type["projects"]["nodes"]
        for invoice in project["invoices"]["nodes"]
        if invoice["status"] == "PAID" and not invoice["creditNotes"]  # all of it creditable
    ]
    note = await credit(api, invoices[0]["id"], line(invoices[0]["total"]))
    refunded = await try_refund_note(api, note["id"], invoices[0]["total"])
    assert refunded["userErrors"] == [], refunded


async def test_node_answers_for_every_type_that_implements_node(demo_api: Api) -> None:
    api = demo_api
    possible = {t["name"] for t in (await api.gql(NODE_TYPES))["__type"]["possibleTypes"]}
    ids: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            ids.update(v for k, v in value.items() if k == "id" and isinstance(v, str))
            for child in value.values():
                collect(child)
        elif isinstance(value, list):
            for child in value:
                collect(child)

    await add_credit_note_and_refund(api, await api.gql(IDS_OF_EVERY_TYPE))
    collect(await api.gql(IDS_OF_EVERY_TYPE))
    found: dict[str, str] = {}
    for id_ in sorted(ids):
        node = await api.gql("query($id: ID!) { node(id: $id) { __typename id } }", {"id": id_})
        assert node["node"] is not None and node["node"]["id"] == id_, id_
        found[node["node"]["__typename"]] = id_
    assert set(found) == possible
    assert "InvoiceLine" in found  # lin_ ids (DESIGN section 3) answered null before


PROCESS_DUE_ON = (
    "mutation { processDueInvoiceSchedules(input: {asOf: $d}) { userErrors { code } } }"
)


@pytest.mark.parametrize(
    "value", ["20260101", "2026-W01-1", "2026-02-30", "1899-12-31", "2201-01-01", "2026-1-1"]
)
async def test_dates_are_iso_calendar_days_in_a_sane_range(api: Api, value: str) -> None:
    response = await api.post(
        "mutation($d: Date!) { processDueInvoiceSchedules(input: {asOf: $d}) "
        "{ userErrors { code } } }",
        {"d": value},
    )
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID"
    assert "$d" in error["message"]
    literal = await api.post(PROCESS_DUE_ON.replace("$d", f'"{value}"'))
    assert literal.json()["errors"][0]["extensions"]["code"] == "INVALID"
    ok = await api.post(PROCESS_DUE_ON.replace("$d", '"2026-03-01"'))
    assert ok.json()["data"]["processDueInvoiceSchedules"]["userErrors"] == []
