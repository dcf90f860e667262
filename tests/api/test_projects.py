"""Projects and milestones through /graphql, on both backends."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from db.tables import Milestone, Project
from tests.conftest import ON_CITUS_TOO, Api, make_app

pytestmark = ON_CITUS_TOO

CREATE_PROJECT = """
mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    project { id name clientName currency contractValue paymentTermsDays }
    userErrors { field message code }
  }
}"""

ADD_MILESTONE = """
mutation($input: AddMilestoneInput!) {
  addMilestone(input: $input) {
    milestone { id name trigger position amount plannedOn status paid project { id } }
    userErrors { field message code }
  }
}"""

COMPLETE_MILESTONE = """
mutation($id: ID!) {
  completeMilestone(input: {milestoneId: $id}) {
    milestone { id status completedAt }
    userErrors { field message code }
  }
}"""

PROJECT = """
query($id: ID!) {
  project(id: $id) {
    id name contractValue
    milestones { name amount status amountInvoiced amountPaid discount paid }
    balance {
      contractValue scheduledAmount invoicedAmount paidAmount discountAmount
      outstandingAmount overdueAmount unbilledAmount
    }
  }
}"""


async def create_project(api: Api, **fields: Any) -> dict[str, Any]:
    data = await api.gql(
        CREATE_PROJECT,
        {"input": {"name": "Website", "clientName": "Acme", "currency": "USD", **fields}},
    )
    payload = data["createProject"]
    assert payload["userErrors"] == []
    return dict(payload["project"])


async def add_milestone(api: Api, project_id: str, **fields: Any) -> dict[str, Any]:
    data = await api.gql(
        ADD_MILESTONE, {"input": {"projectId": project_id, "name": "Deposit", **fields}}
    )
    assert data["addMilestone"]["userErrors"] == []
    return dict(data["addMilestone"]["milestone"])


async def count_rows(api: Api, table: Any) -> int:
    async with api.engine.connect() as connection:
        statement = (
            select(func.count()).select_from(table).where(table.account_id == api.account_id)
        )
        return int((await connection.execute(statement)).scalar_one())


async def test_create_project_formats_money_with_the_currency_decimals(api: Api) -> None:
    project = await create_project(api, contractValue="10000", paymentTermsDays=30)
    assert project["id"].startswith("prj_")
    assert project["contractValue"] == "10000.00"
    assert project["paymentTermsDays"] == 30
    yen = await create_project(api, currency="JPY", contractValue="5400")
    assert yen["contractValue"] == "5400"
    dinar = await create_project(api, currency="KWD", contractValue="1.5")
    assert dinar["contractValue"] == "1.500"


async def test_payment_terms_default_to_14_days(api: Api) -> None:
    assert (await create_project(api))["paymentTermsDays"] == 14


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"currency": "XYZ"}, ["currency"], "INVALID_CURRENCY"),
        ({"currency": "usd"}, ["currency"], "INVALID_CURRENCY"),
        ({"contractValue": "10.001"}, ["contractValue"], "INVALID_AMOUNT"),
        ({"contractValue": "-5"}, ["contractValue"], "INVALID_AMOUNT"),
        ({"contractValue": "0"}, ["contractValue"], "INVALID_AMOUNT"),
        ({"contractValue": "1e5"}, ["contractValue"], "INVALID_AMOUNT"),
        ({"contractValue": "NaN"}, ["contractValue"], "INVALID_AMOUNT"),
        ({"contractValue": "1234567890123456"}, ["contractValue"], "INVALID_AMOUNT"),
        ({"contractValue": 12.5}, ["contractValue"], "INVALID_AMOUNT"),
        ({"name": "   "}, ["name"], "INVALID"),
        ({"name": "x" * 201}, ["name"], "INVALID"),
        ({"clientName": ""}, ["clientName"], "INVALID"),
        ({"paymentTermsDays": -1}, ["paymentTermsDays"], "INVALID"),
    ],
)
async def test_bad_project_input_is_refused_and_writes_nothing(
    api: Api, fields: dict[str, Any], field: list[str], code: str
) -> None:
    data = await api.gql(
        CREATE_PROJECT,
        {"input": {"name": "Website", "clientName": "Acme", "currency": "USD", **fields}},
    )
    payload = data["createProject"]
    assert payload["project"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert payload["userErrors"][0]["message"]
    assert await count_rows(api, Project) == 0


async def test_milestones_are_added_in_order_and_completed_once(api: Api) -> None:
    project = await create_project(api, contractValue="10000.00")
    first = await add_milestone(api, project["id"], amount="2500", trigger="Project start")
    second = await add_milestone(
        api, project["id"], name="Designs approved", amount="2500.00", plannedOn="2026-04-01"
    )
    assert (first["position"], second["position"]) == (1, 2)
    assert first["amount"] == "2500.00" and first["status"] == "PLANNED"
    assert first["project"] == {"id": project["id"]}
    assert second["plannedOn"] == "2026-04-01"

    done = (await api.gql(COMPLETE_MILESTONE, {"id": first["id"]}))["completeMilestone"]
    assert done["milestone"]["status"] == "COMPLETED"
    assert done["milestone"]["completedAt"].startswith("2026-03-02T09:00:00")
    again = (await api.gql(COMPLETE_MILESTONE, {"id": first["id"]}))["completeMilestone"]
    assert again["milestone"] is None
    assert again["userErrors"][0]["code"] == "INVALID_STATE"


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"amount": "1.234"}, ["amount"], "INVALID_AMOUNT"),
        ({"amount": "-1"}, ["amount"], "INVALID_AMOUNT"),
        ({"name": ""}, ["name"], "INVALID"),
        ({"name": "n" * 101}, ["name"], "INVALID"),
        ({"projectId": "prj_doesnotexist"}, ["projectId"], "NOT_FOUND"),
    ],
)
async def test_bad_milestone_input_is_refused_and_writes_nothing(
    api: Api, fields: dict[str, Any], field: list[str], code: str
) -> None:
    project = await create_project(api)
    data = await api.gql(
        ADD_MILESTONE, {"input": {"projectId": project["id"], "name": "Deposit", **fields}}
    )
    payload = data["addMilestone"]
    assert payload["milestone"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await count_rows(api, Milestone) == 0


async def test_balance_of_a_new_project_is_its_plan_with_nothing_billed(api: Api) -> None:
    project = await create_project(api, contractValue="10000.00")
    for amount in ("2500.00", "2500.00", "5000.00"):
        await add_milestone(api, project["id"], amount=amount)
    data = await api.gql(PROJECT, {"id": project["id"]})
    balance = data["project"]["balance"]
    assert balance == {
        "contractValue": "10000.00",
        "scheduledAmount": "10000.00",
        "invoicedAmount": "0.00",
        "paidAmount": "0.00",
        "discountAmount": "0.00",
        "outstandingAmount": "0.00",
        "overdueAmount": "0.00",
        "unbilledAmount": "10000.00",
    }
    assert [m["amount"] for m in data["project"]["milestones"]] == ["2500.00", "2500.00", "5000.00"]
    assert {m["amountPaid"] for m in data["project"]["milestones"]} == {"0.00"}


async def test_node_resolves_projects_and_milestones(api: Api) -> None:
    project = await create_project(api)
    milestone = await add_milestone(api, project["id"], amount="10")
    query = """query($id: ID!) { node(id: $id) { __typename id ... on Milestone { name } } }"""
    assert (await api.gql(query, {"id": project["id"]}))["node"] == {
        "__typename": "Project",
        "id": project["id"],
    }
    assert (await api.gql(query, {"id": milestone["id"]}))["node"]["name"] == "Deposit"
    assert (await api.gql(query, {"id": "prj_unknown"}))["node"] is None
    assert (await api.gql(query, {"id": "nonsense"}))["node"] is None


@pytest.mark.parametrize("fast_queries", [True, False], ids=["fast path", "plain path"])
async def test_milestones_of_a_page_are_formatted_in_their_own_projects_currency(
    api: Api, fast_queries: bool
) -> None:
    for currency, amount in (("USD", "12.5"), ("JPY", "1250"), ("KWD", "1.25")):
        project = await create_project(api, currency=currency)
        await add_milestone(api, project["id"], amount=amount)
    query = """{ projects(first: 10) { nodes {
      currency milestones { amount amountPaid project { currency } }
    } } }"""
    transport = httpx.ASGITransport(app=make_app(api.engine, api.clock, fast_queries=fast_queries))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {api.read_key}"}
        )
    nodes = response.json()["data"]["projects"]["nodes"]
    assert {n["currency"]: n["milestones"] for n in nodes} == {
        "USD": [{"amount": "12.50", "amountPaid": "0.00", "project": {"currency": "USD"}}],
        "JPY": [{"amount": "1250", "amountPaid": "0", "project": {"currency": "JPY"}}],
        "KWD": [{"amount": "1.250", "amountPaid": "0.000", "project": {"currency": "KWD"}}],
    }
