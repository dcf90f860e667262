"""A lookup and the relations below it are fetched in one statement on PostgreSQL, and the
answer is byte for byte the plain path's: other accounts' rows, unknown ids, pages, filters
and a write between two reads included."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from db.engine import ON_CITUS, read_connection, write_session
from domain.context import Caller, Role
from server.demo import populate
from tests.api.test_fast_path_shapes import answer, client, demo_ids
from tests.conftest import ON_CITUS_TOO, Api

pytestmark = ON_CITUS_TOO

PAYMENT = """query($id: ID!) { payment(id: $id) { id method attrs amount
  allocations { amount createdAt invoice { number status total lines { description amount
  milestone { name amount } } project { name } } } } }"""

INVOICE_NODE = """query($id: ID!) { node(id: $id) { __typename id ... on Invoice {
  number total lines { description amount } allocations { amount payment { method } } } } }"""

PROJECT_PAGE = """query($id: ID!, $status: InvoiceStatus, $first: Int) { project(id: $id) {
  name milestones { name amount invoices { number } }
  invoices(first: $first, status: $status) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id number total lines { amount milestone { name } }
      allocations { id amount payment { id method } } } } } } }"""

TWO_PAYMENTS = """query($a: ID!, $b: ID!) {
  a: payment(id: $a) { id allocations { amount invoice { number } } }
  b: payment(id: $b) { id allocations { amount invoice { number } } } }"""

# Every relation of these is one the prefetch knows: the whole answer is one statement.
ONE_STATEMENT = {"payment", "invoice node", "project page"}


async def documents(api: Api, other: str) -> dict[str, tuple[str, dict[str, Any]]]:
    ids = await demo_ids(api)
    data = await api.gql("{ payments(first: 2) { nodes { id } } }", key="read")
    second = data["payments"]["nodes"][-1]["id"]
    return {
        "payment": (PAYMENT, {"id": ids.payment}),
        "invoice node": (INVOICE_NODE, {"id": ids.invoice}),
        "project page": (PROJECT_PAGE, {"id": ids.project, "first": 2}),
        "project page, paid only": (PROJECT_PAGE, {"id": ids.project, "status": "PAID"}),
        "project page, empty": (PROJECT_PAGE, {"id": ids.project, "first": 0}),
        "two payments": (TWO_PAYMENTS, {"a": ids.payment, "b": second}),
        "a payment twice": (TWO_PAYMENTS, {"a": ids.payment, "b": ids.payment}),
        "unknown payment": (PAYMENT, {"id": "pay_doesnotexist"}),
        "another account's payment": (PAYMENT, {"id": other}),
        "project id as a payment": (PAYMENT, {"id": ids.project}),
    }


async def other_accounts_payment(api: Api, other_api: Api) -> str:
    """Return the id of a payment with allocations in `other_api`'s account (demo data)."""
    async with write_session(api.engine) as session:
        caller = Caller(account_id=other_api.account_id, role=Role.WRITE, clock=api.clock)
        await populate(session=session, caller=caller)
    return (await demo_ids(other_api)).payment


async def test_lookups_and_their_relations_answer_as_the_plain_path(
    demo_api: Api, other_api: Api, database_url: str
) -> None:
    other = await other_accounts_payment(demo_api, other_api)
    # Not on Citus, whose coordinator plans the one statement across every shard.
    on_postgres = database_url.startswith("postgresql") and not await on_citus(demo_api)
    async with client(demo_api, fast=True) as fast, client(demo_api, fast=False) as plain:
        for name, (query, variables) in (await documents(demo_api, other)).items():
            fast_status, fast_body, fast_statements = await answer(fast, demo_api, query, variables)
            plain_answer = await answer(plain, demo_api, query, variables)
            assert (fast_status, fast_body) == plain_answer[:2], name
            assert '"errors"' not in fast_body, name
            if on_postgres and name in ONE_STATEMENT:
                assert fast_statements == 1, name
    data = json.loads(fast_body)["data"]
    assert data["payment"] is None  # the last document: a project's id is no payment


async def on_citus(api: Api) -> bool:
    async with read_connection(api.engine) as connection:
        return bool(connection.info.get(ON_CITUS))


