"""The root lists beyond invoices: filters by client and unapplied money, creditNotes and
clients with every order both ways, BALANCE_DUE counting credit, Project.invoices backward."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import create_project
from tests.api.credit_helpers import credit, line
from tests.api.test_payments import alloc, free_invoice, pay
from tests.conftest import Api

PAGE = """
  totalCount
  edges { cursor node { id } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
"""


async def page(api: Api, root: str, **arguments: Any) -> dict[str, Any]:
    """Return one page of a root list (its filter and order types named after it)."""
    types = {
        "invoices": ("InvoiceFilter", "InvoiceOrder"),
        "payments": ("PaymentFilter", "PaymentOrder"),
        "projects": ("ProjectFilter", "ProjectOrder"),
        "creditNotes": ("CreditNoteFilter", "CreditNoteOrder"),
        "clients": ("ClientFilter", "ClientOrder = CREATED_AT"),
    }[root]
    query = f"""query($first: Int, $after: String, $last: Int, $before: String,
      $filter: {types[0]}, $orderBy: {types[1]}) {{
      {root}(first: $first, after: $after, last: $last, before: $before, filter: $filter,
        orderBy: $orderBy) {{ {PAGE} }} }}"""
    return dict((await api.gql(query, arguments, key="read"))[root])


async def ids(api: Api, root: str, **arguments: Any) -> list[str]:
    found = await page(api, root, first=100, **arguments)
    assert found["totalCount"] == len(found["edges"])
    return [edge["node"]["id"] for edge in found["edges"]]


async def walk(api: Api, root: str, *, backward: bool, **arguments: Any) -> list[str]:
    """Every id of the list, two at a time, forward (first/after) or backward (last/before)."""
    found: list[str] = []
    cursor = None
    while True:
        if backward:
            got = await page(api, root, last=2, before=cursor, **arguments)
            found = [edge["node"]["id"] for edge in got["edges"]] + found
            if not got["pageInfo"]["hasPreviousPage"]:
                return found
            cursor = got["pageInfo"]["startCursor"]
        else:
            got = await page(api, root, first=2, after=cursor, **arguments)
            found += [edge["node"]["id"] for edge in got["edges"]]
            if not got["pageInfo"]["hasNextPage"]:
                return found
            cursor = got["pageInfo"]["endCursor"]


async def client_of(api: Api, project_id: str) -> str:
    query = "query($id: ID!) { project(id: $id) { client { id } } }"
    return str((await api.gql(query, {"id": project_id}))["project"]["client"]["id"])


async def two_clients(api: Api) -> dict[str, Any]:
    """Élodie's two projects and Bob's one, invoices, payments (one with money left), credit."""
    cafe = await create_project(api, name="Café", clientName="Élodie Durand")
    shop = await create_project(api, name="Shop", clientName="Élodie Durand")
    bob = await create_project(api, name="Garage", clientName="Bob")
    invoices = [
        await free_invoice(api, cafe, "100.00"),
        await free_invoice(api, shop, "300.00"),
        await free_invoice(api, bob, "200.00"),
    ]
    api.clock.advance(days=1)
    paid_over = await pay(api, alloc(invoices[0], "100.00"), amount="150.00")
    paid_bob = await pay(api, alloc(invoices[2], "20.00"))
    note = await credit(api, invoices[1], line("250.00"))
    bob_note = await credit(api, invoices[2], line("10.00"))
    return {
        "projects": (cafe, shop, bob),
        "clients": (await client_of(api, cafe), await client_of(api, bob)),
        "invoices": invoices,
        "payments": (paid_over["id"], paid_bob["id"]),
        "notes": (note["id"], bob_note["id"]),
    }


async def test_lists_filter_by_client_and_unapplied_money(api: Api) -> None:
    made = await two_clients(api)
    elodie, bob = made["clients"]
    cafe, shop, garage = made["projects"]
    assert set(await ids(api, "invoices", filter={"clientId": elodie})) == set(made["invoices"][:2])
    assert set(await ids(api, "invoices", filter={"clientId": bob})) == set(made["invoices"][2:])
    assert set(await ids(api, "projects", filter={"clientId": elodie})) == set([cafe, shop])
    assert set(await ids(api, "payments", filter={"clientId": bob})) == set([made["payments"][1]])
    assert set(await ids(api, "payments", filter={"hasUnapplied": True})) == set(
        [made["payments"][0]]
    )
    assert set(await ids(api, "payments", filter={"hasUnapplied": False})) == set(
        [made["payments"][1]]
    )
    assert set(await ids(api, "creditNotes", filter={"clientId": elodie})) == set(
        [made["notes"][0]]
    )
    on_bob = {"invoiceId": made["invoices"][2], "status": ["ISSUED"]}
    assert set(await ids(api, "creditNotes", filter=on_bob)) == set([made["notes"][1]])
    assert set(await ids(api, "creditNotes", filter={"status": ["VOID"]})) == set([])
    assert set(await ids(api, "creditNotes", filter={"search": "cn-000002"})) == set(
        [made["notes"][1]]
    )
    assert set(await ids(api, "clients", filter={"search": "elodie"})) == set([elodie])
    assert set(await ids(api, "clients", filter={"search": "ÉLODIE DUR"})) == set([elodie])
    assert set(await ids(api, "projects", filter={"search": "elodie"})) == set([cafe, shop])


async def test_balance_due_order_counts_credit(api: Api) -> None:
    made = await two_clients(api)
    # Balances due: 0 (paid), 300 - 250 = 50 (credited), 200 - 20 - 10 = 170.
    order = {"field": "BALANCE_DUE", "direction": "DESC"}
    first, second, third = made["invoices"]
    assert await ids(api, "invoices", orderBy=order) == [third, second, first]
    assert await walk(api, "invoices", backward=True, orderBy=order) == [third, second, first]


async def test_credit_notes_and_clients_page_every_order_both_ways(api: Api) -> None:
    made = await two_clients(api)
    more = await free_invoice(api, made["projects"][2], "500.00")
    await credit(api, more, line("5.00"))
    await credit(api, more, line("75.00"))
    notes = await ids(api, "creditNotes")
    assert len(notes) == 4
    for field in ("CREATED_AT", "NUMBER", "AMOUNT"):
        for direction in ("ASC", "DESC"):
            order = {"field": field, "direction": direction}
            forward = await walk(api, "creditNotes", backward=False, orderBy=order)
            assert sorted(forward) == sorted(notes)
            assert await walk(api, "creditNotes", backward=True, orderBy=order) == forward
    query = "{ creditNotes(orderBy: {field: AMOUNT, direction: DESC}) { nodes { amount } } }"
    amounts = [node["amount"] for node in (await api.gql(query))["creditNotes"]["nodes"]]
    assert amounts == ["250.00", "75.00", "10.00", "5.00"]
    await create_project(api, name="Atelier", clientName="Zoë")
    await create_project(api, name="Bakery", clientName="Anna")
    clients = await ids(api, "clients", orderBy="NAME")
    assert len(clients) == 4
    assert await walk(api, "clients", backward=True, orderBy="NAME") == clients
    assert await walk(api, "clients", backward=True) == await ids(api, "clients")


async def test_a_credit_note_cursor_stays_valid_when_notes_are_added(api: Api) -> None:
    made = await two_clients(api)
    order = {"field": "AMOUNT", "direction": "ASC"}
    first = await page(api, "creditNotes", first=1, orderBy=order)  # the 10.00 note
    bigger = await credit(api, made["invoices"][2], line("30.00"))
    smaller = await credit(api, made["invoices"][2], line("1.00"))
    after = first["pageInfo"]["endCursor"]
    got = await page(api, "creditNotes", first=10, after=after, orderBy=order)
    rest = [edge["node"]["id"] for edge in got["edges"]]
    assert rest == [bigger["id"], made["notes"][0]]  # 30, 250; the 1.00 note sorts before
    assert smaller["id"] not in rest


async def test_project_invoices_page_backward(api: Api) -> None:
    project = await create_project(api)
    made = []
    for amount in range(1, 6):
        made.append(await free_invoice(api, project, f"{amount}.00"))
        api.clock.advance(minutes=1)
    query = """query($id: ID!, $last: Int, $before: String) { project(id: $id) {
      invoices(last: $last, before: $before) { totalCount nodes { id }
        pageInfo { hasPreviousPage hasNextPage startCursor } } } }"""

    async def backward(last: int, before: str | None = None) -> dict[str, Any]:
        found = await api.gql(query, {"id": project, "last": last, "before": before})
        return dict(found["project"]["invoices"])

    tail = await backward(2)
    assert [node["id"] for node in tail["nodes"]] == made[3:]
    assert tail["totalCount"] == 5 and tail["pageInfo"]["hasPreviousPage"] is True
    head = await backward(10, tail["pageInfo"]["startCursor"])
    assert [node["id"] for node in head["nodes"]] == made[:3]
    assert head["pageInfo"]["hasPreviousPage"] is False and head["pageInfo"]["hasNextPage"]
