"""Crash safety: SIGKILL a live server while payments stream in, restart it, check the books.

A thread records external payments (and now and then reverses an earlier allocation) one after
another against one big invoice. Once enough of them are acknowledged - HTTP 200 with a payment
id, or with the reversed allocation - the server process gets SIGKILL in the middle of the
stream, twice, and is restarted on the same database each time. Afterwards:

- every acknowledged payment is still there (payment(id:) returns it, same amount), and every
  acknowledged reversal too;
- at most the one request in flight at each kill may have been written without an answer;
- amountPaid == the sum of the allocations not reversed, 0 <= balanceDue <= total,
  balanceDue == total - amountPaid, and the status matches amountPaid;
- the restarted server still refuses to take more than the balance, and takes exactly it.

SQLite (a file in WAL mode) and PostgreSQL (a cluster of its own with fsync and synchronous
commits on: the session's cluster runs without them, which is not what is being tested).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.postgres import postgres_bindir, throwaway_cluster
from tests.server.live import (
    create_account,
    graphql,
    migrate,
    start_server,
    stop_server,
    write_report,
)

KILL_DELAYS = (0.0, 0.004)  # one kill per delay, after the acknowledgement that reaches
ROUNDS = len(KILL_DELAYS)  # the target
ACKNOWLEDGED_BEFORE_KILL = 30  # per round
INVOICE_TOTAL = Decimal("1000000.00")
REVERSE_EVERY = 9  # every 9th request reverses an earlier acknowledged allocation

CREATE_PROJECT = """
mutation { createProject(input: {name: "Crash", clientName: "Crash Co", currency: "USD"}) {
  project { id } userErrors { code message } } }"""

CREATE_INVOICE = """
mutation($p: ID!, $amount: Decimal!) {
  createInvoice(input: {projectId: $p, lines: [{description: "Retainer", amount: $amount}]}) {
    invoice { id status total } userErrors { code message }
  }
}"""

PAY = """
mutation($input: RecordExternalPaymentInput!) {
  recordExternalPayment(input: $input) {
    payment { id amount allocations { id amount } } userErrors { code message }
  }
}"""

REVERSE = """
mutation($id: ID!) {
  reverseAllocation(input: {allocationId: $id, reason: "Bounced"}) {
    allocation { id reversedAt } userErrors { code message }
  }
}"""

PAYMENTS_PER_QUERY = 25  # aliases per request, under the limit of 30


def payments_query(count: int) -> str:
    """A query for `count` payments by id: p0: payment(id: $id0) ..."""
    variables = ", ".join(f"$id{i}: ID!" for i in range(count))
    fields = " ".join(f"p{i}: payment(id: $id{i}) {{ id amount }}" for i in range(count))
    return f"query({variables}) {{ {fields} }}"


INVOICE = """
query($id: ID!) {
  invoice(id: $id) {
    status total discount amountPaid balanceDue
    allocations { id amount reversedAt payment { id } }
  }
}"""


@dataclass
class Stream:
    """What the client sent and what the server acknowledged."""

    invoice_id: str
    sent: int = 0
    payments: dict[str, Decimal] = field(default_factory=dict)  # acknowledged: id -> amount
    allocations: dict[str, str] = field(default_factory=dict)  # allocation -> payment
    reversed: set[str] = field(default_factory=set)  # acknowledged reversals
    unanswered: int = 0  # requests the kill cut off (each may or may not have been written)
    refused: list[Any] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        return len(self.payments) + len(self.reversed)


def amount_of(i: int) -> Decimal:
    return Decimal(f"{i % 9 + 1}.{i * 37 % 100:02d}")


def stream_until_killed(base_url: str, key: str, stream: Stream, stop: threading.Event) -> None:
    """Send requests one after another until the server stops answering."""
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=10) as client:
        while not stop.is_set():
            i = stream.sent
            candidates = [a for a in stream.allocations if a not in stream.reversed]
            if i % REVERSE_EVERY == REVERSE_EVERY - 1 and candidates:
                target = candidates[i % len(candidates)]
                body: dict[str, Any] = {"query": REVERSE, "variables": {"id": target}}
            else:
                target = None
                allocation = {"invoiceId": stream.invoice_id, "amount": str(amount_of(i))}
                variables = {
                    "input": {"method": "WIRE", "reference": f"w{i}", "allocations": [allocation]}
                }
                body = {"query": PAY, "variables": variables}
            stream.sent += 1
            try:
                response = client.post("/graphql", json=body)
            except httpx.TransportError:
                stream.unanswered += 1
                return
            if response.status_code != 200:
                stream.refused.append((response.status_code, response.text[:300]))
                continue
            data = response.json().get("data") or {}
            if target is not None:
                payload = data.get("reverseAllocation") or {}
                if payload.get("allocation") and payload["allocation"]["reversedAt"]:
                    stream.reversed.add(target)
                else:
                    stream.refused.append(payload)
                continue
            payment = (data.get("recordExternalPayment") or {}).get("payment")
            if payment is None:
                stream.refused.append(response.text[:300])
                continue
            stream.payments[payment["id"]] = Decimal(payment["amount"])
            for allocation_ in payment["allocations"]:
                stream.allocations[allocation_["id"]] = payment["id"]


def kill_mid_stream(
    base_url: str, key: str, process: Any, stream: Stream, target: int, delay: float
) -> None:
    """Stream from a thread; SIGKILL the server `delay` s after `target` acknowledgements."""
    stop = threading.Event()
    thread = threading.Thread(target=stream_until_killed, args=(base_url, key, stream, stop))
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while stream.acknowledged < target and thread.is_alive():
            assert time.monotonic() < deadline, "the stream is too slow"
            time.sleep(0.001)
        time.sleep(delay)  # into the next request, wherever it is: parsing, SQL, commit
        stop_server(process, kill=True)  # SIGKILL: no shutdown, no flush, mid-request
        assert process.returncode == -9
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert stream.refused == [], stream.refused[:3]


def check_books(base_url: str, key: str, stream: Stream) -> dict[str, Any]:
    """Check every acknowledged write survived and the invoice adds up; return the invoice."""
    acknowledged = list(stream.payments.items())
    with httpx.Client() as client:
        for start in range(0, len(acknowledged), PAYMENTS_PER_QUERY):
            chunk = acknowledged[start : start + PAYMENTS_PER_QUERY]
            variables = {f"id{i}": payment_id for i, (payment_id, _) in enumerate(chunk)}
            found = graphql(base_url, key, payments_query(len(chunk)), variables, client=client)
            for i, (payment_id, amount) in enumerate(chunk):
                assert found[f"p{i}"] is not None, f"acknowledged payment {payment_id} is gone"
                assert Decimal(found[f"p{i}"]["amount"]) == amount
        invoice = graphql(base_url, key, INVOICE, {"id": stream.invoice_id}, client=client)
    invoice = invoice["invoice"]
    allocations = {a["id"]: a for a in invoice["allocations"]}
    assert set(stream.allocations) <= set(allocations), "an acknowledged allocation is gone"
    for allocation_id in stream.reversed:
        assert allocations[allocation_id]["reversedAt"], f"reversal of {allocation_id} is gone"
    # Only requests the kills cut off may have been written without an answer.
    unacknowledged_payments = len({a["payment"]["id"] for a in allocations.values()}) - len(
        stream.payments
    )
    unacknowledged_reversals = sum(
        1 for a in allocations.values() if a["reversedAt"] and a["id"] not in stream.reversed
    )
    written_unanswered = unacknowledged_payments + unacknowledged_reversals
    assert 0 <= written_unanswered <= stream.unanswered

    total, paid = Decimal(invoice["total"]), Decimal(invoice["amountPaid"])
    balance, discount = Decimal(invoice["balanceDue"]), Decimal(invoice["discount"])
    active = sum(
        (Decimal(a["amount"]) for a in allocations.values() if not a["reversedAt"]), Decimal(0)
    )
    assert paid == active
    assert Decimal(0) <= balance <= total
    assert balance == total - paid, (total, discount, paid, balance)
    expected_status = "OPEN" if paid == 0 else "PAID" if balance == 0 else "PARTIALLY_PAID"
    assert invoice["status"] == expected_status
    return {**invoice, "written_unanswered": written_unanswered}


def run_crash_test(database_url: str, workdir: Path, backend: str) -> None:
    migrate(database_url, workdir)
    key = create_account(database_url, workdir, f"Crash on {backend}")
    log = workdir / "serve.log"
    base_url, process = start_server(database_url, workdir, log)
    try:
        project = graphql(base_url, key, CREATE_PROJECT)["createProject"]["project"]["id"]
        created = graphql(
            base_url, key, CREATE_INVOICE, {"p": project, "amount": str(INVOICE_TOTAL)}
        )["createInvoice"]
        assert created["userErrors"] == [] and created["invoice"]["status"] == "OPEN", created
        stream = Stream(invoice_id=created["invoice"]["id"])

        for round_ in range(1, ROUNDS + 1):
            target, delay = ACKNOWLEDGED_BEFORE_KILL * round_, KILL_DELAYS[round_ - 1]
            kill_mid_stream(base_url, key, process, stream, target, delay)
            base_url, process = start_server(database_url, workdir, log)
            invoice = check_books(base_url, key, stream)

        # The restarted server still guards the balance, and takes exactly what is left.
        balance = Decimal(invoice["balanceDue"])
        for amount, expect_paid in ((balance + Decimal("0.01"), False), (balance, True)):
            allocation = {"invoiceId": stream.invoice_id, "amount": str(amount)}
            payload = graphql(
                base_url, key, PAY, {"input": {"method": "WIRE", "allocations": [allocation]}}
            )["recordExternalPayment"]
            if expect_paid:
                assert payload["userErrors"] == [], payload
                stream.payments[payload["payment"]["id"]] = amount
            else:
                assert [e["code"] for e in payload["userErrors"]] == ["EXCEEDS_BALANCE_DUE"]
        final = check_books(base_url, key, stream)
        assert final["status"] == "PAID" and Decimal(final["balanceDue"]) == 0

        found = {a["payment"]["id"] for a in final["allocations"]}
        summary = {
            "backend": backend,
            "kills": ROUNDS,
            "requests_sent": stream.sent,
            "payments_acknowledged": len(stream.payments) - 1,  # without the final payoff
            "reversals_acknowledged": len(stream.reversed),
            "unanswered_at_kill": stream.unanswered,
            "unanswered_but_written": final["written_unanswered"],
            "payments_found": len(found) - 1,
            "acknowledged_missing": len(set(stream.payments) - found),
        }
        write_report(f"crash-{backend}.json", summary)
        print(f"\ncrash safety on {backend}: {summary}")
    finally:
        stop_server(process)


def test_sqlite_keeps_every_acknowledged_payment_across_sigkill(tmp_path: Path) -> None:
    run_crash_test(f"sqlite+aiosqlite:///{tmp_path}/crash.db", tmp_path, "sqlite")


@pytest.fixture(scope="module")
def durable_postgres_url() -> Iterator[str]:
    """A database in a cluster of its own that syncs every commit to disk."""
    bindir = postgres_bindir()
    if bindir is None:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but no PostgreSQL binaries (initdb) were found")
        pytest.skip("no PostgreSQL binaries found (install Debian's postgresql package)")
    with throwaway_cluster(bindir, databases=("crash",), durable=True) as urls:
        yield urls["crash"]


def test_postgresql_keeps_every_acknowledged_payment_across_sigkill(
    durable_postgres_url: str, tmp_path: Path
) -> None:
    run_crash_test(durable_postgres_url, tmp_path, "postgresql")
