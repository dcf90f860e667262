"""The events feed: refused and replayed mutations write none; filters; paging in order;
event data as the API shows the object after the change."""

from __future__ import annotations

import base64

import pytest

from tests.api.billing_helpers import add_milestone, create_invoice, create_project, free_line
from tests.api.credit_helpers import credit, line, note_of, try_apply_note, try_void_note
from tests.api.event_helpers import PAYMENT, events_after, mutation_document
from tests.conftest import Api

PAY = mutation_document("recordExternalPayment", PAYMENT)


async def test_refused_and_replayed_mutations_write_no_events(api: Api, other_api: Api) -> None:
    project = await create_project(api)
    invoice = await create_invoice(api, project, lines=[free_line("50.00")])
    _, cursor = await events_after(api)
    too_much = {"method": "CASH", "allocations": [{"invoiceId": invoice["id"], "amount": "60.00"}]}
    refused = await api.gql(PAY, {"input": too_much})
    assert refused["recordExternalPayment"]["userErrors"][0]["code"] == "EXCEEDS_BALANCE_DUE"
    assert (await events_after(api, cursor))[0] == []

    paid = {
        "method": "CASH",
        "allocations": [{"invoiceId": invoice["id"], "amount": "50.00"}],
        "idempotencyKey": "pay-once",
    }
    first = await api.gql(PAY, {"input": paid})
    replay = await api.gql(PAY, {"input": paid})
    assert replay == first
    events, _ = await events_after(api, cursor)
    assert [event["type"] for event in events] == ["payment.recorded", "invoice.paid"]
    payment, paid_invoice = (event["data"] for event in events)
    assert payment["amount"] == "50.00" and payment["method"] == "CASH"
    assert paid_invoice["status"] == "PAID" and paid_invoice["balanceDue"] == "0.00"
    # Another account's feed shows none of it.
    assert (await events_after(other_api))[0] == []


async def test_the_feed_filters_by_type_and_object_and_pages_in_order(api: Api) -> None:
    first = await create_project(api)
    second = await create_project(api)
    await add_milestone(api, first, amount="10.00")
    everything, _ = await events_after(api)
    # The first project's client name is new: its client comes with it.
    assert [event["type"] for event in everything] == [
        "client.created",
        "project.created",
        "project.created",
        "milestone.added",
    ]
    created, _ = await events_after(api, types=["project.created"])
    assert [event["objectId"] for event in created] == [first, second]
    about_second, _ = await events_after(api, objectId=second)
    assert [event["type"] for event in about_second] == ["project.created"]
    one_by_one = []
    cursor = None
    for _ in range(4):
        data = await api.gql(
            "query($after: String) { events(first: 1, after: $after) "
            "{ nodes { id } pageInfo { endCursor } totalCount } }",
            {"after": cursor},
        )
        one_by_one += [node["id"] for node in data["events"]["nodes"]]
        cursor = data["events"]["pageInfo"]["endCursor"]
        assert data["events"]["totalCount"] == 4
    assert one_by_one == [event["id"] for event in everything]
    response = await api.post('{ events(types: ["project.exploded"]) { totalCount } }')
    error = response.json()["errors"][0]
    assert error["extensions"]["field"] == ["types", "0"]
    assert "project.exploded" in error["message"]


async def test_credit_and_dated_issue_events_carry_the_object_as_it_now_is(api: Api) -> None:
    project = await create_project(api)
    invoice = await create_invoice(api, project, lines=[free_line("50.00")])
    await api.gql(PAY, {"input": {"method": "CASH", "allocations": [_pay(invoice, "30.00")]}})
    other = await create_invoice(api, project, lines=[free_line("10.00")])
    _, cursor = await events_after(api)

    settling = await credit(api, invoice["id"], line("20.00"))
    events, cursor = await events_after(api, cursor)
    # Credit that settles an invoice is told as a payment that settles one.
    assert [event["type"] for event in events] == ["credit_note.issued", "invoice.paid"]
    assert events[0]["data"]["appliedAmount"] == settling["appliedAmount"] == "20.00"
    paid = events[1]["data"]
    assert (paid["status"], paid["balanceDue"], paid["creditedAmount"]) == ("PAID", "0.00", "20.00")

    spare = await credit(api, invoice["id"], line("10.00"))  # nothing left to pay: unapplied
    applied = await try_apply_note(api, spare["id"], _pay(other, "10.00"))
    assert applied["userErrors"] == []
    events, cursor = await events_after(api, cursor)
    assert [event["type"] for event in events] == [
        "credit_note.issued",
        "credit_note.applied",
        "invoice.paid",
    ]
    now = await note_of(api, spare["id"])
    assert events[1]["data"]["appliedAmount"] == now["appliedAmount"] == "10.00"
    assert events[1]["data"]["unappliedAmount"] == now["unappliedAmount"] == "0.00"

    untouched = await create_invoice(api, project, lines=[free_line("8.00")])
    _, cursor = await events_after(api)
    voided = await try_void_note(api, (await credit(api, untouched["id"], line("3.00")))["id"])
    assert voided["userErrors"] == []
    events, cursor = await events_after(api, cursor)
    assert [event["type"] for event in events] == ["credit_note.issued", "credit_note.voided"]
    assert events[1]["data"]["status"] == voided["creditNote"]["status"] == "VOID"
    assert events[1]["data"]["appliedAmount"] == "0.00"

    draft = await create_invoice(api, project, lines=[free_line("5.00")], issue=False)
    _, cursor = await events_after(api, cursor)
    dates = {"invoiceId": draft["id"], "issuedOn": "2026-03-01", "dueOn": "2026-03-20"}
    issued = await api.gql(ISSUE, {"input": dates})
    assert issued["issueInvoice"]["userErrors"] == []
    [event], _ = await events_after(api, cursor)
    assert event["type"] == "invoice.issued"
    assert (event["data"]["issuedOn"], event["data"]["dueOn"]) == ("2026-03-01", "2026-03-20")


ISSUE = mutation_document("issueInvoice", "invoice { id }")


def _pay(invoice: dict[str, str], amount: str) -> dict[str, str]:
    return {"invoiceId": invoice["id"], "amount": amount}


@pytest.mark.parametrize(
    "text",
    [
        "evt:9223372036854775808",
        "evt:-9223372036854775809",
        "evt:" + "9" * 21,
        "evt: 3",
        "evt:+3",
        "evt:3_0",
        "evt:\u0663",
        "evt:",
        "evt:-1",
    ],
)
async def test_a_cursor_no_sequence_could_have_is_invalid_not_an_internal_error(
    api: Api, text: str
) -> None:
    """Found from outside: a number past 64 bits reached the database (INTERNAL, a logged
    traceback), and int() took spaces, signs, underscores and other scripts' digits."""
    cursor = base64.urlsafe_b64encode(text.encode()).decode()
    response = await api.post(
        "query($after: String) { events(first: 2, after: $after) { nodes { id } } }",
        {"after": cursor},
    )
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID" and error["extensions"]["field"] == ["after"]
