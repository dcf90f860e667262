"""What the one statement of a tree of selects fetched reads exactly as each select would."""

from __future__ import annotations

from typing import Any

import pytest

from db.engine import read_connection
from db.queries import invoices, payments
from db.queries.prefetch import Level, prefetch
from db.queries.prefetched_rows import PREFETCHED
from db.queries.rows import PreparedSelect
from schema.fast_prefetch import _BY_PREFIX, _EDGES
from tests.api.test_fast_path_shapes import demo_ids
from tests.conftest import Api

pytestmark = pytest.mark.parametrize(
    "database_url", ("postgresql",), indirect=True, scope="session"
)

PAY = """mutation($input: RecordExternalPaymentInput!) { recordExternalPayment(input: $input) {
  payment { id } userErrors { code } } }"""


async def own_rows(api: Api, select: PreparedSelect, parameters: dict[str, Any]) -> list[Any]:
    async with read_connection(api.engine) as connection:
        return await select.rows(connection, {"account_id": api.account_id, **parameters})


async def test_every_level_reads_as_its_own_select_for_any_of_its_keys(demo_api: Api) -> None:
    ids = await demo_ids(demo_api)
    invoice = (
        await demo_api.gql("{ invoices(first: 1, filter: {status: [OPEN]}) { nodes { id } } }")
    )["invoices"]["nodes"][0]["id"]
    attrs = {"note": "ünïcode", "list": [1, 2.5, None, {"deep": True}]}
    paid = await demo_api.gql(
        PAY,
        {
            "input": {
                "method": "WIRE",
                "attrs": attrs,
                "allocations": [
                    {"invoiceId": invoice, "amount": "1.00"},
                    {"invoiceId": ids.invoice, "amount": "0.00"},
                ],
            }
        },  # fmt: skip
    )
    payment = paid["recordExternalPayment"]["payment"]
    roots = [ids.payment, payment["id"]] if payment else [ids.payment]
    pages = invoices._invoice_pages(False, False)
    levels = [
        Level(_BY_PREFIX["pay"][1]),
        Level(payments._ALLOCATIONS_BY_PAYMENT, 0, "id"),
        Level(invoices._INVOICES_BY_IDS, 1, "invoice_id"),
        Level(invoices._LINES_BY_INVOICE, 2, "id"),
        Level(_EDGES[("InvoiceLine", "milestone")].select, 3, "milestone_id"),
        Level(_EDGES[("Invoice", "project")].select, 2, "project_id"),
        Level(pages, 5, "id", (("limit", 3),)),
        Level(invoices._invoice_counts(True), 5, "id", (("status", "PAID"),)),
    ]
    async with read_connection(demo_api.engine) as connection:
        fetched = await prefetch(
            connection, account_id=demo_api.account_id, levels=levels, root_keys={0: roots}
        )
    for level in levels:
        own = dict(level.parameters)
        everything = await own_rows(demo_api, level.select, {"ids": _keys(level, fetched)} | own)
        assert everything, level
        for keys in (_keys(level, fetched), _keys(level, fetched)[:1], []):
            wanted = {"account_id": demo_api.account_id, "ids": keys, **own}
            assert fetched.rows_for(level.select, wanted) == await own_rows(
                demo_api, level.select, {"ids": keys} | own
            ), level
    # A select asked for other parameters, keys it did not fetch or another account is run.
    assert (
        fetched.rows_for(pages, {"account_id": demo_api.account_id, "ids": [], "limit": 4}) is None
    )
    assert fetched.rows_for(pages, {"account_id": demo_api.account_id, "ids": ["prj_x"],
                                    "limit": 3}) is None  # fmt: skip
    assert fetched.rows_for(payments._ALLOCATIONS_BY_PAYMENT,
                            {"account_id": "acct_other", "ids": roots}) is None  # fmt: skip


def _keys(level: Level, fetched: Any) -> list[str]:
    """Return every key the level was fetched for, in a stable order."""
    (entry,) = fetched._by_select[id(level.select)]
    return sorted(entry.keys - {None})


async def test_rows_are_served_only_while_the_request_runs(demo_api: Api) -> None:
    ids = await demo_ids(demo_api)
    levels = [Level(_BY_PREFIX["pay"][1]), Level(payments._ALLOCATIONS_BY_PAYMENT, 0, "id")]
    async with read_connection(demo_api.engine) as connection:
        fetched = await prefetch(
            connection, account_id=demo_api.account_id, levels=levels, root_keys={0: [ids.payment]}
        )
    assert PREFETCHED.get() is None
    token = PREFETCHED.set(fetched)
    try:
        async with read_connection(demo_api.engine) as connection:
            served = await payments.payments_by_ids(
                connection, account_id=demo_api.account_id, ids=[ids.payment]
            )
    finally:
        PREFETCHED.reset(token)
    assert [row.id for row in served] == [ids.payment]
