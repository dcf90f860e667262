"""Issue 13's schedule rules, through GraphQL on both backends: a schedule never rewrites an
invoiced amount, blocked items are skipped and reported, completions survive updates, voids
reopen items, fully processed schedules cannot be paused, percentages stay true of amounts,
and a schedule stays within the contract value."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.api.billing_helpers import (
    PAUSE_SCHEDULE,
    RESUME_SCHEDULE,
    UPDATE_SCHEDULE,
    VOID_INVOICE,
    add_milestone,
    complete,
    create_invoice,
    create_project,
    create_schedule,
    errors,
    get_invoice,
    get_project,
    get_schedule,
    process_due,
    run_schedule,
    snapshot,
    stages,
    try_create_schedule,
)
from tests.api.test_payments import alloc, pay
from tests.conftest import Api

NODE_MILESTONE = "query($id: ID!) { node(id: $id) { id ... on Milestone { completedAt } } }"


async def update(api: Api, schedule_id: str, **fields: Any) -> dict[str, Any]:
    data = await api.gql(UPDATE_SCHEDULE, {"input": {"scheduleId": schedule_id, **fields}})
    return dict(data["updateInvoiceSchedule"])


def dated(*dates: str) -> list[dict[str, Any]]:
    return [
        {"name": f"Stage {i}", "percentage": "50", "trigger": f"t{i}", "runDate": day}
        for i, day in enumerate(dates, start=1)
    ]


async def test_an_invoiced_and_paid_milestone_cannot_be_rescheduled_smaller(api: Api) -> None:
    project_id = await create_project(api, contractValue="1000.00")
    milestone = await add_milestone(api, project_id, name="Build", amount="1000.00")
    invoice = await create_invoice(api, project_id, lines=[{"milestoneId": milestone["id"]}])
    await pay(api, alloc(invoice["id"], "1000.00"))
    before = await snapshot(api)
    payload = await try_create_schedule(
        api,
        project_id,
        totalAmount="250.00",
        items=[{"name": "Build", "amount": "250.00", "milestoneId": milestone["id"]}],
    )
    assert payload["invoiceSchedule"] is None
    assert errors(payload) == [(["items", "0", "milestoneId"], "MILESTONE_ALREADY_INVOICED")]
    assert await snapshot(api) == before
    project = await get_project(api, project_id)
    assert project["milestones"][0]["amount"] == "1000.00"
    assert project["balance"]["unbilledAmount"] == "0.00"


async def test_due_items_that_can_run_do_and_the_blocked_one_is_reported(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=dated("2026-03-01", "2026-03-02"))
    first, second = schedule["items"]
    await create_invoice(
        api, project_id, lines=[{"milestoneId": first["milestone"]["id"], "amount": "10.00"}]
    )
    with caplog.at_level(logging.WARNING, logger="milestone_billing.schedules"):
        payload = await process_due(api, "2026-03-05")
    assert payload["userErrors"] == []
    assert [i["lines"][0]["milestone"]["id"] for i in payload["invoices"]] == [
        second["milestone"]["id"]
    ]
    [skipped] = payload["skippedItems"]
    assert skipped["item"]["id"] == first["id"] and skipped["item"]["status"] == "PENDING"
    assert skipped["code"] == "EXCEEDS_UNINVOICED_AMOUNT"
    assert "Stage 1" in skipped["reason"] and "40.00" in skipped["reason"]
    assert first["id"] in caplog.text
    after = await get_schedule(api, schedule["id"])
    assert after is not None
    assert [i["status"] for i in after["items"]] == ["PENDING", "PROCESSED"]


async def test_run_without_an_item_runs_the_next_item_that_can_run(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    first, second = schedule["items"]
    await create_invoice(
        api, project_id, lines=[{"milestoneId": first["milestone"]["id"], "amount": "10.00"}]
    )
    payload = await run_schedule(api, schedule["id"])
    assert payload["userErrors"] == []
    [invoice] = payload["invoices"]
    assert invoice["lines"][0]["milestone"]["id"] == second["milestone"]["id"]
    assert [s["item"]["id"] for s in payload["skippedItems"]] == [first["id"]]
    before = await snapshot(api)
    stuck = await run_schedule(api, schedule["id"])  # only the blocked item is left
    assert errors(stuck) == [(["scheduleId"], "EXCEEDS_UNINVOICED_AMOUNT")]
    assert "Stage 1" in stuck["userErrors"][0]["message"]
    assert await snapshot(api) == before


async def test_an_update_keeps_a_completed_milestone(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    await api.gql(PAUSE_SCHEDULE, {"id": schedule["id"]})  # completion does not invoice it
    done = schedule["items"][0]["milestone"]["id"]
    assert (await complete(api, done))["userErrors"] == []
    payload = await update(
        api,
        schedule["id"],
        items=[
            {"name": "Again", "percentage": "50", "milestoneId": done},
            {"name": "Rest", "percentage": "50", "trigger": "Rest done"},
        ],
    )
    assert payload["userErrors"] == []
    node = (await api.gql(NODE_MILESTONE, {"id": done}))["node"]
    assert node is not None and node["completedAt"] is not None
    assert payload["invoiceSchedule"]["items"][0]["milestone"]["id"] == done
    # Dropped from the plan altogether, it stays too.
    payload = await update(
        api, schedule["id"], items=[{"name": "All", "percentage": "100", "trigger": "All"}]
    )
    assert payload["userErrors"] == []
    node = (await api.gql(NODE_MILESTONE, {"id": done}))["node"]
    assert node is not None and node["completedAt"] is not None


async def test_voiding_a_schedule_invoice_reopens_its_item(api: Api) -> None:
    project_id = await create_project(api, contractValue="1000.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    ran = await run_schedule(api, schedule["id"])
    [invoice] = ran["invoices"]
    voided = (await api.gql(VOID_INVOICE, {"id": invoice["id"]}))["voidInvoice"]
    assert voided["userErrors"] == []
    after = await get_schedule(api, schedule["id"])
    assert after is not None
    assert (after["billedAmount"], after["unbilledAmount"]) == ("0.00", "1000.00")
    assert after["status"] == "PENDING"
    assert [(i["status"], i["invoice"]) for i in after["items"]] == [("PENDING", None)] * 2
    project = await get_project(api, project_id)
    assert project["balance"]["invoicedAmount"] == "0.00"
    assert project["balance"]["unbilledAmount"] == "1000.00"
    again = await run_schedule(api, schedule["id"])
    assert again["userErrors"] == []
    assert again["invoices"][0]["total"] == "500.00"
    assert again["invoiceSchedule"]["billedAmount"] == "500.00"
    assert (await get_invoice(api, invoice["id"]) or {})["status"] == "VOID"


async def test_a_fully_processed_schedule_cannot_be_paused(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(100))
    await run_schedule(api, schedule["id"])
    payload = (await api.gql(PAUSE_SCHEDULE, {"id": schedule["id"]}))["pauseInvoiceSchedule"]
    assert payload["invoiceSchedule"] is None
    assert errors(payload) == [(["scheduleId"], "INVALID_STATE")]
    assert (await get_schedule(api, schedule["id"]) or {})["status"] == "FULLY_PROCESSED"
    resumed = (await api.gql(RESUME_SCHEDULE, {"id": schedule["id"]}))["resumeInvoiceSchedule"]
    assert errors(resumed) == [(["scheduleId"], "INVALID_STATE")]


async def test_a_percentage_schedule_keeps_its_total_once_billed(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    schedule = await create_schedule(api, project_id, items=stages(25, 75))
    await run_schedule(api, schedule["id"])
    before = await snapshot(api)
    payload = await update(api, schedule["id"], totalAmount="2500.01", items=stages(75))
    assert errors(payload) == [(["totalAmount"], "INVALID_STATE")]
    assert await snapshot(api) == before
    same_total = await update(api, schedule["id"], items=[stages(75)[0]])
    assert same_total["userErrors"] == []
    items = same_total["invoiceSchedule"]["items"]
    assert [(i["percentage"], i["amount"]) for i in items] == [
        ("25", "2500.00"),
        ("75", "7500.00"),
    ]


async def test_a_schedule_cannot_exceed_the_contract_value(api: Api) -> None:
    project_id = await create_project(api, contractValue="1000.00")
    before = await snapshot(api)
    payload = await try_create_schedule(api, project_id, totalAmount="6250.00", items=stages(100))
    assert errors(payload) == [(["totalAmount"], "EXCEEDS_CONTRACT_VALUE")]
    assert await snapshot(api) == before
    schedule = await create_schedule(api, project_id, items=stages(100))
    raised = await update(api, schedule["id"], totalAmount="1000.01", items=stages(100))
    assert errors(raised) == [(["totalAmount"], "EXCEEDS_CONTRACT_VALUE")]


OVER_CONTRACT = """
query($id: ID!) {
  project(id: $id) { balance { scheduledAmount overContractAmount } }
}"""
PROGRESS = """
query($id: ID!) {
  invoice(id: $id) { progress { remainingAfter overContractAmount } }
}"""


async def test_nothing_shows_a_negative_remaining_amount(api: Api) -> None:
    project_id = await create_project(api, contractValue="1000.00")
    await create_schedule(api, project_id, items=stages(100))
    await create_schedule(api, project_id, totalAmount="100.00", items=stages(100))
    balance = (await api.gql(OVER_CONTRACT, {"id": project_id}))["project"]["balance"]
    assert balance == {"scheduledAmount": "1100.00", "overContractAmount": "100.00"}
    invoice = await create_invoice(
        api, project_id, lines=[{"description": "Extra work", "amount": "1100.00"}]
    )
    progress = (await api.gql(PROGRESS, {"id": invoice["id"]}))["invoice"]["progress"]
    assert progress == {"remainingAfter": "0.00", "overContractAmount": "100.00"}
