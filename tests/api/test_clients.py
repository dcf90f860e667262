"""Clients through GraphQL on both backends: create, update, find, list, what belongs to them."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import USER_ERRORS, create_project
from tests.api.test_payments import alloc, free_invoice, pay, try_pay
from tests.conftest import Api

CLIENT_FIELDS = "id name email createdAt"
CREATE_CLIENT = f"""
mutation($input: CreateClientInput!) {{
  createClient(input: $input) {{ client {{ {CLIENT_FIELDS} }} {USER_ERRORS} }}
}}"""
UPDATE_CLIENT = f"""
mutation($input: UpdateClientInput!) {{
  updateClient(input: $input) {{ client {{ {CLIENT_FIELDS} }} {USER_ERRORS} }}
}}"""
CLIENTS = """
query($first: Int, $after: String, $last: Int, $before: String, $search: String,
      $order: ClientOrder! = CREATED_AT) {
  clients(first: $first, after: $after, last: $last, before: $before,
          filter: {search: $search}, orderBy: $order) {
    totalCount
    nodes { name }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
CLIENT = """
query($id: ID!) {
  client(id: $id) {
    id name
    projects { totalCount nodes { id clientName client { id } } }
    invoices { totalCount nodes { id } }
    payments { totalCount nodes { id amount } }
    balance {
      currency invoicedAmount paidAmount outstandingAmount receivedAmount appliedAmount
      unappliedCreditAmount refundedAmount
    }
  }
}"""


async def try_create(api: Api, **fields: Any) -> dict[str, Any]:
    return dict((await api.gql(CREATE_CLIENT, {"input": fields}))["createClient"])


async def new_client(api: Api, name: str, **fields: Any) -> str:
    payload = await try_create(api, name=name, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    return str(payload["client"]["id"])


async def client_of(api: Api, project_id: str) -> str:
    data = await api.gql(
        "query($id: ID!) { project(id: $id) { client { id } } }", {"id": project_id}
    )
    return str(data["project"]["client"]["id"])


async def test_a_client_is_created_found_and_updated(api: Api) -> None:
    payload = await try_create(api, name="  Acme Corp ", email="ap@acme.test")
    assert payload["userErrors"] == []
    client = payload["client"]
    assert client["id"].startswith("cli_") and client["name"] == "Acme Corp"
    found = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Client { name email } } }", {"id": client["id"]}
    )
    assert found["node"] == {"name": "Acme Corp", "email": "ap@acme.test"}

    project = await create_project(api, clientId=client["id"], clientName=None)
    renamed = await api.gql(UPDATE_CLIENT, {"input": {"clientId": client["id"], "name": "Acme"}})
    assert renamed["updateClient"]["client"]["name"] == "Acme"
    assert renamed["updateClient"]["client"]["email"] == "ap@acme.test"
    data = await api.gql(CLIENT, {"id": client["id"]})
    assert data["client"]["projects"]["nodes"] == [
        {"id": project, "clientName": "Acme", "client": {"id": client["id"]}}
    ]
    cleared = await api.gql(UPDATE_CLIENT, {"input": {"clientId": client["id"], "email": ""}})
    assert cleared["updateClient"]["client"]["email"] is None


