"""The account-wide lists: every order both ways, first/after and last/before, cursors that
survive inserts, filters, case- and accent-insensitive search, lookups by number and txn."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.billing_helpers import create_invoice, create_project, free_line
from tests.api.test_payments import pay
from tests.conftest import Api

INVOICES = """query($first: Int, $after: String, $last: Int, $before: String,
  $filter: InvoiceFilter, $orderBy: InvoiceOrder) {
  invoices(first: $first, after: $after, last: $last, before: $before, filter: $filter,
    orderBy: $orderBy) {
    totalCount
    edges { cursor node { id number total balanceDue dueOn issuedOn status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""

SORT_KEYS = {
    "CREATED_AT": None,  # creation order is the order the helper made them in
    "DUE_ON": "dueOn",
    "ISSUED_ON": "issuedOn",
    "NUMBER": "number",
    "TOTAL": "total",
    "BALANCE_DUE": "balanceDue",
}


async def invoice_page(api: Api, **variables: Any) -> dict[str, Any]:
    return dict((await api.gql(INVOICES, variables, key="read"))["invoices"])


async def walk(api: Api, *, backward: bool, size: int, **variables: Any) -> list[str]:
    """Return every invoice id, reading pages of `size` forward (or backward)."""
    ids: list[str] = []
    cursor = None
    while True:
        if backward:
            page = await invoice_page(api, last=size, before=cursor, **variables)
            ids = [edge["node"]["id"] for edge in page["edges"]] + ids
            if not page["pageInfo"]["hasPreviousPage"]:
                return ids
            cursor = page["pageInfo"]["startCursor"]
        else:
            page = await invoice_page(api, first=size, after=cursor, **variables)
            ids += [edge["node"]["id"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return ids
            cursor = page["pageInfo"]["endCursor"]


async def billing_history(api: Api) -> list[dict[str, Any]]:
    """Seven invoices over several days: equal totals, drafts (no number or dates), payments."""
    project = await create_project(api, name="Café Zoë", clientName="Ångström Ltd")
    made = []
    for amount, issue in [
        ("100.00", True),
        ("300.00", True),
        ("100.00", False),
        ("250.00", True),
        ("300.00", False),
        ("100.00", True),
        ("50.00", True),
    ]:
        made.append(await create_invoice(api, project, lines=[free_line(amount)], issue=issue))
        api.clock.advance(days=1)
    await pay(api, {"invoiceId": made[1]["id"], "amount": "200.00"})
    return made


def expected_order(nodes: list[dict[str, Any]], field: str | None, descending: bool) -> list[str]:
    """The order the API promises: by the field (empty last ascending), then by id."""

    def key(node: dict[str, Any]) -> Any:
        value = None if field is None else node[field]
        if field in ("total", "balanceDue"):
            value = float(value)
        return (value is None, value if value is not None else 0, node["id"])

    if field is None:
        return [node["id"] for node in (nodes[::-1] if descending else nodes)]
    ordered = sorted(nodes, key=key)
    return [node["id"] for node in (ordered[::-1] if descending else ordered)]


@pytest.mark.parametrize("order", sorted(SORT_KEYS))
async def test_every_order_pages_the_same_rows_forward_and_backward(api: Api, order: str) -> None:
    await billing_history(api)
    everything = await invoice_page(api, first=100)
    nodes = [edge["node"] for edge in everything["edges"]]
    assert everything["totalCount"] == 7
    for direction in ("ASC", "DESC"):
        order_by = {"field": order, "direction": direction}
        expected = expected_order(nodes, SORT_KEYS[order], direction == "DESC")
        assert await walk(api, backward=False, size=2, orderBy=order_by) == expected
        assert await walk(api, backward=True, size=3, orderBy=order_by) == expected


async def test_a_cursor_stays_valid_when_invoices_are_added(api: Api) -> None:
    made = await billing_history(api)
    order_by = {"field": "TOTAL", "direction": "DESC"}
    first = await invoice_page(api, first=3, orderBy=order_by)
    seen = [edge["node"]["id"] for edge in first["edges"]]
    # New invoices before and after the cursor's place in the order.
    project = (await api.gql("{ projects(first: 1) { nodes { id } } }"))["projects"]["nodes"][0]
    bigger = await create_invoice(api, project["id"], lines=[free_line("999.00")])
    smaller = await create_invoice(api, project["id"], lines=[free_line("1.00")])
    rest = await walk_from(api, first["pageInfo"]["endCursor"], order_by)
    assert bigger["id"] not in rest  # it sorts before the cursor: not repeated, not in the rest
    assert rest[-1] == smaller["id"]  # it sorts after: the rest shows it, last
    assert len(set(seen) | set(rest)) == 8 and not set(seen) & set(rest)
    assert made[0]["id"] in set(seen) | set(rest)


async def walk_from(api: Api, cursor: str, order_by: dict[str, str]) -> list[str]:
    page = await invoice_page(api, first=100, after=cursor, orderBy=order_by)
    return [edge["node"]["id"] for edge in page["edges"]]


async def test_page_info_is_complete_both_ways(api: Api) -> None:
    await billing_history(api)
    forward = await invoice_page(api, first=3)
    assert forward["pageInfo"]["hasNextPage"] is True
    assert forward["pageInfo"]["hasPreviousPage"] is False
    assert forward["pageInfo"]["startCursor"] == forward["edges"][0]["cursor"]
    assert forward["pageInfo"]["endCursor"] == forward["edges"][-1]["cursor"]
    backward = await invoice_page(api, last=3)
    assert backward["pageInfo"]["hasPreviousPage"] is True
    assert backward["pageInfo"]["hasNextPage"] is False
    before_last = await invoice_page(api, last=10, before=backward["pageInfo"]["startCursor"])
    assert len(before_last["edges"]) == 4
    assert before_last["pageInfo"] == {
        **before_last["pageInfo"],
        "hasPreviousPage": False,
        "hasNextPage": True,
    }


async def test_a_cursor_of_another_order_is_refused(api: Api) -> None:
    await billing_history(api)
    page = await invoice_page(api, first=1, orderBy={"field": "TOTAL"})
    response = await api.post(
        INVOICES,
        {"first": 1, "after": page["pageInfo"]["endCursor"], "orderBy": {"field": "DUE_ON"}},
    )
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID" and error["extensions"]["field"] == ["after"]
    both = await api.post(INVOICES, {"first": 1, "last": 1})
    assert both.json()["errors"][0]["extensions"]["field"] == ["last"]


async def test_invoice_filters(api: Api) -> None:
    made = await billing_history(api)
    other = await create_project(api, name="Other")
    elsewhere = await create_invoice(api, other, lines=[free_line("10.00")])

    async def ids(**filter: Any) -> set[str]:
        page = await invoice_page(api, first=100, filter=filter)
        assert page["totalCount"] == len(page["edges"])
        return {edge["node"]["id"] for edge in page["edges"]}

    drafts = {made[2]["id"], made[4]["id"]}
    assert await ids(status=["DRAFT"]) == drafts
    assert await ids(status="DRAFT") == drafts  # one value stands for a list of one
    assert await ids(status=["PARTIALLY_PAID"]) == {made[1]["id"]}
    assert await ids(projectId=other) == {elsewhere["id"]}
    # Issued 2026-03-02 with 14 days' terms: due 2026-03-16; the clock is now 2026-03-09+.
    due = made[0]["dueOn"]
    assert await ids(dueAfter=due, dueBefore=due) == {made[0]["id"]}
    assert await ids(issuedAfter=made[3]["issuedOn"]) >= {made[3]["id"], made[5]["id"]}
    assert not await ids(overdue=True)
    api.clock.advance(days=30)
    overdue = await ids(overdue=True)
    assert overdue == {made[i]["id"] for i in (0, 1, 3, 5, 6)} | {elsewhere["id"]}
    assert await ids(overdue=False) == drafts
    assert await ids(search=made[3]["number"].lower()) == {made[3]["id"]}


async def test_search_ignores_case_and_accents(api: Api) -> None:
    await billing_history(api)
    await create_project(api, name="Plain", clientName="Nobody")

    async def project_names(search: str) -> list[str]:
        query = "query($s: String) { projects(filter: {search: $s}) { totalCount nodes { name } } }"
        data = (await api.gql(query, {"s": search}))["projects"]
        assert data["totalCount"] == len(data["nodes"])
        return [node["name"] for node in data["nodes"]]

    assert await project_names("cafe zoe") == ["Café Zoë"]
    assert await project_names("ANGSTROM") == ["Café Zoë"]
    assert await project_names("%") == []  # LIKE's wildcards are plain text here
    assert await project_names("") == ["Café Zoë", "Plain"]
    invoice = (await invoice_page(api, first=1))["edges"][0]["node"]
    await pay(api, {"invoiceId": invoice["id"], "amount": "1.00"}, reference="Chèque N° 1042")
    query = "query($s: String) { payments(filter: {search: $s}) { nodes { reference } } }"
    found = (await api.gql(query, {"s": "CHEQUE n° 10"}))["payments"]["nodes"]
    assert found == [{"reference": "Chèque N° 1042"}]


async def test_payments_list_filters_and_orders(api: Api) -> None:
    made = await billing_history(api)
    other = await create_project(api, name="Other")
    elsewhere = await create_invoice(api, other, lines=[free_line("10.00")])
    await pay(api, {"invoiceId": elsewhere["id"], "amount": "5.00"}, method="WIRE")
    await pay(api, {"invoiceId": made[3]["id"], "amount": "7.00"}, method="CASH")
    query = """query($f: PaymentFilter, $o: PaymentOrder, $last: Int) {
      payments(filter: $f, orderBy: $o, last: $last) { totalCount nodes { amount method } } }"""
    by_amount = await api.gql(query, {"o": {"field": "AMOUNT", "direction": "DESC"}})
    assert [n["amount"] for n in by_amount["payments"]["nodes"]] == ["200.00", "7.00", "5.00"]
    wire = (await api.gql(query, {"f": {"method": "WIRE"}}))["payments"]
    assert wire == {"totalCount": 1, "nodes": [{"amount": "5.00", "method": "WIRE"}]}
    of_other = (await api.gql(query, {"f": {"projectId": other}, "last": 1}))["payments"]
    assert of_other == {"totalCount": 1, "nodes": [{"amount": "5.00", "method": "WIRE"}]}


async def test_lookups_by_number_and_transaction_id(api: Api, other_api: Api) -> None:
    made = await billing_history(api)
    number = made[0]["number"]
    query = "query($n: String!) { invoiceByNumber(number: $n) { id } }"
    assert (await api.gql(query, {"n": number.lower()}))["invoiceByNumber"] == {"id": made[0]["id"]}
    assert (await other_api.gql(query, {"n": number}))["invoiceByNumber"] is None
    from tests.api.test_payments import try_processor_pay

    paid = await try_processor_pay(
        api, "txn_lists1", {"invoiceId": made[5]["id"], "amount": "1.00"}
    )
    lookup = "query($t: String!) { paymentByTransactionId(transactionId: $t) { id } }"
    found = (await api.gql(lookup, {"t": "txn_lists1"}))["paymentByTransactionId"]
    assert found == {"id": paid["payment"]["id"]}
    assert (await other_api.gql(lookup, {"t": "txn_lists1"}))["paymentByTransactionId"] is None
