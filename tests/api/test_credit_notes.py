"""Credit notes on both backends: numbering, what may be credited, the balance they lower,
unapplied credit applied to the client's invoices, voiding, milestones, and races."""

from __future__ import annotations

from collections import Counter

from tests.api.billing_helpers import add_milestone, create_invoice, create_project, get_project
from tests.api.credit_helpers import (
    credit,
    line,
    note_of,
    try_apply_note,
    try_credit,
    try_void_note,
)
from tests.api.test_clients import client_of
from tests.api.test_payment_races import Race
from tests.api.test_payments import alloc, free_invoice, invoice_money, money_snapshot, pay, void
from tests.api.test_unapplied_payments import codes
from tests.conftest import Api


async def test_a_credit_note_lowers_the_balance_due_and_can_settle_the_invoice(api: Api) -> None:
    project = await create_project(api)
    invoice = await free_invoice(api, project, "1000.00")
    await pay(api, alloc(invoice, "600.00"))
    note = await credit(api, invoice, line("150.00"), line("50.00", "Late delivery"))
    assert note["number"] == "CN-000001" and note["status"] == "ISSUED"
    assert note["amount"] == "200.00" and note["appliedAmount"] == "200.00"
    assert note["unappliedAmount"] == "0.00" and note["reason"] == "Billed twice"
    assert note["invoice"] == {
        "id": invoice,
        "status": "PARTIALLY_PAID",
        "amountPaid": "600.00",
        "creditedAmount": "200.00",
        "balanceDue": "200.00",
    }
    assert note["client"]["id"] == await client_of(api, project)
    second = await credit(api, invoice, line("200.00"))
    assert second["number"] == "CN-000002"
    assert second["invoice"]["status"] == "PAID" and second["invoice"]["balanceDue"] == "0.00"
    node = await api.gql(
        "query($id: ID!) { node(id: $id) { id ... on CreditNote { number } } }",
        {"id": second["id"]},
    )
    assert node["node"] == {"id": second["id"], "number": "CN-000002"}
    balance = (await get_project(api, project))["balance"]
    assert balance["outstandingAmount"] == "0.00"


async def test_credit_beyond_the_balance_due_is_unapplied_and_applied_to_another_invoice(
    api: Api,
) -> None:
    project = await create_project(api)
    paid, other = await free_invoice(api, project, "1000.00"), await free_invoice(api, project)
    await pay(api, alloc(paid, "1000.00"))
    note = await credit(api, paid, line("300.00"))
    assert note["appliedAmount"] == "0.00" and note["unappliedAmount"] == "300.00"
    assert note["invoice"]["status"] == "PAID" and note["invoice"]["creditedAmount"] == "0.00"
    applied = await try_apply_note(api, note["id"], alloc(other, "120.00"))
    assert applied["userErrors"] == []
    assert applied["creditNote"]["unappliedAmount"] == "180.00"
    assert applied["creditNote"]["appliedAmount"] == "120.00"
    money = await invoice_money(api, other)
    assert money["balanceDue"] == "880.00" and money["status"] == "PARTIALLY_PAID"
    query = (
        "query($c: ID!) { client(id: $c) { balance { creditedAmount outstandingAmount "
        "unappliedCreditAmount unappliedCreditNoteAmount } } }"
    )
    [balance] = (await api.gql(query, {"c": await client_of(api, project)}))["client"]["balance"]
    assert balance == {
        "creditedAmount": "120.00",
        "outstandingAmount": "880.00",
        "unappliedCreditAmount": "180.00",
        "unappliedCreditNoteAmount": "180.00",
    }


