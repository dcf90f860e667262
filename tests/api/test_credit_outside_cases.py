"""Cases an outside tester found in credit notes and unapplied payments, kept on both backends:
replays of mutations whose result is a prepared-statement row, voiding a note while its
milestone is billed again, and payments of nothing."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from tests.api.billing_helpers import USER_ERRORS, add_milestone, create_invoice, create_project
from tests.api.credit_helpers import APPLY_NOTE, VOID_NOTE, credit, line, try_refund_payment
from tests.api.test_clients import client_of
from tests.api.test_payments import alloc, free_invoice, pay, try_pay
from tests.api.test_unapplied_payments import APPLY_PAYMENT, codes
from tests.conftest import Api

UPDATE_MILESTONE = f"""
mutation($input: UpdateMilestoneInput!) {{
  updateMilestone(input: $input) {{ milestone {{ id }} {USER_ERRORS} }}
}}"""
CREATE_INVOICE = f"""
mutation($input: CreateInvoiceInput!) {{
  createInvoice(input: $input) {{ invoice {{ id }} {USER_ERRORS} }}
}}"""
MILESTONES = "query($id: ID!) { project(id: $id) { milestones { amount amountInvoiced } } }"


async def replayed(api: Api, document: str, name: str, input_: dict[str, Any]) -> None:
    """Send a mutation twice with one idempotency key; the retry gets the first answer."""
    keyed = {"input": {**input_, "idempotencyKey": f"{name}-retry"}}
    first = await api.gql(document, keyed)
    assert first[name]["userErrors"] == [], first
    assert await api.gql(document, keyed) == first


async def test_a_retried_apply_payment_gets_the_first_answer(api: Api) -> None:
    project = await create_project(api)
    invoice = await free_invoice(api, project)
    client = await client_of(api, project)
    payment = await pay(api, clientId=client, amount="500.00", currency="USD")
    allocations = [alloc(invoice, "100.00")]
    await replayed(
        api, APPLY_PAYMENT, "applyPayment", {"paymentId": payment["id"], "allocations": allocations}
    )


async def test_retried_apply_and_void_credit_note_get_the_first_answer(api: Api) -> None:
    project = await create_project(api)
    paid = await free_invoice(api, project, "300.00")
    await pay(api, alloc(paid, "300.00"))
    unapplied = await credit(api, paid, line("300.00"))
    target = await free_invoice(api, project)
    allocations = [alloc(target, "100.00")]
    await replayed(
        api,
        APPLY_NOTE,
        "applyCreditNote",
        {"creditNoteId": unapplied["id"], "allocations": allocations},
    )
    untouched = await credit(api, target, line("5.00"))
    await replayed(api, VOID_NOTE, "voidCreditNote", {"creditNoteId": untouched["id"]})


async def credited_milestone(api: Api) -> tuple[str, str, str]:
    """Return a project, its 1,000.00 milestone invoiced whole, and a note crediting 400.00."""
    project = await create_project(api)
    milestone = await add_milestone(api, project, name="Build", amount="1000.00")
    invoice = await create_invoice(api, project, lines=[{"milestoneId": milestone["id"]}])
    note = await credit(api, invoice["id"], line("400.00", None, milestoneId=milestone["id"]))
    return project, milestone["id"], note["id"]


@pytest.mark.parametrize("rival", ["createInvoice", "updateMilestone"])
async def test_voiding_a_note_never_lets_its_milestone_be_billed_twice(
    api: Api, rival: str
) -> None:
    for _ in range(4):
        project, milestone, note = await credited_milestone(api)
        if rival == "createInvoice":
            lines = [{"milestoneId": milestone, "amount": "400.00"}]
            other = api.gql(CREATE_INVOICE, {"input": {"projectId": project, "lines": lines}})
        else:
            other = api.gql(
                UPDATE_MILESTONE, {"input": {"milestoneId": milestone, "amount": "600.00"}}
            )
        void = api.gql(VOID_NOTE, {"input": {"creditNoteId": note}})
        answers = await asyncio.gather(other, void)
        assert (
            sum(
                answer[name]["userErrors"] == []
                for answer, name in zip(answers, (rival, "voidCreditNote"), strict=True)
            )
            == 1
        )
        [found] = (await api.gql(MILESTONES, {"id": project}))["project"]["milestones"]
        assert Decimal(found["amountInvoiced"]) <= Decimal(found["amount"]), found


async def test_a_payment_of_nothing_is_refused(api: Api) -> None:
    client = await client_of(api, await create_project(api))
    no_amount = await try_pay(api, clientId=client, currency="USD")
    assert codes(no_amount) == [(["amount"], "INVALID_AMOUNT")]
    zero = await try_pay(api, clientId=client, currency="USD", amount="0.00")
    assert codes(zero) == [(["amount"], "INVALID_AMOUNT")]
    nothing = await try_pay(api)
    assert codes(nothing) == [(["clientId"], "INVALID")]


async def test_refusals_name_amounts_in_the_currency(api: Api) -> None:
    client = await client_of(api, await create_project(api))
    payment = await pay(api, clientId=client, currency="USD", amount="20.00")
    refused = await try_refund_payment(api, payment["id"], "30.00")
    [error] = refused["userErrors"]
    assert error["code"] == "EXCEEDS_UNAPPLIED_AMOUNT" and "20.00 USD" in error["message"]
