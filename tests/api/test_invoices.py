"""Invoices through /graphql, on both backends: lines, discounts, issuing and numbering,
voiding, overdue, milestone and project figures, progress, paging, tenancy and concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.api.billing_helpers import (
    ISSUE_INVOICE,
    VOID_INVOICE,
    add_milestone,
    complete,
    create_invoice,
    create_project,
    create_schedule,
    errors,
    free_line,
    get_invoice,
    get_project,
    run_schedule,
    snapshot,
    stages,
    try_create_invoice,
)
from tests.conftest import ON_CITUS_TOO, Api

pytestmark = ON_CITUS_TOO

PAGE = """
query($id: ID!, $first: Int, $after: String, $status: InvoiceStatus) {
  project(id: $id) {
    invoices(first: $first, after: $after, status: $status) {
      totalCount
      edges { cursor node { id number status } }
      nodes { id }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}"""


async def issue(api: Api, invoice_id: str) -> dict[str, Any]:
    return dict((await api.gql(ISSUE_INVOICE, {"id": invoice_id}))["issueInvoice"])


async def void(api: Api, invoice_id: str) -> dict[str, Any]:
    return dict((await api.gql(VOID_INVOICE, {"id": invoice_id}))["voidInvoice"])


async def milestone_of(api: Api, project_id: str, milestone_id: str) -> dict[str, Any]:
    project = await get_project(api, project_id)
    return next(m for m in project["milestones"] if m["id"] == milestone_id)


# --- lines and discounts ------------------------------------------------------------------


async def test_a_milestone_line_defaults_to_what_is_left_to_invoice(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    milestone = await add_milestone(api, project_id, name="Designs approved", amount="2500.00")
    first = await create_invoice(
        api, project_id, lines=[{"milestoneId": milestone["id"], "amount": "1000.00"}]
    )
    assert first["lines"] == [
        {
            "description": "Designs approved",
            "amount": "1000.00",
            "milestone": {"id": milestone["id"], "name": "Designs approved"},
        }
    ]
    rest = await create_invoice(api, project_id, lines=[{"milestoneId": milestone["id"]}])
    assert rest["lines"][0]["amount"] == "1500.00"
    assert rest["total"] == "1500.00"

    before = await snapshot(api)
    nothing_left = await try_create_invoice(
        api, project_id, lines=[{"milestoneId": milestone["id"]}]
    )
    assert nothing_left["invoice"] is None
    assert [code for _, code in errors(nothing_left)] == ["EXCEEDS_UNINVOICED_AMOUNT"]
    assert await snapshot(api) == before


async def test_a_milestone_line_above_the_uninvoiced_amount_is_refused(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    milestone = await add_milestone(api, project_id, amount="2500.00")
    await create_invoice(
        api, project_id, lines=[{"milestoneId": milestone["id"], "amount": "2000"}]
    )
    before = await snapshot(api)
    payload = await try_create_invoice(
        api,
        project_id,
        lines=[{"milestoneId": milestone["id"], "amount": "500.01"}],
    )
    assert payload["invoice"] is None
    assert errors(payload) == [(["lines", "0", "amount"], "EXCEEDS_UNINVOICED_AMOUNT")]
    assert await snapshot(api) == before
    # Exactly what is left is fine, and the line may carry its own description.
    ok = await create_invoice(
        api,
        project_id,
        lines=[{"milestoneId": milestone["id"], "amount": "500.00", "description": "Balance"}],
    )
    assert ok["lines"][0]["description"] == "Balance"


async def test_a_draft_reserves_its_milestone_amount(api: Api) -> None:
    project_id = await create_project(api)
    milestone = await add_milestone(api, project_id, amount="100.00")
    await create_invoice(api, project_id, issue=False, lines=[{"milestoneId": milestone["id"]}])
    payload = await try_create_invoice(
        api, project_id, lines=[{"milestoneId": milestone["id"], "amount": "0.01"}]
    )
    assert errors(payload) == [(["lines", "0", "amount"], "EXCEEDS_UNINVOICED_AMOUNT")]


async def test_free_lines_and_an_invoice_level_discount(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    milestone = await add_milestone(api, project_id, amount="2500.00")
    invoice = await create_invoice(
        api,
        project_id,
        lines=[{"milestoneId": milestone["id"]}, free_line("300.00", "Extra hosting")],
        discount="250.00",
        memo="Thanks!",
    )
    assert (invoice["subtotal"], invoice["discount"], invoice["total"]) == (
        "2800.00",
        "250.00",
        "2550.00",
    )
    assert invoice["balanceDue"] == "2550.00"
    assert invoice["amountPaid"] == "0.00"
    assert invoice["memo"] == "Thanks!"
    assert invoice["lines"][1] == {
        "description": "Extra hosting",
        "amount": "300.00",
        "milestone": None,
    }
    balance = (await get_project(api, project_id))["balance"]
    assert balance["discountAmount"] == "250.00"
    assert balance["invoicedAmount"] == "2550.00"


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"lines": [{"amount": "10.00"}]}, ["lines", "0", "description"], "INVALID"),
        (
            {"lines": [{"description": "  ", "amount": "10.00"}]},
            ["lines", "0", "description"],
            "INVALID",
        ),
        ({"lines": [{"description": "Work"}]}, ["lines", "0", "amount"], "INVALID_AMOUNT"),
        ({"lines": [free_line("10.001")]}, ["lines", "0", "amount"], "INVALID_AMOUNT"),
        ({"lines": [free_line("-10.00")]}, ["lines", "0", "amount"], "INVALID_AMOUNT"),
        ({"lines": [free_line("0")]}, ["lines", "0", "amount"], "INVALID_AMOUNT"),
        ({"lines": [free_line("1e3")]}, ["lines", "0", "amount"], "INVALID_AMOUNT"),
        (
            {"lines": [free_line("10.00"), free_line("Infinity")]},
            ["lines", "1", "amount"],
            "INVALID_AMOUNT",
        ),
        ({"lines": []}, ["lines"], "INVALID"),
        ({"lines": [free_line("10.00")], "discount": "10.00"}, ["discount"], "INVALID_AMOUNT"),
        ({"lines": [free_line("10.00")], "discount": "10.01"}, ["discount"], "INVALID_AMOUNT"),
        ({"lines": [free_line("10.00")], "discount": "-1.00"}, ["discount"], "INVALID_AMOUNT"),
        ({"lines": [free_line("10.00")], "discount": "0.001"}, ["discount"], "INVALID_AMOUNT"),
        ({"lines": [{"milestoneId": "ms_unknown"}]}, ["lines", "0", "milestoneId"], "NOT_FOUND"),
        ({"projectId": "prj_unknown", "lines": [free_line("1.00")]}, ["projectId"], "NOT_FOUND"),
    ],
)
async def test_bad_invoice_input_is_refused_and_consumes_no_number(
    api: Api, fields: dict[str, Any], field: list[str], code: str
) -> None:
    project_id = await create_project(api)
    fields = dict(fields)
    before = await snapshot(api)
    payload = await try_create_invoice(api, fields.pop("projectId", project_id), **fields)
    assert payload["invoice"] is None
    assert errors(payload) == [(field, code)]
    assert await snapshot(api) == before
    assert (await create_invoice(api, project_id, lines=[free_line("1.00")]))[
        "number"
    ] == "INV-000001"


async def test_a_milestone_twice_on_one_invoice_is_refused(api: Api) -> None:
    project_id = await create_project(api)
    milestone = await add_milestone(api, project_id, amount="100.00")
    before = await snapshot(api)
    payload = await try_create_invoice(
        api,
        project_id,
        lines=[
            {"milestoneId": milestone["id"], "amount": "10.00"},
            {"milestoneId": milestone["id"], "amount": "10.00"},
        ],
    )
    assert errors(payload) == [(["lines", "1", "milestoneId"], "INVALID")]
    assert await snapshot(api) == before


async def test_a_zero_discount_is_no_discount(api: Api) -> None:
    project_id = await create_project(api)
    invoice = await create_invoice(api, project_id, lines=[free_line("10.00")], discount="0")
    assert (invoice["discount"], invoice["total"]) == ("0.00", "10.00")


async def test_amounts_follow_the_project_currency(api: Api) -> None:
    yen = await create_project(api, currency="JPY")
    invoice = await create_invoice(api, yen, lines=[free_line("5400")], discount="400")
    assert (invoice["currency"], invoice["subtotal"], invoice["total"]) == ("JPY", "5400", "5000")
    refused = await try_create_invoice(api, yen, lines=[free_line("5400.5")])
    assert errors(refused) == [(["lines", "0", "amount"], "INVALID_AMOUNT")]


# --- issuing, numbering, voiding ----------------------------------------------------------


async def test_create_issues_by_default(api: Api) -> None:
    project_id = await create_project(api, paymentTermsDays=30)
    invoice = await create_invoice(api, project_id, lines=[free_line("100.00")])
    assert invoice["id"].startswith("inv_")
    assert invoice["number"] == "INV-000001"
    assert invoice["status"] == "OPEN"
    assert (invoice["issuedOn"], invoice["dueOn"]) == ("2026-03-02", "2026-04-01")
    assert invoice["overdue"] is False


async def test_a_draft_has_no_number_until_issued(api: Api) -> None:
    project_id = await create_project(api)  # net 14
    draft = await create_invoice(api, project_id, lines=[free_line("100.00")], issue=False)
    assert draft["status"] == "DRAFT"
    assert (draft["number"], draft["issuedOn"], draft["dueOn"]) == (None, None, None)
    assert draft["overdue"] is False
    assert (await get_project(api, project_id))["balance"]["invoicedAmount"] == "0.00"

    later = await create_invoice(api, project_id, lines=[free_line("5.00")])
    assert later["number"] == "INV-000001"  # a draft takes no number

    api.clock.advance(days=3)
    issued = await issue(api, draft["id"])
    assert issued["userErrors"] == []
    invoice = issued["invoice"]
    assert (invoice["number"], invoice["status"]) == ("INV-000002", "OPEN")
    assert (invoice["issuedOn"], invoice["dueOn"]) == ("2026-03-05", "2026-03-19")

    before = await snapshot(api)
    again = await issue(api, draft["id"])
    assert again["invoice"] is None
    assert errors(again) == [(["invoiceId"], "INVALID_STATE")]
    assert await snapshot(api) == before
    assert ((await get_invoice(api, draft["id"])) or {})["number"] == "INV-000002"


async def test_numbers_are_gapless_and_a_void_invoice_keeps_its_number(api: Api) -> None:
    project_id = await create_project(api)
    invoices = [
        await create_invoice(api, project_id, lines=[free_line(amount)])
        for amount in ("1.00", "2.00", "3.00")
    ]
    assert [i["number"] for i in invoices] == ["INV-000001", "INV-000002", "INV-000003"]

    refused = await try_create_invoice(api, project_id, lines=[free_line("1.00")], discount="5")
    assert refused["invoice"] is None

    second = (await get_project(api, project_id))["balance"]
    voided = await void(api, invoices[1]["id"])
    assert voided["userErrors"] == []
    assert (voided["invoice"]["status"], voided["invoice"]["number"]) == ("VOID", "INV-000002")
    assert voided["invoice"]["balanceDue"] == "0.00"
    assert voided["invoice"]["overdue"] is False
    after = (await get_project(api, project_id))["balance"]
    assert (second["invoicedAmount"], after["invoicedAmount"]) == ("6.00", "4.00")

    again = await void(api, voided["invoice"]["id"])
    assert again["invoice"] is None
    assert errors(again) == [(["invoiceId"], "INVALID_STATE")]
    reissue = await issue(api, voided["invoice"]["id"])
    assert errors(reissue) == [(["invoiceId"], "INVALID_STATE")]

    nxt = await create_invoice(api, project_id, lines=[free_line("4.00")])
    assert nxt["number"] == "INV-000004"


async def test_numbers_are_per_account(api: Api, other_api: Api) -> None:
    mine = await create_project(api)
    theirs = await create_project(other_api)
    assert (await create_invoice(api, mine, lines=[free_line("1.00")]))["number"] == "INV-000001"
    assert (await create_invoice(other_api, theirs, lines=[free_line("1.00")]))[
        "number"
    ] == "INV-000001"
    assert (await create_invoice(api, mine, lines=[free_line("1.00")]))["number"] == "INV-000002"


async def test_a_draft_can_be_voided_without_taking_a_number(api: Api) -> None:
    project_id = await create_project(api)
    draft = await create_invoice(api, project_id, lines=[free_line("1.00")], issue=False)
    voided = await void(api, draft["id"])
    assert (voided["invoice"]["status"], voided["invoice"]["number"]) == ("VOID", None)
    assert (await create_invoice(api, project_id, lines=[free_line("1.00")]))[
        "number"
    ] == "INV-000001"


# --- overdue ------------------------------------------------------------------------------


async def test_overdue_follows_the_clock(api: Api) -> None:
    project_id = await create_project(api)  # net 14: due 2026-03-16
    invoice = await create_invoice(api, project_id, lines=[free_line("120.00")])
    assert invoice["dueOn"] == "2026-03-16"

    api.clock.advance(days=14)  # the due date itself
    on_due = await get_invoice(api, invoice["id"])
    assert on_due is not None and on_due["overdue"] is False
    assert (await get_project(api, project_id))["balance"]["overdueAmount"] == "0.00"

    api.clock.advance(days=1)
    late = await get_invoice(api, invoice["id"])
    assert late is not None and late["overdue"] is True
    balance = (await get_project(api, project_id))["balance"]
    assert balance["overdueAmount"] == late["balanceDue"] == "120.00"
    assert balance["outstandingAmount"] == "120.00"


async def test_drafts_and_void_invoices_are_never_overdue(api: Api) -> None:
    project_id = await create_project(api, paymentTermsDays=0)
    draft = await create_invoice(api, project_id, lines=[free_line("1.00")], issue=False)
    voided = await create_invoice(api, project_id, lines=[free_line("2.00")])
    await void(api, voided["id"])
    open_one = await create_invoice(api, project_id, lines=[free_line("4.00")])
    api.clock.advance(days=1)
    states = [await get_invoice(api, i) for i in (draft["id"], voided["id"], open_one["id"])]
    assert [s["overdue"] for s in states if s] == [False, False, True]
    assert (await get_project(api, project_id))["balance"]["overdueAmount"] == "4.00"


# --- milestone figures --------------------------------------------------------------------


async def test_milestone_status_and_amount_invoiced(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    milestone = await add_milestone(api, project_id, amount="2500.00")
    assert (milestone["status"], milestone["amountInvoiced"]) == ("PLANNED", "0.00")
    done = await complete(api, milestone["id"])
    assert done["milestone"]["status"] == "COMPLETED"

    invoice = await create_invoice(
        api, project_id, lines=[{"milestoneId": milestone["id"], "amount": "1000.00"}]
    )
    state = await milestone_of(api, project_id, milestone["id"])
    assert (state["status"], state["amountInvoiced"]) == ("INVOICED", "1000.00")

    await void(api, invoice["id"])
    state = await milestone_of(api, project_id, milestone["id"])
    assert (state["status"], state["amountInvoiced"]) == ("COMPLETED", "0.00")
    # The voided amount is free to invoice again.
    again = await create_invoice(api, project_id, lines=[{"milestoneId": milestone["id"]}])
    assert again["total"] == "2500.00"
    state = await milestone_of(api, project_id, milestone["id"])
    assert (state["status"], state["amountInvoiced"]) == ("INVOICED", "2500.00")


async def test_an_invoiced_milestone_that_is_not_completed_shows_invoiced(api: Api) -> None:
    project_id = await create_project(api)
    milestone = await add_milestone(api, project_id, amount="10.00")
    await create_invoice(api, project_id, lines=[{"milestoneId": milestone["id"]}])
    state = await milestone_of(api, project_id, milestone["id"])
    assert (state["status"], state["completedAt"]) == ("INVOICED", None)


# --- project balance ----------------------------------------------------------------------


async def test_project_balance_counts_issued_invoices_only(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    schedule = await create_schedule(api, project_id, items=stages(25, 25, 25, 25))
    ms = [item["milestone"]["id"] for item in schedule["items"]]

    await create_invoice(
        api, project_id, lines=[{"milestoneId": ms[0]}, free_line("300.00")], discount="100.00"
    )
    await create_invoice(api, project_id, issue=False, lines=[{"milestoneId": ms[1]}])
    voided = await create_invoice(api, project_id, lines=[{"milestoneId": ms[2]}])
    await void(api, voided["id"])
    await create_invoice(api, project_id, lines=[{"milestoneId": ms[3], "amount": "1000.00"}])

    balance = (await get_project(api, project_id))["balance"]
    assert balance == {
        "contractValue": "10000.00",
        "scheduledAmount": "10000.00",
        "invoicedAmount": "3700.00",  # 2500 + 300 - 100, and 1000; no draft, no void
        "paidAmount": "0.00",
        "discountAmount": "100.00",
        "outstandingAmount": "3700.00",
        "overdueAmount": "0.00",
        "unbilledAmount": "6500.00",  # 10000 - (2500 + 1000) on milestone lines
    }


async def test_a_schedule_run_shows_in_the_balance(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    schedule = await create_schedule(api, project_id, items=stages(25, 25, 50))
    await run_schedule(api, schedule["id"])
    balance = (await get_project(api, project_id))["balance"]
    assert (balance["invoicedAmount"], balance["unbilledAmount"]) == ("2500.00", "7500.00")


# --- progress -----------------------------------------------------------------------------


async def test_progress_of_a_final_invoice(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    schedule = await create_schedule(api, project_id, items=stages(25, 25, 50))
    ran = [await run_schedule(api, schedule["id"]) for _ in range(3)]
    first, second, final = (r["invoices"][0]["id"] for r in ran)

    progress = {i: ((await get_invoice(api, i)) or {})["progress"] for i in (first, second, final)}
    assert progress[first] == {
        "contractValue": "10000.00",
        "invoicedBefore": "0.00",
        "paidBefore": "0.00",
        "thisInvoice": "2500.00",
        "remainingAfter": "7500.00",
    }
    assert progress[second]["invoicedBefore"] == "2500.00"
    assert progress[second]["remainingAfter"] == "5000.00"
    assert progress[final] == {
        "contractValue": "10000.00",
        "invoicedBefore": "5000.00",
        "paidBefore": "0.00",
        "thisInvoice": "5000.00",
        "remainingAfter": "0.00",
    }


async def test_progress_ignores_other_projects_and_void_invoices(api: Api) -> None:
    project_id = await create_project(api, contractValue="1000.00")
    elsewhere = await create_project(api, contractValue="1000.00")
    await create_invoice(api, elsewhere, lines=[free_line("50.00")])
    voided = await create_invoice(api, project_id, lines=[free_line("70.00")])
    await void(api, voided["id"])
    await create_invoice(api, project_id, lines=[free_line("100.00")])
    draft = await create_invoice(api, project_id, lines=[free_line("300.00")], issue=False)
    last = await create_invoice(api, project_id, lines=[free_line("200.00")])

    progress = ((await get_invoice(api, last["id"])) or {})["progress"]
    assert (progress["invoicedBefore"], progress["thisInvoice"], progress["remainingAfter"]) == (
        "100.00",
        "200.00",
        "700.00",
    )
    draft_progress = ((await get_invoice(api, draft["id"])) or {})["progress"]
    assert draft_progress["invoicedBefore"] == "300.00"  # every issued invoice of the project
    assert draft_progress["remainingAfter"] == "400.00"


async def test_progress_without_a_contract_value(api: Api) -> None:
    project_id = await create_project(api)
    invoice = await create_invoice(api, project_id, lines=[free_line("10.00")])
    progress = ((await get_invoice(api, invoice["id"])) or {})["progress"]
    assert (progress["contractValue"], progress["remainingAfter"]) == (None, None)
    assert progress["thisInvoice"] == "10.00"


# --- Project.invoices connection ----------------------------------------------------------


async def test_project_invoices_page_and_filter_by_status(api: Api) -> None:
    project_id = await create_project(api)
    created = []
    for n in range(1, 7):
        invoice = await create_invoice(api, project_id, lines=[free_line(f"{n}.00")], issue=n != 5)
        created.append(invoice["id"])
        api.clock.advance(seconds=1)  # distinct creation times: the order is then certain
    await void(api, created[1])
    other_project = await create_project(api)
    await create_invoice(api, other_project, lines=[free_line("9.00")])

    seen: list[str] = []
    after = None
    pages = []
    while True:
        data = await api.gql(PAGE, {"id": project_id, "first": 4, "after": after})
        page = data["project"]["invoices"]
        assert page["totalCount"] == 6
        assert [e["node"]["id"] for e in page["edges"]] == [n["id"] for n in page["nodes"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [n["id"] for n in page["nodes"]]
        pages.append(len(page["nodes"]))
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]
    assert pages == [4, 2]
    assert seen == created

    open_page = (await api.gql(PAGE, {"id": project_id, "first": 2, "status": "OPEN"}))["project"][
        "invoices"
    ]
    assert open_page["totalCount"] == 4
    assert [e["node"]["status"] for e in open_page["edges"]] == ["OPEN", "OPEN"]
    assert [n["id"] for n in open_page["nodes"]] == [created[0], created[2]]
    rest = (
        await api.gql(
            PAGE,
            {
                "id": project_id,
                "first": 2,
                "status": "OPEN",
                "after": open_page["pageInfo"]["endCursor"],
            },
        )
    )["project"]["invoices"]
    assert [n["id"] for n in rest["nodes"]] == [created[3], created[5]]
    assert rest["pageInfo"]["hasNextPage"] is False

    for status, expected in (("DRAFT", [created[4]]), ("VOID", [created[1]]), ("PAID", [])):
        page = (await api.gql(PAGE, {"id": project_id, "status": status}))["project"]["invoices"]
        assert [n["id"] for n in page["nodes"]] == expected
        assert page["totalCount"] == len(expected)


# --- tenancy ------------------------------------------------------------------------------


async def test_another_accounts_ids_are_not_found_and_nothing_is_written(
    api: Api, other_api: Api
) -> None:
    theirs = await create_project(other_api, contractValue="100.00")
    their_milestone = await add_milestone(other_api, theirs, amount="100.00")
    their_invoice = await create_invoice(other_api, theirs, lines=[free_line("10.00")])
    their_draft = await create_invoice(other_api, theirs, lines=[free_line("5.00")], issue=False)
    mine = await create_project(api)
    before, other_before = await snapshot(api), await snapshot(other_api)

    assert await get_invoice(api, their_invoice["id"]) is None
    assert (await api.gql("query($id: ID!) { project(id: $id) { id } }", {"id": theirs}))[
        "project"
    ] is None
    node = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": their_invoice["id"]})
    assert node["node"] is None

    payload = await try_create_invoice(api, theirs, lines=[free_line("1.00")])
    assert errors(payload) == [(["projectId"], "NOT_FOUND")]
    payload = await try_create_invoice(api, mine, lines=[{"milestoneId": their_milestone["id"]}])
    assert errors(payload) == [(["lines", "0", "milestoneId"], "NOT_FOUND")]
    assert errors(await issue(api, their_draft["id"])) == [(["invoiceId"], "NOT_FOUND")]
    assert errors(await void(api, their_invoice["id"])) == [(["invoiceId"], "NOT_FOUND")]
    completed = await complete(api, their_milestone["id"])
    assert errors(completed) == [(["milestoneId"], "NOT_FOUND")]

    assert await snapshot(api) == before
    assert await snapshot(other_api) == other_before
    still = await get_invoice(other_api, their_invoice["id"])
    assert still is not None and still["status"] == "OPEN"


async def test_unknown_invoice_ids_are_not_found(api: Api) -> None:
    assert await get_invoice(api, "inv_doesnotexist") is None
    assert errors(await issue(api, "inv_doesnotexist")) == [(["invoiceId"], "NOT_FOUND")]
    assert errors(await void(api, "inv_doesnotexist")) == [(["invoiceId"], "NOT_FOUND")]


# --- concurrency --------------------------------------------------------------------------


@pytest.mark.parametrize("issuers", [2, 10])
async def test_concurrent_issuers_get_gapless_distinct_numbers(api: Api, issuers: int) -> None:
    project_id = await create_project(api)
    results = await asyncio.gather(
        *(
            try_create_invoice(api, project_id, lines=[free_line(f"{n}.00")])
            for n in range(1, issuers + 1)
        )
    )
    assert all(r["userErrors"] == [] for r in results), results
    numbers = sorted(r["invoice"]["number"] for r in results)
    assert numbers == [f"INV-{n:06d}" for n in range(1, issuers + 1)]


async def test_concurrent_drafts_issued_at_once_get_gapless_numbers(api: Api) -> None:
    project_id = await create_project(api)
    drafts = [
        (await create_invoice(api, project_id, lines=[free_line("1.00")], issue=False))["id"]
        for _ in range(6)
    ]
    results = await asyncio.gather(*(issue(api, d) for d in [*drafts, *drafts]))
    # Each draft is issued exactly once; the second attempt finds it issued.
    assert sorted(code for r in results for _, code in errors(r)) == ["INVALID_STATE"] * 6
    numbers = sorted(r["invoice"]["number"] for r in results if r["invoice"])
    assert numbers == [f"INV-{n:06d}" for n in range(1, 7)]


async def test_concurrent_invoices_cannot_overbill_one_milestone(api: Api) -> None:
    project_id = await create_project(api)
    milestone = await add_milestone(api, project_id, amount="100.00")
    results = await asyncio.gather(
        *(
            try_create_invoice(
                api, project_id, lines=[{"milestoneId": milestone["id"], "amount": "60.00"}]
            )
            for _ in range(5)
        )
    )
    won = [r for r in results if r["invoice"]]
    assert len(won) == 1
    assert (
        sorted(code for r in results for _, code in errors(r)) == ["EXCEEDS_UNINVOICED_AMOUNT"] * 4
    )
    assert won[0]["invoice"]["number"] == "INV-000001"
    state = await milestone_of(api, project_id, milestone["id"])
    assert state["amountInvoiced"] == "60.00"
