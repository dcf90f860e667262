"""balance(asOf) and agingReport against a hand-computed history: invoices issued, paid, a
payment reversed, an invoice voided, a credit note, an overpayment partly refunded, each on
its own day by the injectable clock; every past day's figures are checked, and today's as-of
figures equal the current ones."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.api.billing_helpers import create_project
from tests.api.credit_helpers import credit, line, try_refund_payment, try_void_note
from tests.api.test_clients import client_of
from tests.api.test_payments import alloc, free_invoice, pay, reverse, void
from tests.conftest import Api

START = date(2026, 3, 2)  # tests/conftest.py's clock starts at 09:00 UTC that day
PROJECT_FIGURES = "invoicedAmount paidAmount creditedAmount outstandingAmount overdueAmount"
PROJECT = f"""query($id: ID!, $asOf: Date) {{ project(id: $id) {{
  asOf: balance(asOf: $asOf) {{ {PROJECT_FIGURES} discountAmount scheduledAmount unbilledAmount }}
  now: balance {{ {PROJECT_FIGURES} discountAmount scheduledAmount unbilledAmount }} }} }}"""
CLIENT_FIGURES = """currency invoicedAmount paidAmount creditedAmount outstandingAmount
  overdueAmount
  receivedAmount appliedAmount unappliedPaymentAmount refundedPaymentAmount
  unappliedCreditNoteAmount refundedCreditNoteAmount unappliedCreditAmount refundedAmount"""
CLIENT = f"""query($id: ID!, $asOf: Date) {{ client(id: $id) {{
  asOf: balance(asOf: $asOf) {{ {CLIENT_FIGURES} }} now: balance {{ {CLIENT_FIGURES} }} }} }}"""
AGING = """query($asOf: Date, $clientId: ID, $projectId: ID) {
  agingReport(asOf: $asOf, clientId: $clientId, projectId: $projectId) { asOf
    rows { client { name } currency current days1To30 days31To60 days61To90 over90 total }
    total { client { name } currency current days1To30 days31To60 days61To90 over90 total } } }"""


def day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


async def history(api: Api) -> dict[str, str]:
    """Élodie's project: A 1000, B 500, C 200 and Bob's E 300, all issued on day 0 (due on
    day 14); then day by day: pay, credit, reverse and void, overpay and refund."""
    cafe = await create_project(api, name="Café", clientName="Élodie")
    garage = await create_project(api, name="Garage", clientName="Bob")
    a, b, c = [await free_invoice(api, cafe, f"{amount}.00") for amount in (1000, 500, 200)]
    await free_invoice(api, garage, "300.00")
    api.clock.advance(days=1)  # day 1
    first = await pay(api, alloc(a, "400.00"))
    api.clock.advance(days=1)  # day 2
    await pay(api, alloc(b, "500.00"))
    await credit(api, a, line("100.00"))
    api.clock.advance(days=1)  # day 3
    await reverse(api, first["allocations"][0]["id"])
    assert (await void(api, c))["userErrors"] == []
    api.clock.advance(days=17)  # day 20
    over = await pay(api, alloc(a, "300.00"), amount="350.00")
    assert (await try_refund_payment(api, over["id"], "20.00"))["userErrors"] == []
    api.clock.advance(days=100)  # day 120: today
    client = "query($id: ID!) { project(id: $id) { client { id } } }"
    found = (await api.gql(client, {"id": cafe}))["project"]["client"]["id"]
    return {"project": cafe, "client": found, "garage": garage}


# day: (invoiced, paid, credited, outstanding, overdue), Élodie's project, by hand.
PROJECT_TABLE = {
    -1: ("0.00", "0.00", "0.00", "0.00", "0.00"),
    0: ("1700.00", "0.00", "0.00", "1700.00", "0.00"),
    1: ("1700.00", "400.00", "0.00", "1300.00", "0.00"),
    2: ("1700.00", "900.00", "100.00", "700.00", "0.00"),
    3: ("1500.00", "500.00", "100.00", "900.00", "0.00"),
    14: ("1500.00", "500.00", "100.00", "900.00", "0.00"),  # due today: not yet overdue
    15: ("1500.00", "500.00", "100.00", "900.00", "900.00"),
    20: ("1500.00", "800.00", "100.00", "600.00", "600.00"),
    120: ("1500.00", "800.00", "100.00", "600.00", "600.00"),
}
# day: (received, applied, unapplied payments, refunded payments), Élodie, by hand.
CLIENT_TABLE = {
    1: ("400.00", "400.00", "0.00", "0.00"),
    2: ("900.00", "900.00", "0.00", "0.00"),
    3: ("900.00", "500.00", "400.00", "0.00"),  # the reversal returns 400 unapplied
    20: ("1250.00", "800.00", "430.00", "20.00"),  # 350 received, 300 applied, 20 refunded
}


async def test_balances_as_of_each_past_day(api: Api) -> None:
    made = await history(api)
    for offset, expected in PROJECT_TABLE.items():
        found = await api.gql(PROJECT, {"id": made["project"], "asOf": day(offset)})
        figures = found["project"]["asOf"]
        assert tuple(figures[name] for name in PROJECT_FIGURES.split()) == expected, offset
        assert figures["discountAmount"] == "0.00"
    today = await api.gql(PROJECT, {"id": made["project"], "asOf": day(120)})
    assert today["project"]["asOf"] == today["project"]["now"]
    for offset, expected in CLIENT_TABLE.items():
        found = await api.gql(CLIENT, {"id": made["client"], "asOf": day(offset)})
        [usd] = found["client"]["asOf"]
        names = ("receivedAmount", "appliedAmount", "unappliedPaymentAmount")
        assert (*(usd[name] for name in names), usd["refundedPaymentAmount"]) == expected, offset
        assert usd["unappliedCreditNoteAmount"] == "0.00"  # the credit note fit A's balance
        assert usd["unappliedCreditAmount"] == usd["unappliedPaymentAmount"]
    before = await api.gql(CLIENT, {"id": made["client"], "asOf": day(-1)})
    assert before["client"]["asOf"] == []
    now = await api.gql(CLIENT, {"id": made["client"], "asOf": day(120)})
    assert now["client"]["asOf"] == now["client"]["now"]


async def test_a_day_after_today_is_refused(api: Api) -> None:
    made = await history(api)
    response = await api.post(PROJECT, {"id": made["project"], "asOf": day(121)})
    error = response.json()["errors"][0]
    assert error["extensions"] == {**error["extensions"], "code": "INVALID", "field": ["asOf"]}


def _row(name: str | None, **buckets: str) -> dict[str, Any]:
    zero = dict.fromkeys(("current", "days1To30", "days31To60", "days61To90", "over90"), "0.00")
    figures = {**zero, **buckets}
    total = sum(float(amount) for amount in figures.values())
    client = None if name is None else {"name": name}
    return {"client": client, "currency": "USD", **figures, "total": f"{total:.2f}"}


async def test_aging_by_days_past_due_on_past_days(api: Api) -> None:
    made = await history(api)

    async def aging(offset: int, **filters: str) -> dict[str, Any]:
        variables = {"asOf": day(offset), **filters}
        return dict((await api.gql(AGING, variables))["agingReport"])

    # Rows by client id; compare as sets of rows to stay independent of the random ids.
    def rows(report: dict[str, Any]) -> list[dict[str, Any]]:
        return sorted(report["rows"], key=lambda row: row["client"]["name"])

    first = await aging(0)
    assert first["asOf"] == day(0)
    assert rows(first) == [_row("Bob", current="300.00"), _row("Élodie", current="1700.00")]
    assert first["total"] == [_row(None, current="2000.00")]
    # Day 15: one day past due. B is paid (owes nothing), C void; A owes 1000 - 100 credited.
    assert rows(await aging(15)) == [
        _row("Bob", days1To30="300.00"),
        _row("Élodie", days1To30="900.00"),
    ]
    assert rows(await aging(50)) == [
        _row("Bob", days31To60="300.00"),
        _row("Élodie", days31To60="600.00"),
    ]
    assert rows(await aging(80)) == [
        _row("Bob", days61To90="300.00"),
        _row("Élodie", days61To90="600.00"),
    ]
    today = await aging(120)
    assert rows(today) == [_row("Bob", over90="300.00"), _row("Élodie", over90="600.00")]
    assert today["total"] == [_row(None, over90="900.00")]
    unasked = dict((await api.gql(AGING, {}))["agingReport"])
    assert unasked == today
    only_elodie = await aging(120, clientId=made["client"])
    assert only_elodie["rows"] == [_row("Élodie", over90="600.00")]
    only_garage = await aging(120, projectId=made["garage"])
    assert only_garage["total"] == [_row(None, over90="300.00")]


async def test_a_void_invoice_and_void_note_leave_no_currency_now_or_as_of_today(api: Api) -> None:
    project = await create_project(api)
    client = await client_of(api, project)
    invoice = await free_invoice(api, project, "100.00")
    note = await credit(api, invoice, line("10.00"))
    assert (await try_void_note(api, note["id"]))["userErrors"] == []
    await void(api, invoice)
    today = api.clock.today().isoformat()
    found = await api.gql(
        "query($c: ID!, $d: Date) { client(id: $c) { now: balance { currency } "
        "asOf: balance(asOf: $d) { currency } } }",
        {"c": client, "d": today},
    )
    assert found["client"]["now"] == found["client"]["asOf"] == []