async def test_what_may_be_credited_and_every_refusal_writes_nothing(api: Api) -> None:
    project = await create_project(api)
    invoice = await free_invoice(api, project, "100.00")
    draft = await free_invoice(api, project, issue=False)
    voided = await free_invoice(api, project)
    await void(api, voided)
    await credit(api, invoice, line("40.00"))
    before = await money_snapshot(api)
    for invoice_id, lines, fields, expected in (
        (invoice, [line("60.01")], {}, [(["lines"], "EXCEEDS_CREDITABLE_AMOUNT")]),
        (draft, [line("1.00")], {}, [(["invoiceId"], "INVALID_STATE")]),
        (voided, [line("1.00")], {}, [(["invoiceId"], "INVALID_STATE")]),
        ("inv_nope", [line("1.00")], {}, [(["invoiceId"], "NOT_FOUND")]),
        (invoice, [], {}, [(["lines"], "INVALID")]),
        (
            invoice,
            [line("0"), line("1.00", None)],
            {"reason": " "},
            [
                (["reason"], "INVALID"),
                (["lines", "0", "amount"], "INVALID_AMOUNT"),
                (["lines", "1", "description"], "INVALID"),
            ],
        ),
        (
            invoice,
            [line("1.00", milestoneId="ms_nope")],
            {},
            [(["lines", "0", "milestoneId"], "NOT_FOUND")],
        ),
    ):
        payload = await try_credit(api, invoice_id, *lines, **fields)
        assert payload["creditNote"] is None
        assert sorted(codes(payload)) == sorted(expected), (invoice_id, lines)
    assert await money_snapshot(api) == before
    # Refusals hand out no number: the next note is CN-000002.
    assert (await credit(api, invoice, line("60.00")))["number"] == "CN-000002"


async def test_a_milestone_line_lowers_what_the_milestone_has_invoiced(api: Api) -> None:
    project = await create_project(api)
    design = await add_milestone(api, project, name="Design", amount="1000.00")
    build = await add_milestone(api, project, name="Build", amount="500.00")
    invoice = await create_invoice(
        api, project, lines=[{"milestoneId": design["id"]}, {"milestoneId": build["id"]}]
    )
    refused = await try_credit(api, invoice["id"], line("500.01", milestoneId=build["id"]))
    assert codes(refused) == [(["lines", "0", "amount"], "EXCEEDS_CREDITABLE_AMOUNT")]
    note = await credit(api, invoice["id"], line("300.00", None, milestoneId=design["id"]))
    assert note["lines"] == [
        {"description": "Design", "amount": "300.00", "milestone": {"id": design["id"]}}
    ]
    found = await get_project(api, project)
    invoiced = {m["name"]: m["amountInvoiced"] for m in found["milestones"]}
    assert invoiced == {"Design": "700.00", "Build": "500.00"}
    assert found["balance"]["unbilledAmount"] == "300.00"
    # The credited 300.00 can be invoiced again; then the note can no longer be voided.
    again = await create_invoice(api, project, lines=[{"milestoneId": design["id"]}])
    assert again["total"] == "300.00"
    assert codes(await try_void_note(api, note["id"])) == [(["creditNoteId"], "INVALID_STATE")]
    # Paying the rest of the invoice settles it: paid 1200 + credited 300 = total 1500.
    await pay(api, alloc(invoice["id"], "1200.00"))
    distributions = await api.gql(
        "query($id: ID!) { invoice(id: $id) { status distributionRequired } }",
        {"id": invoice["id"]},
    )
    assert distributions["invoice"] == {"status": "PAID", "distributionRequired": True}
    proportional = await api.gql(
        "mutation($id: ID!) { distributeMilestonePayment(input: {invoiceId: $id, "
        "proportional: true}) { milestones { name amountPaid discount } userErrors { code } } }",
        {"id": invoice["id"]},
    )
    shares = {
        m["name"]: (m["amountPaid"], m["discount"])
        for m in proportional["distributeMilestonePayment"]["milestones"]
    }
    assert shares == {"Design": ("700.00", "0.00"), "Build": ("500.00", "0.00")}