async def test_a_write_between_two_reads_is_seen_by_the_second(demo_api: Api) -> None:
    ids = await demo_ids(demo_api)
    invoice = await demo_api.gql(
        """{ projects(first: 50) { nodes { invoices(first: 50, status: OPEN) { nodes {
        id balanceDue } } } } }""",
        key="read",
    )
    open_invoice = next(
        node for project in invoice["projects"]["nodes"] for node in project["invoices"]["nodes"]
    )
    async with client(demo_api, fast=True) as fast:
        before = await _payments_of(fast, demo_api, open_invoice["id"])
        paid = await demo_api.gql(
            """mutation($input: RecordExternalPaymentInput!) { recordExternalPayment(input:
            $input) { payment { id } userErrors { code } } }""",
            {
                "input": {
                    "method": "WIRE",
                    "allocations": [{"invoiceId": open_invoice["id"], "amount": "1.00"}],
                }
            },  # fmt: skip
        )
        assert paid["recordExternalPayment"]["userErrors"] == []
        after = await _payments_of(fast, demo_api, open_invoice["id"])
    new = paid["recordExternalPayment"]["payment"]["id"]
    assert new not in before and new in after and ids.project


async def _payments_of(http: httpx.AsyncClient, api: Api, invoice: str) -> list[str]:
    _, body, _ = await answer(
        http,
        api,
        "query($id: ID!) { node(id: $id) { ... on Invoice { allocations { payment { id } } } } }",
        {"id": invoice},
    )
    return [a["payment"]["id"] for a in json.loads(body)["data"]["node"]["allocations"]]


@pytest.mark.parametrize("first", [1, 100])
async def test_page_sizes_at_the_edges_match(demo_api: Api, first: int) -> None:
    ids = await demo_ids(demo_api)
    variables = {"id": ids.project, "first": first}
    async with client(demo_api, fast=True) as fast, client(demo_api, fast=False) as plain:
        fast_answer = await answer(fast, demo_api, PROJECT_PAGE, variables)
        assert fast_answer[:2] == (await answer(plain, demo_api, PROJECT_PAGE, variables))[:2]


# From the outside tester: ids no account has, ids of the wrong shape, an injection attempt.
MALFORMED = ["", "pay_", "pay_x", "x" * 5000, "pay_😀😀", "pay_' OR 1=1--", "PRJ_X"]
EVERY_LOOKUP = """query($a: ID!) { payment(id: $a) { id allocations { amount } }
  invoice(id: $a) { id lines { amount } } project(id: $a) { id milestones { name } }
  node(id: $a) { id ... on Invoice { lines { amount } } } }"""


async def test_malformed_ids_are_null_on_both_paths(demo_api: Api) -> None:
    async with client(demo_api, fast=True) as fast, client(demo_api, fast=False) as plain:
        for bad in MALFORMED:
            fast_answer = await answer(fast, demo_api, EVERY_LOOKUP, {"a": bad})
            assert fast_answer[:2] == (await answer(plain, demo_api, EVERY_LOOKUP, {"a": bad}))[:2]
            data = json.loads(fast_answer[1])["data"]
            assert data == {"payment": None, "invoice": None, "project": None, "node": None}


async def test_aliases_of_one_lookup_with_the_same_and_other_ids(demo_api: Api) -> None:
    ids = await demo_ids(demo_api)
    query = """query($a: ID!, $b: ID!) {
      x: invoice(id: $a) { id amountPaid allocations { id } lines { amount } }
      y: node(id: $b) { id ... on Project { invoices(first: 3) { totalCount nodes { id } } } }
      z: invoice(id: $a) { id amountPaid allocations { id payment { id } } } }"""
    variables = {"a": ids.invoice, "b": ids.project}
    async with client(demo_api, fast=True) as fast, client(demo_api, fast=False) as plain:
        fast_answer = await answer(fast, demo_api, query, variables)
        assert fast_answer[:2] == (await answer(plain, demo_api, query, variables))[:2]
    data = json.loads(fast_answer[1])["data"]
    assert data["x"]["id"] == data["z"]["id"] == ids.invoice and data["y"]["id"] == ids.project
