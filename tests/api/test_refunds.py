"""Refunds on both backends: unapplied payment money and unapplied credit go back; applied
money only after a reversal; two refunds of the same money never both pass."""

from __future__ import annotations

from collections import Counter

from tests.api.billing_helpers import create_project
from tests.api.credit_helpers import credit, line, note_of, try_refund_note, try_refund_payment
from tests.api.test_clients import client_of
from tests.api.test_payment_races import Race
from tests.api.test_payments import alloc, free_invoice, money_snapshot, pay, reverse
from tests.api.test_unapplied_payments import codes, money_of
from tests.conftest import Api

BALANCE = """query($c: ID!) { client(id: $c) { balance {
  receivedAmount appliedAmount unappliedCreditAmount refundedAmount unappliedPaymentAmount
  refundedPaymentAmount unappliedCreditNoteAmount refundedCreditNoteAmount } } }"""


async def test_unapplied_payment_money_is_refunded_and_applied_money_only_after_reversal(
    api: Api,
) -> None:
    project = await create_project(api)
    invoice = await free_invoice(api, project, "800.00")
    payment = await pay(api, alloc(invoice, "800.00"), amount="1000.00")
    refunded = await try_refund_payment(api, payment["id"], "150.00", "Overpaid")
    assert refunded["userErrors"] == []
    refund = refunded["refund"]
    assert refund["amount"] == "150.00" and refund["reason"] == "Overpaid"
    assert refund["payment"] == {"id": payment["id"]} and refund["creditNote"] is None
    assert refund["refundedOn"] == "2026-03-02"
    money = await money_of(api, payment["id"])
    assert money["unappliedAmount"] == "50.00" and money["refundedAmount"] == "150.00"
    before = await money_snapshot(api)
    for amount, reason, expected in (
        ("50.01", "x", [(["amount"], "EXCEEDS_UNAPPLIED_AMOUNT")]),
        ("0", "", [(["amount"], "INVALID_AMOUNT"), (["reason"], "INVALID")]),
    ):
        payload = await try_refund_payment(api, payment["id"], amount, reason)
        assert payload["refund"] is None and codes(payload) == expected
    assert codes(await try_refund_payment(api, "pay_nope", "1.00")) == [
        (["paymentId"], "NOT_FOUND")
    ]
    assert await money_snapshot(api) == before
    await reverse(api, payment["allocations"][0]["id"], "Wrong invoice")
    assert (await try_refund_payment(api, payment["id"], "850.00"))["userErrors"] == []
    [balance] = (await api.gql(BALANCE, {"c": await client_of(api, project)}))["client"]["balance"]
    assert balance == {
        "receivedAmount": "1000.00",
        "appliedAmount": "0.00",
        "unappliedCreditAmount": "0.00",
        "refundedAmount": "1000.00",
        "unappliedPaymentAmount": "0.00",
        "refundedPaymentAmount": "1000.00",
        "unappliedCreditNoteAmount": "0.00",
        "refundedCreditNoteAmount": "0.00",
    }


async def test_unapplied_credit_is_refunded(api: Api) -> None:
    project = await create_project(api)
    invoice = await free_invoice(api, project, "500.00")
    await pay(api, alloc(invoice, "500.00"))
    note = await credit(api, invoice, line("200.00"))
    assert codes(await try_refund_note(api, note["id"], "200.01")) == [
        (["amount"], "EXCEEDS_UNAPPLIED_AMOUNT")
    ]
    done = await try_refund_note(api, note["id"], "200.00", "Returned by wire")
    assert done["userErrors"] == [] and done["refund"]["creditNote"] == {"id": note["id"]}
    found = await note_of(api, note["id"])
    assert found["unappliedAmount"] == "0.00" and found["refundedAmount"] == "200.00"
    assert [r["amount"] for r in found["refunds"]] == ["200.00"]
    [balance] = (await api.gql(BALANCE, {"c": await client_of(api, project)}))["client"]["balance"]
    assert balance["refundedAmount"] == "200.00"
    assert balance["refundedCreditNoteAmount"] == "200.00"
    assert balance["receivedAmount"] == balance["appliedAmount"] == "500.00"
    node = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": done["refund"]["id"]})
    assert node["node"] == {"id": done["refund"]["id"]}


async def test_two_refunds_of_the_same_money_never_both_pass(api: Api) -> None:
    project = await create_project(api)
    client = await client_of(api, project)
    payment = (await pay(api, clientId=client, amount="300.00", currency="USD"))["id"]
    paid = await free_invoice(api, project, "300.00")
    await pay(api, alloc(paid, "300.00"))
    note = (await credit(api, paid, line("300.00")))["id"]
    race = Race()

    async def refund(kind: str) -> str:
        if kind == "payment":
            payload = await try_refund_payment(api, payment, "100.00")
        else:
            payload = await try_refund_note(api, note, "100.00")
        return "ok" if payload["refund"] else payload["userErrors"][0]["code"]

    kinds = ["payment", "note"] * 5
    results = await race.run([lambda k=k: refund(k) for k in kinds])  # type: ignore[misc]
    assert race.most_in_flight > 1
    assert Counter(zip(kinds, results, strict=True)) == {
        ("payment", "ok"): 3,
        ("payment", "EXCEEDS_UNAPPLIED_AMOUNT"): 2,
        ("note", "ok"): 3,
        ("note", "EXCEEDS_UNAPPLIED_AMOUNT"): 2,
    }
    assert (await money_of(api, payment))["refundedAmount"] == "300.00"
    assert (await note_of(api, note))["refundedAmount"] == "300.00"
