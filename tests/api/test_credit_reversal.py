"""Reversing applied credit, the distribution a credited invoice suggests, and a refund racing
an application of the same unapplied money, on both backends."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from tests.api.billing_helpers import USER_ERRORS, add_milestone, create_invoice, create_project
from tests.api.credit_helpers import (
    credit,
    line,
    note_of,
    try_apply_note,
    try_refund_note,
    try_refund_payment,
)
from tests.api.test_clients import client_of
from tests.api.test_distribution import shares, try_distribute
from tests.api.test_payment_races import Race, mutation, outcome
from tests.api.test_payments import alloc, free_invoice, invoice_money, pay
from tests.api.test_unapplied_payments import APPLY_PAYMENT, codes, money_of
from tests.conftest import Api

REVERSE = f"""
mutation($input: ReverseCreditApplicationInput!) {{
  reverseCreditApplication(input: $input) {{
    creditApplication {{ id amount atCreation reversedAt reversalReason invoice {{ id }} }}
    creditNote {{ id appliedAmount unappliedAmount }}
    {USER_ERRORS}
  }}
}}"""
APPLICATIONS = """
query($id: ID!) { creditNote(id: $id) { applications { id amount atCreation reversedAt
  invoice { id } } } }"""


async def try_reverse(
    api: Api, application_id: str, reason: str = "Wrong invoice", **more: Any
) -> dict[str, Any]:
    variables = {"input": {"creditApplicationId": application_id, "reason": reason, **more}}
    return dict((await api.gql(REVERSE, variables))["reverseCreditApplication"])


async def applications(api: Api, note_id: str) -> list[dict[str, Any]]:
    return list((await api.gql(APPLICATIONS, {"id": note_id}))["creditNote"]["applications"])


async def test_reversing_applied_credit_returns_it_to_the_note_to_refund(api: Api) -> None:
    project = await create_project(api)
    paid, other = await free_invoice(api, project, "300.00"), await free_invoice(api, project)
    await pay(api, alloc(paid, "300.00"))
    note = (await credit(api, paid, line("300.00")))["id"]
    applied = await try_apply_note(api, note, alloc(other, "300.00"))
    assert applied["userErrors"] == []
    refused = await try_refund_note(api, note, "300.00")  # applied money is not refundable
    assert codes(refused) == [(["amount"], "EXCEEDS_UNAPPLIED_AMOUNT")]
    [application] = [a for a in await applications(api, note) if not a["atCreation"]]
    assert application["invoice"]["id"] == other and application["amount"] == "300.00"

    reversed_ = await try_reverse(api, application["id"], idempotencyKey="rev-1")
    assert reversed_["userErrors"] == []
    assert reversed_["creditApplication"]["reversalReason"] == "Wrong invoice"
    assert reversed_["creditApplication"]["reversedAt"] is not None
    assert reversed_["creditNote"] == {
        "id": note,
        "appliedAmount": "0.00",
        "unappliedAmount": "300.00",
    }
    money = await invoice_money(api, other)
    assert (money["balanceDue"], money["status"]) == ("1000.00", "OPEN")
    # The same key replays the first answer; the application is reversed once.
    again = await try_reverse(api, application["id"], idempotencyKey="rev-1")
    assert again["creditNote"]["unappliedAmount"] == "300.00" and again["userErrors"] == []
    twice = await try_reverse(api, application["id"])
    assert codes(twice) == [(["creditApplicationId"], "INVALID_STATE")]
    refunded = await try_refund_note(api, note, "300.00")
    assert refunded["userErrors"] == [] and refunded["refund"]["amount"] == "300.00"
    found = await note_of(api, note)
    assert (found["appliedAmount"], found["unappliedAmount"], found["refundedAmount"]) == (
        "0.00",
        "0.00",
        "300.00",
    )


async def test_a_notes_own_credit_is_not_reversed_and_a_bad_id_is_not_found(
    api: Api, other_api: Api
) -> None:
    project = await create_project(api)
    invoice = await free_invoice(api, project, "500.00")
    note = (await credit(api, invoice, line("100.00")))["id"]
    [own] = await applications(api, note)
    assert own["atCreation"] is True and own["amount"] == "100.00"
    assert codes(await try_reverse(api, own["id"])) == [(["creditApplicationId"], "INVALID_STATE")]
    assert codes(await try_reverse(api, own["id"], reason=" ")) == [(["reason"], "INVALID")]
    assert codes(await try_reverse(other_api, own["id"])) == [
        (["creditApplicationId"], "NOT_FOUND")
    ]
    assert (await invoice_money(api, invoice))["balanceDue"] == "400.00"


async def test_the_suggested_distribution_splits_what_is_due_after_credit(api: Api) -> None:
    project = await create_project(api)
    design, build = [
        (await add_milestone(api, project, name=name, amount=amount))["id"]
        for name, amount in (("Design", "600.00"), ("Build", "400.00"))
    ]
    invoice = await create_invoice(
        api, project, lines=[{"milestoneId": design}, {"milestoneId": build}]
    )
    await credit(api, invoice["id"], line("200.00", None, milestoneId=design))
    await pay(api, alloc(invoice["id"], "800.00"))
    money = await invoice_money(api, invoice["id"])
    assert money["status"] == "PAID" and money["distributionRequired"] is True
    suggested = [
        (d["milestone"]["id"], d["lineAmount"], d["amount"], d["discount"])
        for d in money["suggestedDistribution"]
    ]
    # Design's line bills 400.00 after the credit: the 800.00 paid covers both lines in full.
    assert suggested == [
        (design, "400.00", "400.00", "0.00"),
        (build, "400.00", "400.00", "0.00"),
    ]
    done = await try_distribute(
        api, invoice["id"], distributions=shares(*((m, a) for m, _, a, _ in suggested))
    )
    assert done["userErrors"] == []


async def test_a_refund_racing_applications_of_the_same_money_never_both_pass(api: Api) -> None:
    project = await create_project(api)
    client = await client_of(api, project)
    invoices = [await free_invoice(api, project, "100.00") for _ in range(4)]
    payment = (await pay(api, clientId=client, amount="300.00", currency="USD"))["id"]
    race = Race()

    async def apply(invoice_id: str) -> str:
        variables = {"input": {"paymentId": payment, "allocations": [alloc(invoice_id, "100.00")]}}
        return outcome(await mutation(api, APPLY_PAYMENT, variables, "applyPayment"), "payment")

    async def refund() -> str:
        payload = await try_refund_payment(api, payment, "100.00")
        return "ok" if payload["refund"] else payload["userErrors"][0]["code"]

    makers = [lambda i=i: apply(i) for i in invoices] + [refund, refund]  # type: ignore[misc]
    results = await race.run(makers)
    assert race.most_in_flight > 1
    assert Counter(results) == {"ok": 3, "EXCEEDS_UNAPPLIED_AMOUNT": 3}, results
    money = await money_of(api, payment)
    applied, refunded = money["appliedAmount"], money["refundedAmount"]
    assert money["unappliedAmount"] == "0.00"
    assert Decimal(applied) + Decimal(refunded) == Decimal("300.00")
