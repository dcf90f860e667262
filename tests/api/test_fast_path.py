"""The fast query path answers exactly what the plain graphql-core path answers."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.conftest import Api, make_app

RICH_QUERIES: list[tuple[str, dict[str, Any]]] = [
    (
        """{ projects(first: 50) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor
        endCursor } edges { cursor node { id name clientName currency contractValue
        paymentTermsDays balance { currency contractValue scheduledAmount invoicedAmount
        paidAmount discountAmount outstandingAmount overdueAmount unbilledAmount }
        milestones { id name trigger position amount plannedOn completedAt status
        amountInvoiced amountPaid discount paid project { id } invoices { number }
        scheduleItem { name percentage amount runDate status invoice { number } } } } } } }""",
        {},
    ),
    (
        """{ projects(first: 10) { nodes { name invoices(first: 5) { totalCount nodes {
        id number status currency memo issuedOn dueOn subtotal discount total amountPaid
        balanceDue overdue createdAt voidedAt project { name }
        lines { id description amount milestone { name status } }
        allocations { id amount externalPayment transactionId attrs reversedAt
          reversalReason createdAt modifiedAt invoice { number }
          payment { id method reference receivedOn amount currency externalPayment
            transactionId attrs allocations { amount } } }
        progress { contractValue invoicedBefore paidBefore thisInvoice remainingAfter }
        distributionRequired suggestedDistribution { lineAmount amount discount
          milestone { name } }
        milestoneDistributions { amount discount milestone { name paid } } } } } } }""",
        {},
    ),
    (
        """{ projects { nodes { invoiceSchedules { id number status notes currency totalAmount
        billedAmount unbilledAmount nextRunDate invoiceSeparately createdAt
        items { id sequence name percentage amount runDate status milestone { name }
          invoice { number total } } } } } }""",
        {},
    ),
    (
        """query Page($first: Int, $status: InvoiceStatus, $skip: Boolean!) {
          listing: projects(first: $first) { nodes { __typename ...Names
            paid: invoices(status: $status) { totalCount nodes { number status } }
            open: invoices(status: OPEN, first: 1) { pageInfo { hasNextPage } nodes { number } }
            balance @skip(if: $skip) { paidAmount }
            milestones @include(if: $skip) { name }
          } } }
        fragment Names on Project { name alias: clientName ... on Project { currency } }""",
        {"first": 3, "status": "PAID", "skip": True},
    ),
    (
        """{ projects { nodes { milestones { id name amount plannedOn completedAt
        project { name } invoices { number } } } } }""",
        {},
    ),
    ("""{ projects(first: 101) { totalCount } }""", {}),
    ("""{ projects(after: "bm9wZQ==") { totalCount } }""", {}),
    ("""{ node(id: "prj_nothing") { id } project(id: "prj_nothing") { name } }""", {}),
    ("""{ invoice(id: "inv_nothing") { number } payment(id: "x") { id } }""", {}),
    ("""{ __schema { queryType { name } } }""", {}),
]


async def answers(api: Api, *, fast: bool) -> list[Any]:
    transport = httpx.ASGITransport(app=make_app(api.engine, api.clock, fast_queries=fast))
    results = []
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for query, variables in RICH_QUERIES:
            response = await client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {api.read_key}"},
            )
            body = response.json()
            body.pop("extensions", None)
            results.append((response.status_code, json.dumps(body, sort_keys=True)))
    return results


async def test_fast_and_plain_paths_give_identical_responses(demo_api: Api) -> None:
    fast, plain = await answers(demo_api, fast=True), await answers(demo_api, fast=False)
    for (query, _), fast_answer, plain_answer in zip(RICH_QUERIES, fast, plain, strict=True):
        assert fast_answer == plain_answer, query
    # The comparison is only worth something if the data is rich.
    assert '"status": "PAID"' in fast[1][1] and '"reversedAt"' in fast[1][1]
    assert '"percentage": "25"' in fast[2][1]


async def test_the_fast_path_runs_one_statement_per_level(demo_api: Api) -> None:
    query = (
        "{ projects(first: 50) { nodes { name milestones { name } invoices { nodes { "
        "lines { amount } allocations { amount payment { method } } } } } } }"
    )
    response = await demo_api.post(query)
    stats = response.json()["extensions"]["stats"]
    # page, milestones, invoice pages, lines, allocations (payments are joined in); the key
    # lookup is not counted (server/auth.py)
    assert stats["sqlStatements"] == 5