async def test_voiding_an_untouched_note_gives_the_credit_back(api: Api) -> None:
    project = await create_project(api)
    invoice, other = await free_invoice(api, project, "500.00"), await free_invoice(api, project)
    note = await credit(api, invoice, line("200.00"))
    voided = await try_void_note(api, note["id"])
    assert voided["userErrors"] == []
    assert voided["creditNote"]["status"] == "VOID" and voided["creditNote"]["voidedAt"]
    assert voided["creditNote"]["invoice"]["balanceDue"] == "500.00"
    assert codes(await try_void_note(api, note["id"])) == [(["creditNoteId"], "INVALID_STATE")]
    assert codes(await try_apply_note(api, note["id"], alloc(other, "1.00"))) == [
        (["creditNoteId"], "INVALID_STATE")
    ]
    await pay(api, alloc(invoice, "500.00"))
    used = await credit(api, invoice, line("100.00"))
    assert (await try_apply_note(api, used["id"], alloc(other, "10.00")))["userErrors"] == []
    assert codes(await try_void_note(api, used["id"])) == [(["creditNoteId"], "INVALID_STATE")]
    # An invoice with credit notes cannot be voided until they are.
    assert [e["code"] for e in (await void(api, other))["userErrors"]] == ["INVALID_STATE"]


async def test_apply_credit_note_follows_the_allocation_rules(api: Api) -> None:
    project = await create_project(api)
    paid, open_ = await free_invoice(api, project, "100.00"), await free_invoice(api, project)
    beta = await free_invoice(api, await create_project(api, clientName="Beta"))
    await pay(api, alloc(paid, "100.00"))
    note = (await credit(api, paid, line("100.00")))["id"]
    before = await money_snapshot(api)
    for allocations, expected in (
        ([alloc(beta, "1.00")], (["allocations", "0", "invoiceId"], "CLIENT_MISMATCH")),
        ([alloc(paid, "1.00")], (["allocations", "0", "invoiceId"], "INVALID_STATE")),
        ([alloc(open_, "100.01")], (["allocations"], "EXCEEDS_UNAPPLIED_AMOUNT")),
        (
            [alloc(open_, "1.00"), alloc(open_, "1.00")],
            (["allocations", "1", "invoiceId"], "DUPLICATE_INVOICE"),
        ),
        ([], (["allocations"], "INVALID")),
    ):
        payload = await try_apply_note(api, note, *allocations)
        assert payload["creditNote"] is None and codes(payload) == [expected], allocations
    assert codes(await try_apply_note(api, "cn_nope", alloc(open_, "1.00"))) == [
        (["creditNoteId"], "NOT_FOUND")
    ]
    assert await money_snapshot(api) == before


async def test_credit_note_numbers_are_gapless_under_concurrency(api: Api) -> None:
    project = await create_project(api)
    invoices = [await free_invoice(api, project, "10.00") for _ in range(8)]
    race = Race()

    async def one(invoice_id: str) -> str:
        payload = await try_credit(api, invoice_id, line("10.00"))
        return payload["creditNote"]["number"]

    numbers = await race.run([lambda i=i: one(i) for i in invoices])  # type: ignore[misc]
    assert race.most_in_flight > 1
    assert sorted(numbers) == [f"CN-{n:06d}" for n in range(1, 9)]


async def test_applications_racing_for_the_same_credit_never_both_pass(api: Api) -> None:
    project = await create_project(api)
    paid = await free_invoice(api, project, "300.00")
    await pay(api, alloc(paid, "300.00"))
    note = (await credit(api, paid, line("300.00")))["id"]
    invoices = [await free_invoice(api, project, "100.00") for _ in range(7)]
    race = Race()

    async def apply(invoice_id: str) -> str:
        payload = await try_apply_note(api, note, alloc(invoice_id, "100.00"))
        return "ok" if payload["creditNote"] else payload["userErrors"][0]["code"]

    results = Counter(await race.run([lambda i=i: apply(i) for i in invoices]))  # type: ignore[misc]
    assert race.most_in_flight > 1
    assert results == {"ok": 3, "EXCEEDS_UNAPPLIED_AMOUNT": 4}, results
    found = await note_of(api, note)
    assert found["unappliedAmount"] == "0.00" and found["appliedAmount"] == "300.00"
