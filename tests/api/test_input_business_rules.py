"""Issue 13's input rules, through GraphQL on both backends: every userError of an input at
once, allocations in the order given, one rule for float amounts, unpriced milestones, "-0"."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import (
    ADD_MILESTONE,
    add_milestone,
    create_project,
    create_schedule,
    errors,
    snapshot,
    try_create_invoice,
    try_create_schedule,
)
from tests.api.test_payments import (
    alloc,
    free_invoice,
    money_snapshot,
    pay,
    try_pay,
    try_processor_pay,
    void,
)
from tests.conftest import Api

PAYMENT = """
query($id: ID!) { payment(id: $id) { allocations { amount invoice { id } } } }"""


async def test_a_payment_reports_every_bad_allocation(api: Api) -> None:
    project_id = await create_project(api)
    good = await free_invoice(api, project_id, "100.00")
    voided = await free_invoice(api, project_id, "100.00")
    await void(api, voided)
    before = await money_snapshot(api)
    payload = await try_pay(
        api,
        alloc(good, "100.00"),
        alloc(good, "5.00"),
        alloc(voided, "1.00"),
        alloc("inv_unknown", "1.00"),
        alloc(good, "1.005"),
        attrs=["not", "an", "object"],
    )
    assert payload["payment"] is None
    assert errors(payload) == [
        (["attrs"], "INVALID"),
        (["allocations", "1", "invoiceId"], "DUPLICATE_INVOICE"),
        (["allocations", "2", "invoiceId"], "INVALID_STATE"),
        (["allocations", "3", "invoiceId"], "NOT_FOUND"),
        (["allocations", "4", "invoiceId"], "DUPLICATE_INVOICE"),
    ]
    over = await try_pay(api, alloc(good, "100.01"), alloc(voided, "-1.00"))
    assert errors(over) == [
        (["allocations", "0", "amount"], "EXCEEDS_BALANCE_DUE"),
        (["allocations", "1", "invoiceId"], "INVALID_STATE"),
    ]
    assert await money_snapshot(api) == before


async def test_a_schedule_reports_every_bad_item(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    before = await snapshot(api)
    payload = await try_create_schedule(
        api,
        project_id,
        items=[
            {"name": "", "percentage": "50", "trigger": "a"},
            {"name": "B", "percentage": "150", "trigger": "b"},
            {"name": "C", "percentage": "25", "amount": "25.00", "trigger": "c"},
            {"name": "D", "percentage": "25", "trigger": "d", "runDate": "2026-04-01"},
        ],
    )
    assert payload["invoiceSchedule"] is None
    assert errors(payload) == [
        (["items", "0", "name"], "INVALID"),
        (["items", "1", "percentage"], "INVALID"),
        (["items", "2"], "INVALID"),
        (["items", "3", "runDate"], "RUN_DATES_OUT_OF_ORDER"),  # after items without one
    ]
    assert await snapshot(api) == before


async def test_a_reused_transaction_id_names_the_payment_that_has_it(api: Api) -> None:
    project_id = await create_project(api)
    invoice_id = await free_invoice(api, project_id)
    first = await try_processor_pay(api, "txn_reused", alloc(invoice_id, "10.00"))
    again = await try_processor_pay(api, "txn_reused", alloc(invoice_id, "10.00"))
    assert errors(again) == [(["transactionId"], "TRANSACTION_ID_TAKEN")]
    assert first["payment"]["id"] in again["userErrors"][0]["message"]
    malformed = await try_processor_pay(api, "txn-bad!", alloc(invoice_id, "10.00"))
    assert errors(malformed) == [(["transactionId"], "INVALID")]


async def test_allocations_keep_the_order_they_were_given_in(api: Api) -> None:
    project_id = await create_project(api)
    invoices = [await free_invoice(api, project_id, "100.00") for _ in range(8)]
    order = [invoices[i] for i in (5, 2, 7, 0, 3, 6, 1, 4)]
    amounts = [f"{n}.00" for n in range(1, 9)]
    payment = await pay(api, *[alloc(i, a) for i, a in zip(order, amounts, strict=True)])
    assert [a["invoice"]["id"] for a in payment["allocations"]] == order
    read = (await api.gql(PAYMENT, {"id": payment["id"]}))["payment"]["allocations"]
    assert [(a["invoice"]["id"], a["amount"]) for a in read] == list(
        zip(order, amounts, strict=True)
    )


INLINE_FLOAT = """
mutation($invoiceId: ID!) {
  recordExternalPayment(input: {method: CHECK, allocations: [{invoiceId: $invoiceId,
    amount: 100.5}]}) { payment { id } userErrors { field message code } }
}"""


async def test_a_float_amount_is_refused_inline_as_in_variables(api: Api) -> None:
    invoice_id = await free_invoice(api, await create_project(api))
    inline = (await api.gql(INLINE_FLOAT, {"invoiceId": invoice_id}))["recordExternalPayment"]
    variables = await try_pay(api, alloc(invoice_id, 100.5))
    for payload in (inline, variables):
        assert payload["payment"] is None
        assert errors(payload) == [(["allocations", "0", "amount"], "INVALID_AMOUNT")]


async def test_a_milestone_without_an_amount_is_unpriced_until_scheduled(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    omitted = await add_milestone(api, project_id, name="Design")
    zero = await add_milestone(api, project_id, name="Build", amount="0")
    assert (omitted["amount"], zero["amount"]) == ("0.00", "0.00")
    assert omitted["status"] == zero["status"] == "PLANNED"
    schedule = await create_schedule(
        api,
        project_id,
        items=[
            {"name": "Design", "percentage": "40", "milestoneId": omitted["id"]},
            {"name": "Build", "percentage": "60", "milestoneId": zero["id"]},
        ],
    )
    assert [i["milestone"]["amount"] for i in schedule["items"]] == ["40.00", "60.00"]


async def add(api: Api, project_id: str, amount: Any) -> dict[str, Any]:
    data = await api.gql(
        ADD_MILESTONE, {"input": {"projectId": project_id, "name": "M", "amount": amount}}
    )
    return dict(data["addMilestone"])


async def test_minus_zero_is_zero_not_negative(api: Api) -> None:
    project_id = await create_project(api)
    assert (await add(api, project_id, "-0.00"))["milestone"]["amount"] == "0.00"
    negative = await add(api, project_id, "-0.01")
    assert errors(negative) == [(["amount"], "INVALID_AMOUNT")]
    assert "negative" in negative["userErrors"][0]["message"]
    invoice_id = await free_invoice(api, project_id)
    refused = await try_pay(api, alloc(invoice_id, "-0"))
    assert errors(refused) == [(["allocations", "0", "amount"], "INVALID_AMOUNT")]
    assert "greater than zero" in refused["userErrors"][0]["message"]


VOID_DESCRIPTION = """
{ __type(name: "Invoice") { fields { name description } } }"""


async def test_the_schema_says_a_void_invoice_owes_nothing(api: Api) -> None:
    fields = (await api.gql(VOID_DESCRIPTION))["__type"]["fields"]
    [balance_due] = [f for f in fields if f["name"] == "balanceDue"]
    assert "VOID" in balance_due["description"]


async def test_an_invoice_reports_every_bad_line(api: Api) -> None:
    project_id = await create_project(api)
    before = await snapshot(api)
    payload = await try_create_invoice(
        api,
        project_id,
        lines=[
            {"description": "x", "amount": "-1"},
            {"description": "y", "amount": "1.001"},
            {"milestoneId": "ms_nope"},
        ],
        discount="abc",
    )
    assert errors(payload) == [
        (["lines", "0", "amount"], "INVALID_AMOUNT"),
        (["lines", "1", "amount"], "INVALID_AMOUNT"),
        (["lines", "2", "milestoneId"], "NOT_FOUND"),
        (["discount"], "INVALID_AMOUNT"),
    ]
    assert await snapshot(api) == before


async def test_an_inline_boolean_amount_is_said_not_to_be_an_amount(api: Api) -> None:
    project_id = await create_project(api)
    data = await api.gql(
        f'mutation {{ addMilestone(input: {{projectId: "{project_id}", name: "f", '
        "amount: true}) { milestone { id } userErrors { field message code } } }"
    )
    [error] = data["addMilestone"]["userErrors"]
    assert error["field"] == ["amount"]
    assert "ValueNode" not in error["message"]
    assert "true and false are not amounts" in error["message"]