async def test_bad_client_input_is_refused_naming_the_field(api: Api) -> None:
    await new_client(api, "Acme")
    for fields, field, code in (
        ({"name": " "}, ["name"], "INVALID"),
        ({"name": "x" * 201}, ["name"], "INVALID"),
        ({"name": "Acme"}, ["name"], "INVALID"),  # names are unique in an account
        ({"name": "New", "email": "not an email"}, ["email"], "INVALID"),
    ):
        payload = await try_create(api, **fields)
        assert payload["client"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    other = await new_client(api, "Other")
    taken = await api.gql(UPDATE_CLIENT, {"input": {"clientId": other, "name": "Acme"}})
    assert [e["code"] for e in taken["updateClient"]["userErrors"]] == ["INVALID"]
    listed = await api.gql(CLIENTS, {"first": 10, "order": "NAME"})
    assert [n["name"] for n in listed["clients"]["nodes"]] == ["Acme", "Other"]


async def test_create_project_by_client_name_reuses_the_client_of_that_name(api: Api) -> None:
    first = await create_project(api, clientName="Acme")
    second = await create_project(api, clientName="Acme")
    third = await create_project(api, clientName="acme")  # exactly that name: another client
    assert await client_of(api, first) == await client_of(api, second)
    assert await client_of(api, third) != await client_of(api, first)
    by_id = await create_project(api, clientId=await client_of(api, first), clientName=None)
    assert await client_of(api, by_id) == await client_of(api, first)
    data = await api.gql(CLIENT, {"id": await client_of(api, first)})
    assert data["client"]["projects"]["totalCount"] == 3
    # Neither id nor name, an unknown id, or an id with another client's name: refused.
    for fields, code in (
        ({"clientName": None}, "INVALID"),
        ({"clientName": None, "clientId": "cli_nope"}, "NOT_FOUND"),
        ({"clientName": "Beta", "clientId": await client_of(api, first)}, "CLIENT_MISMATCH"),
    ):
        data = await api.gql(
            "mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } "
            f"{USER_ERRORS} }} }}",
            {"i": {"name": "X", "currency": "USD", **fields}},
        )
        assert [e["code"] for e in data["createProject"]["userErrors"]] == [code]


async def test_clients_are_listed_searched_ordered_and_paged_both_ways(api: Api) -> None:
    for name, email in (
        ("Delta", None),
        ("alpha", "x@acme.test"),
        ("Charlie", None),
        ("Bravo 100%", None),
        ("Echo", "echo@beta.test"),
    ):
        await new_client(api, name, email=email)
        api.clock.advance(seconds=1)  # creation order is (createdAt, id)
    listed = await api.gql(CLIENTS, {"first": 2})
    assert [n["name"] for n in listed["clients"]["nodes"]] == ["Delta", "alpha"]
    assert listed["clients"]["totalCount"] == 5
    cursor = listed["clients"]["pageInfo"]["endCursor"]
    rest = await api.gql(CLIENTS, {"first": 10, "after": cursor})
    assert [n["name"] for n in rest["clients"]["nodes"]] == ["Charlie", "Bravo 100%", "Echo"]
    assert rest["clients"]["pageInfo"]["hasNextPage"] is False

    by_name = await api.gql(CLIENTS, {"first": 10, "order": "NAME"})
    names = [n["name"] for n in by_name["clients"]["nodes"]]
    assert names == sorted(names)
    last_two = await api.gql(CLIENTS, {"last": 2, "order": "NAME"})
    assert [n["name"] for n in last_two["clients"]["nodes"]] == names[-2:]
    assert last_two["clients"]["pageInfo"]["hasPreviousPage"] is True
    before = last_two["clients"]["pageInfo"]["startCursor"]
    earlier = await api.gql(CLIENTS, {"last": 10, "before": before, "order": "NAME"})
    assert [n["name"] for n in earlier["clients"]["nodes"]] == names[:-2]

    for search, expected in (
        ("ACME", ["alpha"]),
        ("100%", ["Bravo 100%"]),
        ("%", ["Bravo 100%"]),
        ("e", ["Delta", "alpha", "Charlie", "Echo"]),
        ("zz", []),
    ):
        found = await api.gql(CLIENTS, {"first": 10, "search": search})
        assert [n["name"] for n in found["clients"]["nodes"]] == expected, search
        assert found["clients"]["totalCount"] == len(expected)

    mixed = await api.post(CLIENTS, {"first": 1, "last": 1})
    assert mixed.json()["errors"][0]["extensions"]["code"] == "INVALID"


async def test_a_client_shows_its_invoices_payments_and_balance(api: Api) -> None:
    project = await create_project(api, clientName="Acme")
    other_project = await create_project(api, clientName="Acme")
    client = await client_of(api, project)
    first, second = await free_invoice(api, project), await free_invoice(api, other_project)
    payment = await pay(api, alloc(first, "1000.00"), alloc(second, "400.00"), amount="1500.00")
    assert payment["amount"] == "1500.00"
    data = (await api.gql(CLIENT, {"id": client}))["client"]
    assert {n["id"] for n in data["invoices"]["nodes"]} == {first, second}
    assert data["payments"]["nodes"] == [{"id": payment["id"], "amount": "1500.00"}]
    assert data["balance"] == [
        {
            "currency": "USD",
            "invoicedAmount": "2000.00",
            "paidAmount": "1400.00",
            "outstandingAmount": "600.00",
            "receivedAmount": "1500.00",
            "appliedAmount": "1400.00",
            "unappliedCreditAmount": "100.00",
            "refundedAmount": "0.00",
        }
    ]


async def test_one_payment_cannot_pay_two_clients_invoices(api: Api) -> None:
    acme = await free_invoice(api, await create_project(api, clientName="Acme"))
    beta = await free_invoice(api, await create_project(api, clientName="Beta"))
    payload = await try_pay(api, alloc(acme, "10.00"), alloc(beta, "10.00"))
    assert payload["payment"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["allocations", "1", "invoiceId"], "CLIENT_MISMATCH")
    ]
    named = await client_of(api, await create_project(api, clientName="Beta"))
    payload = await try_pay(api, alloc(acme, "10.00"), clientId=named)
    assert [e["code"] for e in payload["userErrors"]] == ["CLIENT_MISMATCH"]
