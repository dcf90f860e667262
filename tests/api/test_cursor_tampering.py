"""Tampered cursors: every list refuses a cursor it did not make with INVALID naming `after`
or `before`, whatever the cursor carries (values its order's column cannot hold, wrong JSON
types, deep nesting, text PostgreSQL cannot store), and never answers INTERNAL."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.api.billing_helpers import create_project
from tests.api.test_root_lists import page, two_clients
from tests.conftest import Api

TIMESTAMP = "2026-03-02T09:00:00+00:00"


def cursor(*parts: Any) -> str:
    """A cursor in the root lists' form, carrying whatever it is given."""
    return raw(json.dumps(list(parts)).encode())


def raw(text: bytes) -> str:
    return base64.urlsafe_b64encode(text).decode()


BAD_VALUES = {
    "int": [10**30, 2**63, -(2**63) - 1, float("inf"), float("nan"), 1.5, True, "5", [1]],
    "text": ["\ud800", "a\x00b", 5, "x" * 201, {"a": 1}],
    "date": ["2026-13-01", 20260101, "2026-03-02T09:00:00+00:00x"],
    "timestamp": [
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
        "2026-03-02T09:00:00",  # no time zone
        1772442000,
    ],
}
BAD_IDS = ["a\x00b", "\ud800", 5, None, "inv_" + "x" * 100, "inv x", ""]
# Not a cursor of any list: nesting past the recursion limit, wrong shapes, oversized, not
# base64, not UTF-8.
MALFORMED = [
    raw(b"[" * 5000 + b"]" * 5000),
    raw(b'{"a": 1, "b": 2, "c": 3}'),
    raw(b'"abc"'),
    raw(b"[1, 2]"),
    "A" * 5000,
    "!!!",
    raw(b"\xff\xfe|inv_x"),
]
ORDERS = {  # each root list's orders by the kind of value a cursor carries
    "invoices": {
        "CREATED_AT": "timestamp",
        "DUE_ON": "date",
        "ISSUED_ON": "date",
        "NUMBER": "text",
        "TOTAL": "int",
        "BALANCE_DUE": "int",
    },
    "payments": {"CREATED_AT": "timestamp", "RECEIVED_ON": "date", "AMOUNT": "int"},
    "projects": {"CREATED_AT": "timestamp", "NAME": "text"},
    "creditNotes": {"CREATED_AT": "timestamp", "NUMBER": "text", "AMOUNT": "int"},
    "clients": {"CREATED_AT": "timestamp", "NAME": "text"},
}
GOOD = {"int": 100, "text": "Shop", "date": "2026-03-02", "timestamp": TIMESTAMP}


async def refusal(api: Api, query: str, variables: dict[str, Any], argument: str) -> str | None:
    """Return what is wrong with the answer to a tampered cursor, or None when it is right."""
    body = (await api.post(query, variables, key="read")).json()
    errors = body.get("errors") or [{}]
    extensions = errors[0].get("extensions", {})
    if extensions.get("code") == "INVALID" and extensions.get("field") == [argument]:
        return None
    return f"{variables}: {errors}"


def root_query(root: str, order: str, argument: str) -> str:
    order_by = order if root == "clients" else f"{{field: {order}}}"
    size = "first" if argument == "after" else "last"
    return (
        f"query($c: String) {{ {root}(orderBy: {order_by}, {size}: 3, {argument}: $c) "
        "{ totalCount nodes { id } } }"
    )


async def test_every_root_list_refuses_values_its_order_cannot_hold(api: Api) -> None:
    await two_clients(api)  # rows in every list, so a query that got through would run
    wrong = []
    for root, orders in ORDERS.items():
        for order, kind in orders.items():
            tampered = [cursor(order, value, "inv_x") for value in BAD_VALUES[kind]]
            tampered += [cursor(order, GOOD[kind], id_) for id_ in BAD_IDS]
            for argument in ("after", "before"):
                query = root_query(root, order, argument)
                for bad in tampered:
                    wrong.append(await refusal(api, query, {"c": bad}, argument))
    assert [problem for problem in wrong if problem] == []


async def test_malformed_cursors_are_refused_by_every_list(api: Api) -> None:
    await two_clients(api)
    wrong = []
    for root in ORDERS:
        for argument in ("after", "before"):
            for bad in [*MALFORMED, cursor("TOTAL", None, "inv_x")]:
                query = root_query(root, "CREATED_AT", argument)
                wrong.append(await refusal(api, query, {"c": bad}, argument))
    assert [problem for problem in wrong if problem] == []


async def test_an_empty_value_only_where_the_order_has_empty_values(api: Api) -> None:
    await two_clients(api)
    query = root_query("invoices", "TOTAL", "after")
    assert await refusal(api, query, {"c": cursor("TOTAL", None, "inv_x")}, "after") is None
    after_drafts = cursor("DUE_ON", None, "inv_x")
    due = await page(api, "invoices", first=3, after=after_drafts, orderBy={"field": "DUE_ON"})
    assert due["edges"] == []  # every invoice here is issued: dated ones sort before empty


async def test_nested_lists_refuse_tampered_creation_cursors(api: Api) -> None:
    made = await two_clients(api)
    project, client = made["projects"][0], made["clients"][0]
    tampered = [raw(f"{TIMESTAMP}|a\x00b".encode()), raw(f"{TIMESTAMP}|{'x' * 100}".encode())]
    tampered += [raw(f"{stamp}|inv_x".encode()) for stamp in BAD_VALUES["timestamp"][:3]]
    tampered += [cursor("CREATED_AT", TIMESTAMP, id_) for id_ in BAD_IDS]
    tampered += [cursor("CREATED_AT", stamp, "inv_x") for stamp in BAD_VALUES["timestamp"]]
    tampered += MALFORMED
    on_project = "query($c: String, $id: ID!) {{ project(id: $id) {{ {} }} }}"
    on_client = "query($c: String, $id: ID!) {{ client(id: $id) {{ {} }} }}"
    queries = [
        (on_project.format("invoices(after: $c) { totalCount }"), project, "after"),
        (on_project.format("invoices(last: 2, before: $c) { totalCount }"), project, "before"),
        *[
            (on_client.format(f"{field}(after: $c) {{ totalCount }}"), client, "after")
            for field in ("projects", "invoices", "payments")
        ],
    ]
    wrong = []
    for query, id_, argument in queries:
        for bad in tampered:
            wrong.append(await refusal(api, query, {"c": bad, "id": id_}, argument))
    assert [problem for problem in wrong if problem] == []


async def test_the_longest_name_pages_by_its_cursor(api: Api) -> None:
    # 200 characters outside the BMP: the longest text cursor a list makes is still taken.
    longest = "\U0001f600" * 199 + "A"
    first = await create_project(api, name=longest, clientName=longest)
    second = await create_project(api, name="\U0001f600" * 200, clientName="B")
    for root, order_by in (("projects", {"field": "NAME"}), ("clients", "NAME")):
        head = await page(api, root, first=1, orderBy=order_by)
        rest = await page(api, root, first=5, after=head["pageInfo"]["endCursor"], orderBy=order_by)
        assert len(head["edges"]) == 1 and len(rest["edges"]) == 1, root
    by_name = await page(api, "projects", first=1, orderBy={"field": "NAME"})
    assert by_name["edges"][0]["node"]["id"] == first
    assert second != first
