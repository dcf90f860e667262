"""Money a payment does not (or no longer) apply to invoices, on both backends: overpayments,
prepayments, applyPayment later with every allocation rule, reversals, and races for it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.api.billing_helpers import USER_ERRORS, create_project
from tests.api.test_clients import client_of
from tests.api.test_payment_races import Race, mutation, outcome
from tests.api.test_payments import (
    PAYMENT_FIELDS,
    alloc,
    free_invoice,
    invoice_money,
    money_snapshot,
    pay,
    reverse,
    try_pay,
)
from tests.conftest import Api

MONEY = "amount appliedAmount unappliedAmount refundedAmount client { id }"
APPLY_PAYMENT = f"""
mutation($input: ApplyPaymentInput!) {{
  applyPayment(input: $input) {{ payment {{ {MONEY} {PAYMENT_FIELDS} }} {USER_ERRORS} }}
}}"""
PAYMENT_MONEY = f"query($id: ID!) {{ payment(id: $id) {{ {MONEY} }} }}"


async def try_apply(api: Api, payment_id: str, *allocations: dict[str, Any]) -> dict[str, Any]:
    data = await api.gql(
        APPLY_PAYMENT, {"input": {"paymentId": payment_id, "allocations": list(allocations)}}
    )
    return dict(data["applyPayment"])


async def money_of(api: Api, payment_id: str) -> dict[str, Any]:
    return dict((await api.gql(PAYMENT_MONEY, {"id": payment_id}))["payment"])


def codes(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def test_an_overpayment_leaves_unapplied_money_applied_later(api: Api) -> None:
    project = await create_project(api)
    first, second = await free_invoice(api, project, "4800.00"), await free_invoice(api, project)
    payment = await pay(api, alloc(first, "4800.00"), amount="5000.00")
    money = await money_of(api, payment["id"])
    assert money["amount"] == "5000.00" and money["appliedAmount"] == "4800.00"
    assert money["unappliedAmount"] == "200.00" and money["refundedAmount"] == "0.00"
    assert money["client"]["id"] == await client_of(api, project)

    applied = await try_apply(api, payment["id"], alloc(second, "150.00"))
    assert applied["userErrors"] == []
    assert applied["payment"]["unappliedAmount"] == "50.00"
    assert applied["payment"]["appliedAmount"] == "4950.00"
    positions = [a["invoice"]["id"] for a in applied["payment"]["allocations"]]
    assert positions == [first, second]
    assert (await invoice_money(api, second))["balanceDue"] == "850.00"


async def test_a_prepayment_needs_its_client_and_currency(api: Api) -> None:
    project = await create_project(api)
    client = await client_of(api, project)
    missing = await try_pay(api, amount="100.00")
    assert codes(missing) == [(["clientId"], "INVALID")]
    no_currency = await try_pay(api, clientId=client, amount="100.00")
    assert codes(no_currency) == [(["currency"], "INVALID")]
    bad = await try_pay(api, clientId=client, amount="100.001", currency="USD")
    assert codes(bad) == [(["amount"], "INVALID_AMOUNT")]
    prepaid = await pay(api, clientId=client, amount="100.00", currency="USD")
    assert prepaid["allocations"] == []
    assert (await money_of(api, prepaid["id"]))["unappliedAmount"] == "100.00"
    short = await try_pay(api, alloc(await free_invoice(api, project), "60.00"), amount="50.00")
    assert codes(short) == [(["amount"], "INVALID_AMOUNT")]


async def test_apply_payment_follows_every_allocation_rule_all_or_nothing(api: Api) -> None:
    project = await create_project(api)
    invoice, other = await free_invoice(api, project, "100.00"), await free_invoice(api, project)
    draft = await free_invoice(api, project, issue=False)
    beta = await free_invoice(api, await create_project(api, clientName="Beta"))
    euro = await free_invoice(api, await create_project(api, currency="EUR"))
    client = await client_of(api, project)
    payment = (await pay(api, clientId=client, amount="300.00", currency="USD"))["id"]
    before = await money_snapshot(api)
    for allocations, expected in (
        ([alloc(invoice, "100.01")], (["allocations", "0", "amount"], "EXCEEDS_BALANCE_DUE")),
        ([alloc(draft, "1.00")], (["allocations", "0", "invoiceId"], "INVALID_STATE")),
        ([alloc(beta, "1.00")], (["allocations", "0", "invoiceId"], "CLIENT_MISMATCH")),
        ([alloc(euro, "1.00")], (["allocations", "0", "invoiceId"], "CURRENCY_MISMATCH")),
        ([alloc("inv_nope", "1.00")], (["allocations", "0", "invoiceId"], "NOT_FOUND")),
        ([alloc(invoice, "0")], (["allocations", "0", "amount"], "INVALID_AMOUNT")),
        (
            [alloc(invoice, "1.00"), alloc(invoice, "1.00")],
            (["allocations", "1", "invoiceId"], "DUPLICATE_INVOICE"),
        ),
        (
            [alloc(invoice, "100.00"), alloc(other, "200.01")],
            (["allocations"], "EXCEEDS_UNAPPLIED_AMOUNT"),
        ),
        ([], (["allocations"], "INVALID")),
    ):
        payload = await try_apply(api, payment, *allocations)
        assert payload["payment"] is None
        assert codes(payload) == [expected], allocations
    assert codes(await try_apply(api, "pay_nope", alloc(invoice, "1.00"))) == [
        (["paymentId"], "NOT_FOUND")
    ]
    assert await money_snapshot(api) == before  # nothing written by any refusal
    done = await try_apply(api, payment, alloc(invoice, "100.00"), alloc(other, "200.00"))
    assert done["payment"]["unappliedAmount"] == "0.00"
    assert (await invoice_money(api, invoice))["status"] == "PAID"
    assert codes(await try_apply(api, payment, alloc(other, "0.01"))) == [
        (["allocations", "0", "invoiceId"], "DUPLICATE_INVOICE")
    ]


async def test_a_reversal_returns_its_money_to_the_payment_to_apply_again(api: Api) -> None:
    project = await create_project(api)
    wrong, right = await free_invoice(api, project), await free_invoice(api, project)
    payment = await pay(api, alloc(wrong, "600.00"))
    await reverse(api, payment["allocations"][0]["id"], "Applied to the wrong invoice")
    money = await money_of(api, payment["id"])
    assert money["unappliedAmount"] == "600.00" and money["appliedAmount"] == "0.00"
    assert (await invoice_money(api, wrong))["balanceDue"] == "1000.00"
    moved = await try_apply(api, payment["id"], alloc(right, "600.00"))
    assert moved["userErrors"] == []
    assert moved["payment"]["unappliedAmount"] == "0.00"
    assert (await invoice_money(api, right))["amountPaid"] == "600.00"


async def test_applications_racing_for_the_same_unapplied_money_never_both_pass(
    api: Api,
) -> None:
    project = await create_project(api)
    client = await client_of(api, project)
    invoices = [await free_invoice(api, project, "100.00") for _ in range(12)]
    payment = (await pay(api, clientId=client, amount="500.00", currency="USD"))["id"]
    race = Race()

    async def apply(invoice_id: str) -> str:
        payload = await mutation(
            api,
            APPLY_PAYMENT,
            {"input": {"paymentId": payment, "allocations": [alloc(invoice_id, "100.00")]}},
            "applyPayment",
        )
        return outcome(payload, "payment")

    results = await race.run([lambda i=i: apply(i) for i in invoices])  # type: ignore[misc]
    assert race.most_in_flight > 1
    counts = Counter(results)
    assert counts == {"ok": 5, "EXCEEDS_UNAPPLIED_AMOUNT": 7}, counts
    money = await money_of(api, payment)
    assert money["unappliedAmount"] == "0.00" and money["appliedAmount"] == "500.00"
    paid = [(await invoice_money(api, i))["amountPaid"] for i in invoices]
    assert sorted(paid) == ["0.00"] * 7 + ["100.00"] * 5


async def test_applying_more_than_is_unapplied_names_the_money(api: Api) -> None:
    project = await create_project(api, currency="JPY")
    invoice = await free_invoice(api, project, "5000")
    payment = await pay(api, clientId=await client_of(api, project), amount="3000", currency="JPY")
    refused = await try_apply(api, payment["id"], alloc(invoice, "3001"))
    assert [e["message"] for e in refused["userErrors"]] == [
        "The allocations add up to more than the payment's unapplied amount (3000 JPY)."
    ]
