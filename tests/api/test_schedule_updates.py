"""Changing and ending a schedule through GraphQL on both backends: an update keeps a pending
item's own milestone when a new item names it, every out-of-order run date is reported, and a
partly processed schedule can be ended."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import (
    create_project,
    create_schedule,
    errors,
    get_project,
    run_schedule,
    snapshot,
    try_create_schedule,
)
from tests.api.test_schedule_business_rules import update
from tests.conftest import Api

NODE = "query($id: ID!) { node(id: $id) { id ... on Milestone { name amount } } }"


async def test_an_update_can_keep_the_milestones_its_pending_items_created(api: Api) -> None:
    project_id = await create_project(api, contractValue="1000.00")
    items = [
        {"name": "a", "percentage": "50", "trigger": "ta"},
        {"name": "b", "percentage": "50", "trigger": "tb"},
    ]
    schedule = await create_schedule(api, project_id, items=items)
    first, second = (item["milestone"]["id"] for item in schedule["items"])
    payload = await update(
        api,
        schedule["id"],
        items=[
            {"name": "a", "percentage": "40", "milestoneId": first},
            {"name": "b", "percentage": "60", "milestoneId": second},
        ],
    )
    assert payload["userErrors"] == []
    updated = payload["invoiceSchedule"]["items"]
    assert [(i["milestone"]["id"], i["amount"]) for i in updated] == [
        (first, "400.00"),
        (second, "600.00"),
    ]
    assert (await api.gql(NODE, {"id": first}))["node"] == {
        "id": first,
        "name": "a",
        "amount": "400.00",
    }
    # Still the schedule's own: an update that drops it removes it.
    payload = await update(
        api, schedule["id"], items=[{"name": "all", "percentage": "100", "trigger": "t"}]
    )
    assert payload["userErrors"] == []
    assert (await api.gql(NODE, {"id": first}))["node"] is None
    milestones = (await get_project(api, project_id))["milestones"]
    assert [(m["name"], m["amount"]) for m in milestones] == [("all", "1000.00")]


async def test_every_out_of_order_run_date_is_reported(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    items = [
        {"name": "a", "percentage": "50", "trigger": "t", "runDate": "2026-05-01"},
        {"name": "b", "percentage": "30", "trigger": "t2", "runDate": "2026-04-01"},
        {"name": "c", "percentage": "10", "trigger": "z"},
        {"name": "d", "percentage": "10", "trigger": "q", "runDate": "2026-06-01"},
    ]
    before = await snapshot(api)
    payload = await try_create_schedule(api, project_id, items=items)
    assert errors(payload) == [
        (["items", "1", "runDate"], "RUN_DATES_OUT_OF_ORDER"),
        (["items", "3", "runDate"], "RUN_DATES_OUT_OF_ORDER"),
    ]
    assert await snapshot(api) == before


async def deposit_billed(api: Api, **fields: Any) -> dict[str, Any]:
    project_id = await create_project(api, contractValue="10000.00")
    schedule = await create_schedule(api, project_id, **fields)
    assert (await run_schedule(api, schedule["id"]))["userErrors"] == []
    return schedule


async def test_a_partly_processed_schedule_is_ended_at_what_it_billed(api: Api) -> None:
    items = [
        {"name": "a", "amount": "2500.00", "trigger": "a"},
        {"name": "b", "amount": "7500.00", "trigger": "b"},
    ]
    schedule = await deposit_billed(api, totalAmount="10000.00", items=items)
    before = await snapshot(api)
    refused = await update(api, schedule["id"], items=[])
    assert errors(refused) == [(["totalAmount"], "INVALID")]
    assert "2500.00" in refused["userErrors"][0]["message"]
    assert await snapshot(api) == before

    ended = await update(api, schedule["id"], totalAmount="2500.00", items=[])
    assert ended["userErrors"] == []
    state = ended["invoiceSchedule"]
    assert (state["status"], state["totalAmount"], state["billedAmount"]) == (
        "FULLY_PROCESSED",
        "2500.00",
        "2500.00",
    )
    assert state["unbilledAmount"] == "0.00"
    assert [i["status"] for i in state["items"]] == ["PROCESSED"]
    assert (await api.gql(NODE, {"id": schedule["items"][1]["milestone"]["id"]}))["node"] is None


async def test_an_ended_percentage_schedule_shows_no_untrue_percentage(api: Api) -> None:
    items = [
        {"name": "a", "percentage": "25", "trigger": "a"},
        {"name": "b", "percentage": "75", "trigger": "b"},
    ]
    schedule = await deposit_billed(api, totalAmount="10000.00", items=items)
    ended = await update(api, schedule["id"], totalAmount="2500.00", items=[])
    assert ended["userErrors"] == []
    [item] = ended["invoiceSchedule"]["items"]
    assert (item["amount"], item["percentage"]) == ("2500.00", None)
    assert ended["invoiceSchedule"]["status"] == "FULLY_PROCESSED"


async def test_a_schedule_that_billed_nothing_is_not_ended_but_deleted(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(
        api, project_id, items=[{"name": "a", "percentage": "100", "trigger": "a"}]
    )
    payload = await update(api, schedule["id"], items=[])
    assert errors(payload) == [(["items"], "INVALID")]
