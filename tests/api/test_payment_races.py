"""Payments racing for the same balance through the HTTP app, on both backends and on Citus.

Every request runs concurrently on the session's event loop and opens its own database
connection from the engine's pool, so the balance checks really interleave: only the write
lock (BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE on PostgreSQL) keeps them apart.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func, select

from db.tables import Allocation, Invoice, MilestoneDistribution, Payment
from tests.api.billing_helpers import create_project
from tests.api.test_distribution import DISTRIBUTE, paid_three_line_invoice
from tests.api.test_payments import (
    RECORD_EXTERNAL_PAYMENT,
    RECORD_PAYMENT,
    REVERSE_ALLOCATION,
    VOID_INVOICE,
    alloc,
    free_invoice,
    pay,
)
from tests.conftest import ON_CITUS_TOO, Api

pytestmark = ON_CITUS_TOO

WIDTH = 16

A = Allocation.__table__.c  # type: ignore[attr-defined]
I = Invoice.__table__.c  # type: ignore[attr-defined]  # noqa: E741
P = Payment.__table__.c  # type: ignore[attr-defined]
D = MilestoneDistribution.__table__.c  # type: ignore[attr-defined]


class Race:
    """Run coroutines at most WIDTH at a time and record how many were in flight at once."""

    def __init__(self, width: int = WIDTH) -> None:
        self.semaphore = asyncio.Semaphore(width)
        self.in_flight = 0
        self.most_in_flight = 0

    async def _one(self, make: Callable[[], Awaitable[Any]]) -> Any:
        async with self.semaphore:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            try:
                return await make()
            finally:
                self.in_flight -= 1

    async def run(self, makers: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
        return list(await asyncio.gather(*(self._one(make) for make in makers)))


async def mutation(api: Api, document: str, variables: dict[str, Any], name: str) -> Any:
    """Return the payload of one mutation sent over HTTP; no top-level error is allowed."""
    response = await api.post(document, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"][name]


def outcome(payload: dict[str, Any], value: str) -> str:
    """Return 'ok' or the userError code of a payload (every one is reported: one code)."""
    if payload[value] is not None:
        assert payload["userErrors"] == []
        return "ok"
    [code] = {error["code"] for error in payload["userErrors"]}
    return str(code)


async def external_payment(api: Api, *allocations: dict[str, Any]) -> str:
    payload = await mutation(
        api,
        RECORD_EXTERNAL_PAYMENT,
        {"input": {"method": "WIRE", "allocations": list(allocations)}},
        "recordExternalPayment",
    )
    result = outcome(payload, "payment")
    if result == "ok":
        amounts = {a["invoice"]["id"]: a["amount"] for a in payload["payment"]["allocations"]}
        assert amounts == {a["invoiceId"]: a["amount"] for a in allocations}
    return result


async def ledger(api: Api, invoice_id: str) -> tuple[int, int, int, str]:
    """Return (sum of active allocations, their count, amount_paid, status) from the database."""
    async with api.engine.connect() as connection:
        active = await connection.execute(
            select(func.coalesce(func.sum(A.amount), 0), func.count()).where(
                A.account_id == api.account_id,
                A.invoice_id == invoice_id,
                A.reversed_at.is_(None),
            )
        )
        total, count = active.one()
        row = (
            await connection.execute(
                select(I.amount_paid, I.status).where(
                    I.account_id == api.account_id, I.id == invoice_id
                )
            )
        ).one()
    return int(total), int(count), int(row.amount_paid), str(row.status)


async def payment_rows(api: Api) -> list[tuple[str, int, int]]:
    """Return (payment id, amount, sum of its allocations) for every payment of the account."""
    async with api.engine.connect() as connection:
        sums = (
            select(A.payment_id, func.sum(A.amount).label("allocated"), func.count().label("n"))
            .where(A.account_id == api.account_id)
            .group_by(A.payment_id)
            .subquery()
        )
        rows = await connection.execute(
            select(P.id, P.amount, func.coalesce(sums.c.allocated, 0), sums.c.n)
            .outerjoin(sums, sums.c.payment_id == P.id)
            .where(P.account_id == api.account_id)
        )
        return [(row[0], int(row[1]), int(row[2]), int(row[3] or 0)) for row in rows]


async def test_thirty_payments_race_for_one_invoice(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id, "1000.00")
    race = Race()
    results = await race.run(
        [lambda: external_payment(api, alloc(invoice_id, "100.00")) for _ in range(30)]
    )
    assert race.most_in_flight == WIDTH  # they really ran side by side
    counts = Counter(results)
    assert counts["ok"] == 10, counts
    assert set(counts) <= {"ok", "EXCEEDS_BALANCE_DUE", "INVALID_STATE"}, counts
    assert counts["EXCEEDS_BALANCE_DUE"] + counts["INVALID_STATE"] == 20
    assert await ledger(api, invoice_id) == (100_000, 10, 100_000, "PAID")
    rows = await payment_rows(api)
    assert len(rows) == 10
    assert all(amount == allocated == 10_000 and n == 1 for _, amount, allocated, n in rows)
    data = await api.gql(
        "query($id: ID!) { invoice(id: $id) { status amountPaid balanceDue } }", {"id": invoice_id}
    )
    assert data["invoice"] == {"status": "PAID", "amountPaid": "1000.00", "balanceDue": "0.00"}


async def test_split_payments_race_with_payments_on_each_invoice(api: Api) -> None:
    project_id = await create_project(api)
    first = await free_invoice(api, project_id, "1000.00")
    second = await free_invoice(api, project_id, "1000.00")
    kinds = ["split", "first", "second"] * 10
    allocations = {
        "split": [alloc(first, "100.00"), alloc(second, "100.00")],
        "first": [alloc(first, "100.00")],
        "second": [alloc(second, "100.00")],
    }
    race = Race()
    results = await race.run(
        [lambda kind=kind: external_payment(api, *allocations[kind]) for kind in kinds]
    )
    assert race.most_in_flight == WIDTH
    won = Counter(kind for kind, result in zip(kinds, results, strict=True) if result == "ok")
    assert set(results) <= {"ok", "EXCEEDS_BALANCE_DUE", "INVALID_STATE"}, Counter(results)
    # Each invoice takes exactly 1,000.00: ten payments of 100.00 on it alone would fill it.
    assert won["split"] + won["first"] == 10, won
    assert won["split"] + won["second"] == 10, won
    for invoice_id in (first, second):
        assert await ledger(api, invoice_id) == (100_000, 10, 100_000, "PAID")
    # A split payment is applied in full or not at all.
    rows = await payment_rows(api)
    assert len(rows) == sum(won.values())
    assert Counter(n for *_, n in rows) == Counter(
        {2: won["split"], 1: won["first"] + won["second"]}
    )
    assert all(amount == allocated for _, amount, allocated, _ in rows)


async def test_concurrent_reversals_of_one_allocation_reverse_it_once(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id, "1000.00")
    await pay(api, alloc(invoice_id, "400.00"))
    allocation = (await pay(api, alloc(invoice_id, "600.00")))["allocations"][0]

    async def reverse() -> str:
        payload = await mutation(
            api,
            REVERSE_ALLOCATION,
            {"id": allocation["id"], "reason": "Wire recalled"},
            "reverseAllocation",
        )
        return outcome(payload, "allocation")

    results = await Race().run([reverse for _ in range(12)])
    assert Counter(results) == Counter({"ok": 1, "INVALID_STATE": 11})
    assert await ledger(api, invoice_id) == (40_000, 1, 40_000, "PARTIALLY_PAID")


async def test_a_payment_racing_a_void_never_lands_on_a_void_invoice(api: Api) -> None:
    project_id = await create_project(api)
    invoices = [await free_invoice(api, project_id, "100.00") for _ in range(4)]

    async def void(invoice_id: str) -> str:
        payload = await mutation(api, VOID_INVOICE, {"id": invoice_id}, "voidInvoice")
        return outcome(payload, "invoice")

    makers: list[Callable[[], Awaitable[Any]]] = []
    for invoice_id in invoices:
        makers.append(lambda i=invoice_id: external_payment(api, alloc(i, "100.00")))
        makers.append(lambda i=invoice_id: void(i))
    results = await Race().run(makers)
    for index, invoice_id in enumerate(invoices):
        paid, voided = results[2 * index], results[2 * index + 1]
        assert sorted([paid, voided]) == ["INVALID_STATE", "ok"], (paid, voided)
        total, count, amount_paid, status = await ledger(api, invoice_id)
        if paid == "ok":
            assert (total, count, amount_paid, status) == (10_000, 1, 10_000, "PAID")
        else:
            assert (total, count, amount_paid, status) == (0, 0, 0, "VOID")


async def test_a_reversal_racing_a_distribution_leaves_no_distribution_on_an_unpaid_invoice(
    api: Api,
) -> None:
    rounds = []
    for _ in range(3):
        _, invoice_id, _ = await paid_three_line_invoice(api)
        money = await api.gql(
            "query($id: ID!) { invoice(id: $id) { allocations { id } } }", {"id": invoice_id}
        )
        rounds.append((invoice_id, money["invoice"]["allocations"][0]["id"]))

    async def distribute(invoice_id: str) -> str:
        payload = await mutation(
            api,
            DISTRIBUTE,
            {"input": {"invoiceId": invoice_id, "proportional": True}},
            "distributeMilestonePayment",
        )
        return outcome(payload, "invoice")

    async def reverse(allocation_id: str) -> str:
        payload = await mutation(
            api, REVERSE_ALLOCATION, {"id": allocation_id, "reason": "Bounced"}, "reverseAllocation"
        )
        return outcome(payload, "allocation")

    makers: list[Callable[[], Awaitable[Any]]] = []
    for invoice_id, allocation_id in rounds:
        makers.append(lambda i=invoice_id: distribute(i))
        makers.append(lambda a=allocation_id: reverse(a))
    results = await Race().run(makers)
    assert set(results[1::2]) == {"ok"}  # every reversal goes through
    assert set(results[0::2]) <= {"ok", "INVALID_STATE"}
    async with api.engine.connect() as connection:
        left = await connection.scalar(
            select(func.count()).where(
                D.account_id == api.account_id, D.invoice_id.in_([i for i, _ in rounds])
            )
        )
    assert left == 0
    for invoice_id, _ in rounds:
        assert await ledger(api, invoice_id) == (0, 0, 0, "OPEN")


async def test_a_retried_processor_payment_racing_itself_is_recorded_once(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id, "1000.00")

    async def processor_payment() -> str:
        response = await api.post(
            RECORD_PAYMENT,
            {
                "input": {
                    "transactionId": "txn_retry42",
                    "allocations": [alloc(invoice_id, "100.00")],
                }
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        if body.get("errors"):
            return "unexpected: " + body["errors"][0]["message"]
        return outcome(body["data"]["recordPayment"], "payment")

    results = await Race().run([processor_payment for _ in range(8)])
    assert Counter(results) == Counter({"ok": 1, "TRANSACTION_ID_TAKEN": 7})
    assert await ledger(api, invoice_id) == (10_000, 1, 10_000, "PARTIALLY_PAID")
