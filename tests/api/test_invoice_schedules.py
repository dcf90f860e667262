"""Invoice schedules (billing plans) through /graphql, on both backends.

Covers the worked examples of DESIGN section 6, every rule of section 3 with its error code
(each refusal checked to write nothing), the derived fields, running items by hand, by date
and on milestone completion, and updating and deleting a plan.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.api.billing_helpers import (
    DELETE_SCHEDULE,
    PAUSE_SCHEDULE,
    RESUME_SCHEDULE,
    UPDATE_SCHEDULE,
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
from tests.conftest import Api

WEBSITE = [
    {"name": "Deposit", "percentage": "25", "trigger": "Project start"},
    {"name": "Designs approved", "percentage": "25", "trigger": "Client signs off the designs"},
    {"name": "Build complete", "percentage": "25", "trigger": "All pages built"},
    {"name": "Launch", "percentage": "25", "trigger": "Site live"},
]


def amounts(schedule: dict[str, Any]) -> list[str]:
    return [item["amount"] for item in schedule["items"]]


# --- worked examples (DESIGN section 6) ---------------------------------------------------


async def test_ten_thousand_dollar_project_in_four_quarters(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    schedule = await create_schedule(api, project_id, items=WEBSITE, notes="Website plan")

    assert schedule["number"] == "IS-00000001"
    assert schedule["id"].startswith("is_")
    assert schedule["totalAmount"] == "10000.00"  # defaults to the contract value
    assert schedule["currency"] == "USD"
    assert schedule["notes"] == "Website plan"
    assert schedule["invoiceSeparately"] is True
    assert schedule["status"] == "PENDING"
    assert amounts(schedule) == ["2500.00"] * 4
    items = schedule["items"]
    assert [i["sequence"] for i in items] == [1, 2, 3, 4]
    assert [i["name"] for i in items] == [
        "Deposit",
        "Designs approved",
        "Build complete",
        "Launch",
    ]
    assert [i["percentage"] for i in items] == ["25"] * 4
    assert {i["status"] for i in items} == {"PENDING"}
    assert all(i["invoice"] is None for i in items)
    deposit = items[0]["milestone"]
    assert deposit["name"] == "Deposit"
    assert deposit["trigger"] == "Project start"
    assert deposit["amount"] == "2500.00"
    assert deposit["status"] == "PLANNED"

    project = await get_project(api, project_id)
    assert [m["amount"] for m in project["milestones"]] == ["2500.00"] * 4
    assert [m["scheduleItem"]["id"] for m in project["milestones"]] == [i["id"] for i in items]
    assert project["balance"]["scheduledAmount"] == "10000.00"
    assert project["invoiceSchedules"] == [
        {"id": schedule["id"], "number": "IS-00000001", "status": "PENDING"}
    ]


@pytest.mark.parametrize(
    ("currency", "total", "percentages", "expected"),
    [
        ("USD", "33000.00", ["50", "50"], ["16500.00", "16500.00"]),
        ("USD", "27000.00", ["20", "30", "50"], ["5400.00", "8100.00", "13500.00"]),
        ("USD", "100.00", ["33.33", "33.33", "33.34"], ["33.33", "33.33", "33.34"]),
        ("JPY", "1000", ["33.33", "33.33", "33.34"], ["333", "333", "334"]),
        ("KWD", "1.000", ["33.33", "33.33", "33.34"], ["0.333", "0.333", "0.334"]),
    ],
)
async def test_worked_percentage_splits(
    api: Api, currency: str, total: str, percentages: list[str], expected: list[str]
) -> None:
    project_id = await create_project(api, currency=currency)
    schedule = await create_schedule(api, project_id, totalAmount=total, items=stages(*percentages))
    assert schedule["totalAmount"] == total
    assert amounts(schedule) == expected
    assert [i["milestone"]["amount"] for i in schedule["items"]] == expected
    assert schedule["unbilledAmount"] == schedule["totalAmount"]


async def test_three_phase_website_bills_discovery_net_14_days(api: Api) -> None:
    project_id = await create_project(api, contractValue="15000.00", paymentTermsDays=14)
    schedule = await create_schedule(
        api,
        project_id,
        items=[
            {"name": "Discovery", "percentage": 30, "trigger": "Workshop report delivered"},
            {"name": "Design approval", "percentage": 40, "trigger": "Client approves design"},
            {"name": "Final delivery", "percentage": 30, "trigger": "Site launched"},
        ],
    )
    assert amounts(schedule) == ["4500.00", "6000.00", "4500.00"]
    api.clock.advance(days=5)  # today is 2026-03-07

    done = await complete(api, schedule["items"][0]["milestone"]["id"])
    assert done["userErrors"] == []
    milestone = done["milestone"]
    assert milestone["status"] == "INVOICED"
    assert milestone["completedAt"].startswith("2026-03-07")
    [invoice] = milestone["invoices"]
    assert invoice == {
        "id": invoice["id"],
        "number": "INV-000001",
        "status": "OPEN",
        "total": "4500.00",
    }
    full = await get_invoice(api, invoice["id"])
    assert full is not None
    assert (full["issuedOn"], full["dueOn"]) == ("2026-03-07", "2026-03-21")
    assert full["overdue"] is False
    assert full["lines"] == [
        {
            "description": "Discovery",
            "amount": "4500.00",
            "milestone": {"id": milestone["id"], "name": "Discovery"},
        }
    ]
    after = await get_schedule(api, schedule["id"])
    assert after is not None
    assert after["status"] == "PARTIALLY_PROCESSED"
    assert (after["billedAmount"], after["unbilledAmount"]) == ("4500.00", "10500.00")


async def test_schedule_numbers_are_gapless_per_account(api: Api, other_api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    first = await create_schedule(api, project_id, items=stages(100))
    refused = await try_create_schedule(api, project_id, items=stages(60, 30))
    assert refused["invoiceSchedule"] is None
    api.clock.advance(seconds=1)  # "oldest first" below needs distinct creation times
    second = await create_schedule(api, project_id, items=stages(50, 50))
    assert (first["number"], second["number"]) == ("IS-00000001", "IS-00000002")

    other_project = await create_project(other_api, contractValue="100.00")
    other = await create_schedule(other_api, other_project, items=stages(100))
    assert other["number"] == "IS-00000001"
    assert [s["number"] for s in (await get_project(api, project_id))["invoiceSchedules"]] == [
        "IS-00000001",
        "IS-00000002",
    ]


async def test_concurrent_creates_get_gapless_schedule_numbers(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    results = await asyncio.gather(
        *(try_create_schedule(api, project_id, items=stages(100)) for _ in range(5))
    )
    assert all(r["userErrors"] == [] for r in results), results
    numbers = sorted(r["invoiceSchedule"]["number"] for r in results)
    assert numbers == [f"IS-{n:08d}" for n in range(1, 6)]


async def test_an_item_can_link_an_existing_milestone(api: Api) -> None:
    project_id = await create_project(api, contractValue="1000.00")
    existing = await add_milestone(api, project_id, name="Kick-off", trigger="Contract signed")
    schedule = await create_schedule(
        api,
        project_id,
        items=[
            {"name": "Kick-off", "amount": "400.00", "milestoneId": existing["id"]},
            {"name": "Delivery", "amount": "600", "trigger": "Accepted"},
        ],
    )
    assert amounts(schedule) == ["400.00", "600.00"]
    assert [i["percentage"] for i in schedule["items"]] == [None, None]
    linked = schedule["items"][0]["milestone"]
    assert linked["id"] == existing["id"]
    assert (linked["name"], linked["trigger"], linked["amount"]) == (
        "Kick-off",
        "Contract signed",
        "400.00",
    )
    project = await get_project(api, project_id)
    assert [(m["name"], m["amount"]) for m in project["milestones"]] == [
        ("Kick-off", "400.00"),
        ("Delivery", "600.00"),
    ]


# --- every rule, each refused without writing anything ------------------------------------


def _items(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"name": f"Stage {i}", "trigger": f"t{i}", **fields} for i in range(count)]


RULES: list[tuple[str, dict[str, Any], list[str] | None, str]] = [
    ("percentages under 100", {"items": stages(50, 40)}, ["items"], "PERCENTAGES_MUST_TOTAL_100"),
    (
        "percentages over 100",
        {"items": stages(50, "50.01")},
        ["items"],
        "PERCENTAGES_MUST_TOTAL_100",
    ),
    (
        "amounts under the total",
        {
            "items": [
                {"name": "A", "amount": "50.00", "trigger": "a"},
                {"name": "B", "amount": "49.99", "trigger": "b"},
            ]
        },
        ["items"],
        "AMOUNTS_MUST_TOTAL_SCHEDULE",
    ),
    (
        "amounts over an explicit total",
        {"totalAmount": "80.00", "items": [{"name": "A", "amount": "100.00", "trigger": "a"}]},
        ["items"],
        "AMOUNTS_MUST_TOTAL_SCHEDULE",
    ),
    ("a zero percentage", {"items": stages(100, 0)}, ["items", "1"], "ZERO_AMOUNT_ITEM"),
    (
        "a zero percentage string",
        {"items": stages(100, "0.00")},
        ["items", "1"],
        "ZERO_AMOUNT_ITEM",
    ),
    (
        "a zero amount",
        {
            "items": [
                {"name": "A", "amount": "100.00", "trigger": "a"},
                {"name": "B", "amount": "0.00", "trigger": "b"},
            ]
        },
        ["items", "1"],
        "ZERO_AMOUNT_ITEM",
    ),
    (
        "a percentage that rounds to 0 cents",
        {"items": stages("99.9999", "0.0001")},
        ["items", "1"],
        "ZERO_AMOUNT_ITEM",
    ),
    (
        "51 items",
        {"items": _items(51, amount="1.00"), "totalAmount": "51.00"},
        ["items"],
        "TOO_MANY_ITEMS",
    ),
    ("no items", {"items": []}, ["items"], "INVALID"),
    (
        "an empty name",
        {"items": [{"name": "", "percentage": 100, "trigger": "t"}]},
        ["items", "0", "name"],
        "INVALID",
    ),
    (
        "a blank name",
        {"items": [{"name": "   ", "percentage": 100, "trigger": "t"}]},
        ["items", "0", "name"],
        "INVALID",
    ),
    (
        "a 101-character name",
        {"items": [{"name": "n" * 101, "percentage": 100, "trigger": "t"}]},
        ["items", "0", "name"],
        "INVALID",
    ),
    (
        "both percentage and amount",
        {"items": [{"name": "A", "percentage": 100, "amount": "100.00", "trigger": "t"}]},
        ["items", "0"],
        "INVALID",
    ),
    (
        "neither percentage nor amount",
        {"items": [{"name": "A", "trigger": "t"}]},
        ["items", "0"],
        "INVALID",
    ),
    (
        "both milestoneId and trigger",
        {"items": [{"name": "A", "percentage": 100, "trigger": "t", "milestoneId": "ms_x"}]},
        ["items", "0"],
        "INVALID",
    ),
    (
        "neither milestoneId nor trigger",
        {"items": [{"name": "A", "percentage": 100}]},
        ["items", "0"],
        "INVALID",
    ),
    (
        "percentage and amount items mixed",
        {
            "items": [
                {"name": "A", "percentage": 50, "trigger": "a"},
                {"name": "B", "amount": "50.00", "trigger": "b"},
            ]
        },
        ["items", "1"],
        "INVALID",
    ),
    (
        "equal run dates",
        {"items": stages(50, 50, runDate="2026-04-01")},
        ["items", "1", "runDate"],
        "RUN_DATES_OUT_OF_ORDER",
    ),
    (
        "decreasing run dates",
        {
            "items": [
                {"name": "A", "percentage": 50, "trigger": "a", "runDate": "2026-05-01"},
                {"name": "B", "percentage": 50, "trigger": "b", "runDate": "2026-04-01"},
            ]
        },
        ["items", "1", "runDate"],
        "RUN_DATES_OUT_OF_ORDER",
    ),
    (
        "a dated item after an undated one",
        {
            "items": [
                {"name": "A", "percentage": 50, "trigger": "a"},
                {"name": "B", "percentage": 50, "trigger": "b", "runDate": "2026-04-01"},
            ]
        },
        ["items", "1", "runDate"],
        "RUN_DATES_OUT_OF_ORDER",
    ),
    (
        "totalAmount in exponent form",
        {"totalAmount": "1e2", "items": stages(100)},
        ["totalAmount"],
        "INVALID_AMOUNT",
    ),
    (
        "totalAmount with 3 decimals",
        {"totalAmount": "100.001", "items": stages(100)},
        ["totalAmount"],
        "INVALID_AMOUNT",
    ),
    (
        "negative totalAmount",
        {"totalAmount": "-100.00", "items": stages(100)},
        ["totalAmount"],
        "INVALID_AMOUNT",
    ),
    (
        "zero totalAmount",
        {"totalAmount": "0", "items": stages(100)},
        ["totalAmount"],
        "INVALID_AMOUNT",
    ),
    (
        "NaN totalAmount",
        {"totalAmount": "NaN", "items": stages(100)},
        ["totalAmount"],
        "INVALID_AMOUNT",
    ),
    (
        "float totalAmount",
        {"totalAmount": 100.5, "items": stages(100)},
        ["totalAmount"],
        "INVALID_AMOUNT",
    ),
    (
        "grouped totalAmount",
        {"totalAmount": "1,000.00", "items": stages(100)},
        ["totalAmount"],
        "INVALID_AMOUNT",
    ),
    (
        "an item amount with 3 decimals",
        {"items": [{"name": "A", "amount": "100.000", "trigger": "a"}]},
        ["items", "0", "amount"],
        "INVALID_AMOUNT",
    ),
    (
        "a negative item amount",
        {"items": [{"name": "A", "amount": "-100.00", "trigger": "a"}]},
        ["items", "0", "amount"],
        "INVALID_AMOUNT",
    ),
    (
        "a percentage that is not a number",
        {"items": stages("fifty")},
        ["items", "0", "percentage"],
        "INVALID",
    ),
    (
        "a percentage over 100",
        {"items": stages("150")},
        ["items", "0", "percentage"],
        "INVALID",
    ),
    (
        "a percentage with 5 decimals",
        {"items": stages("99.99999")},
        ["items", "0", "percentage"],
        "INVALID",
    ),
    (
        "an unknown project",
        {"projectId": "prj_unknown", "items": stages(100)},
        ["projectId"],
        "NOT_FOUND",
    ),
]


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [pytest.param(fields, field, code, id=name) for name, fields, field, code in RULES],
)
async def test_each_rule_is_refused_with_its_code_and_writes_nothing(
    api: Api, fields: dict[str, Any], field: list[str], code: str
) -> None:
    project_id = await create_project(api, contractValue="100.00")
    before = await snapshot(api)
    fields = dict(fields)  # parameters are shared by both backends
    payload = await try_create_schedule(api, fields.pop("projectId", project_id), **fields)
    assert payload["invoiceSchedule"] is None
    assert errors(payload) == [(field, code)]
    assert await snapshot(api) == before
    assert before["invoice_schedule"] == before["invoice_schedule_item"] == 0
    # A refusal consumes no schedule number either.
    assert (await create_schedule(api, project_id, items=stages(100)))["number"] == "IS-00000001"


async def test_fifty_items_are_allowed(api: Api) -> None:
    project_id = await create_project(api, contractValue="50.00")
    schedule = await create_schedule(api, project_id, items=_items(50, percentage=2))
    assert amounts(schedule) == ["1.00"] * 50


async def test_no_total_and_no_contract_value_is_refused(api: Api) -> None:
    project_id = await create_project(api)
    before = await snapshot(api)
    payload = await try_create_schedule(api, project_id, items=stages(100))
    assert errors(payload) == [(["totalAmount"], "INVALID")]
    assert await snapshot(api) == before


async def test_milestones_of_another_project_or_account_are_not_found(
    api: Api, other_api: Api
) -> None:
    project_id = await create_project(api, contractValue="100.00")
    sibling = await create_project(api, name="Other project")
    sibling_milestone = await add_milestone(api, sibling, amount="10.00")
    foreign_project = await create_project(other_api)
    foreign_milestone = await add_milestone(other_api, foreign_project, amount="10.00")
    mine = await add_milestone(api, project_id, name="Mine", amount="7.00")

    for milestone_id in (sibling_milestone["id"], foreign_milestone["id"], "ms_doesnotexist"):
        before = await snapshot(api)
        other_before = await snapshot(other_api)
        payload = await try_create_schedule(
            api,
            project_id,
            items=[
                {"name": "Mine", "percentage": 50, "milestoneId": mine["id"]},
                {"name": "Theirs", "percentage": 50, "milestoneId": milestone_id},
            ],
        )
        assert errors(payload) == [(["items", "1", "milestoneId"], "NOT_FOUND")]
        assert await snapshot(api) == before  # "Mine" keeps its 7.00
        assert await snapshot(other_api) == other_before


async def test_a_scheduled_milestone_cannot_be_scheduled_again(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    milestone = await add_milestone(api, project_id, amount="1.00")
    await create_schedule(
        api, project_id, items=[{"name": "All", "percentage": 100, "milestoneId": milestone["id"]}]
    )
    before = await snapshot(api)
    again = await try_create_schedule(
        api,
        project_id,
        items=[{"name": "Again", "amount": "100.00", "milestoneId": milestone["id"]}],
    )
    assert errors(again) == [(["items", "0", "milestoneId"], "ALREADY_SCHEDULED")]
    assert await snapshot(api) == before

    fresh = await add_milestone(api, project_id, name="Fresh")
    before = await snapshot(api)
    twice = await try_create_schedule(
        api,
        project_id,
        items=[
            {"name": "A", "percentage": 50, "milestoneId": fresh["id"]},
            {"name": "B", "percentage": 50, "milestoneId": fresh["id"]},
        ],
    )
    assert errors(twice) == [(["items", "1", "milestoneId"], "ALREADY_SCHEDULED")]
    assert await snapshot(api) == before


async def test_a_read_key_cannot_create_a_schedule(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    response = await api.post(
        """mutation($p: ID!) { createInvoiceSchedule(input: {projectId: $p,
             items: [{name: "A", percentage: 100, trigger: "t"}]}) { invoiceSchedule { id } } }""",
        {"p": project_id},
        key="read",
    )
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await snapshot(api))["invoice_schedule"] == 0


# --- derived fields -----------------------------------------------------------------------


async def test_status_and_amounts_follow_the_items_as_they_run(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    dates = ["2026-03-10", "2026-03-20", "2026-04-01", "2026-04-10"]
    items = [dict(item, runDate=day) for item, day in zip(WEBSITE, dates, strict=True)]
    schedule = await create_schedule(api, project_id, items=items)
    sid = schedule["id"]
    assert (schedule["status"], schedule["billedAmount"], schedule["unbilledAmount"]) == (
        "PENDING",
        "0.00",
        "10000.00",
    )
    assert schedule["nextRunDate"] == "2026-03-10"

    ran = await run_schedule(api, sid)
    assert ran["userErrors"] == []
    state = ran["invoiceSchedule"]
    assert (state["status"], state["billedAmount"], state["unbilledAmount"]) == (
        "PARTIALLY_PROCESSED",
        "2500.00",
        "7500.00",
    )
    assert state["nextRunDate"] == "2026-03-20"

    paused = (await api.gql(PAUSE_SCHEDULE, {"id": sid}))["pauseInvoiceSchedule"]
    assert paused == {"invoiceSchedule": {"id": sid, "status": "PAUSED"}, "userErrors": []}
    again = (await api.gql(PAUSE_SCHEDULE, {"id": sid}))["pauseInvoiceSchedule"]
    assert again["invoiceSchedule"] is None
    assert errors(again) == [(["scheduleId"], "INVALID_STATE")]
    state = await get_schedule(api, sid)
    assert state is not None
    assert (state["status"], state["billedAmount"]) == ("PAUSED", "2500.00")

    resumed = (await api.gql(RESUME_SCHEDULE, {"id": sid}))["resumeInvoiceSchedule"]
    assert resumed == {
        "invoiceSchedule": {"id": sid, "status": "PARTIALLY_PROCESSED"},
        "userErrors": [],
    }
    again = (await api.gql(RESUME_SCHEDULE, {"id": sid}))["resumeInvoiceSchedule"]
    assert errors(again) == [(["scheduleId"], "INVALID_STATE")]

    for _ in range(3):
        assert (await run_schedule(api, sid))["userErrors"] == []
    state = await get_schedule(api, sid)
    assert state is not None
    assert (state["status"], state["billedAmount"], state["unbilledAmount"]) == (
        "FULLY_PROCESSED",
        "10000.00",
        "0.00",
    )
    assert state["nextRunDate"] is None
    assert [i["invoice"]["number"] for i in state["items"]] == [
        "INV-000001",
        "INV-000002",
        "INV-000003",
        "INV-000004",
    ]


async def test_next_run_date_is_null_for_a_plan_without_dates(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    assert schedule["nextRunDate"] is None
    assert [i["runDate"] for i in schedule["items"]] == [None, None]


async def test_pause_and_resume_of_an_unknown_schedule_are_not_found(
    api: Api, other_api: Api
) -> None:
    other_project = await create_project(other_api, contractValue="100.00")
    theirs = await create_schedule(other_api, other_project, items=stages(100))
    for mutation, name in (
        (PAUSE_SCHEDULE, "pauseInvoiceSchedule"),
        (RESUME_SCHEDULE, "resumeInvoiceSchedule"),
    ):
        for sid in (theirs["id"], "is_unknown"):
            payload = (await api.gql(mutation, {"id": sid}))[name]
            assert payload["invoiceSchedule"] is None
            assert errors(payload) == [(["scheduleId"], "NOT_FOUND")]
    assert (await get_schedule(other_api, theirs["id"]) or {})["status"] == "PENDING"
    assert await get_schedule(api, theirs["id"]) is None


# --- runInvoiceSchedule -------------------------------------------------------------------


async def test_run_issues_the_next_pending_item_with_one_line_for_its_milestone(
    api: Api,
) -> None:
    project_id = await create_project(api, contractValue="10000.00", paymentTermsDays=30)
    schedule = await create_schedule(api, project_id, items=WEBSITE)
    ran = await run_schedule(api, schedule["id"])
    assert ran["userErrors"] == []
    [invoice] = ran["invoices"]
    deposit = schedule["items"][0]
    assert invoice["number"] == "INV-000001"
    assert (invoice["status"], invoice["total"], invoice["subtotal"]) == (
        "OPEN",
        "2500.00",
        "2500.00",
    )
    assert (invoice["issuedOn"], invoice["dueOn"]) == ("2026-03-02", "2026-04-01")
    assert invoice["lines"] == [
        {
            "description": "Deposit",
            "amount": "2500.00",
            "milestone": {"id": deposit["milestone"]["id"], "name": "Deposit"},
        }
    ]
    item = ran["invoiceSchedule"]["items"][0]
    assert item["status"] == "PROCESSED"
    assert item["invoice"] == {"id": invoice["id"], "number": "INV-000001", "total": "2500.00"}
    assert item["milestone"]["status"] == "INVOICED"
    assert item["milestone"]["amountInvoiced"] == "2500.00"
    assert [i["status"] for i in ran["invoiceSchedule"]["items"][1:]] == ["PENDING"] * 3

    second = await run_schedule(api, schedule["id"])
    assert second["invoices"][0]["lines"][0]["description"] == "Designs approved"
    assert second["invoices"][0]["number"] == "INV-000002"


async def test_run_a_named_item_then_refuse_to_run_it_again(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    schedule = await create_schedule(api, project_id, items=WEBSITE)
    launch = schedule["items"][3]
    ran = await run_schedule(api, schedule["id"], launch["id"])
    assert ran["userErrors"] == []
    assert [line["description"] for line in ran["invoices"][0]["lines"]] == ["Launch"]
    assert [i["status"] for i in ran["invoiceSchedule"]["items"]] == ["PENDING"] * 3 + ["PROCESSED"]

    before = await snapshot(api)
    again = await run_schedule(api, schedule["id"], launch["id"])
    assert again["invoiceSchedule"] is None and again["invoices"] == []
    assert errors(again) == [(["itemId"], "INVALID_STATE")]
    assert await snapshot(api) == before
    assert before["invoice"] == 1

    # The next pending one is still the first.
    nxt = await run_schedule(api, schedule["id"])
    assert nxt["invoices"][0]["lines"][0]["description"] == "Deposit"


async def test_run_refuses_an_item_of_another_schedule(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    first = await create_schedule(api, project_id, items=stages(100))
    second = await create_schedule(api, project_id, items=stages(100))
    before = await snapshot(api)
    payload = await run_schedule(api, first["id"], second["items"][0]["id"])
    assert errors(payload) == [(["itemId"], "NOT_FOUND")]
    assert await snapshot(api) == before


async def test_run_with_nothing_pending_is_refused(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(100))
    assert (await run_schedule(api, schedule["id"]))["userErrors"] == []
    before = await snapshot(api)
    payload = await run_schedule(api, schedule["id"])
    assert payload["invoiceSchedule"] is None
    assert errors(payload) == [(["scheduleId"], "INVALID_STATE")]
    assert await snapshot(api) == before


async def test_a_paused_schedule_runs_nothing(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    await api.gql(PAUSE_SCHEDULE, {"id": schedule["id"]})
    before = await snapshot(api)
    for item_id in (None, schedule["items"][1]["id"]):
        payload = await run_schedule(api, schedule["id"], item_id)
        assert payload["invoices"] == []
        assert [code for _, code in errors(payload)] == ["INVALID_STATE"]
    assert await snapshot(api) == before
    assert before["invoice"] == 0


async def test_run_of_another_accounts_schedule_is_not_found(api: Api, other_api: Api) -> None:
    other_project = await create_project(other_api, contractValue="100.00")
    theirs = await create_schedule(other_api, other_project, items=stages(100))
    payload = await run_schedule(api, theirs["id"])
    assert errors(payload) == [(["scheduleId"], "NOT_FOUND")]
    assert (await snapshot(other_api))["invoice"] == 0


async def test_two_concurrent_runs_of_one_item_issue_one_invoice(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    item_id = schedule["items"][0]["id"]
    results = await asyncio.gather(*(run_schedule(api, schedule["id"], item_id) for _ in range(4)))
    assert sorted(len(r["invoices"]) for r in results) == [0, 0, 0, 1]
    assert sorted(code for r in results for _, code in errors(r)) == ["INVALID_STATE"] * 3
    assert (await snapshot(api))["invoice"] == 1


# --- processDueInvoiceSchedules -----------------------------------------------------------


async def test_process_due_runs_exactly_the_items_due_and_never_twice(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    dated = [
        {"name": "Deposit", "percentage": 25, "trigger": "a", "runDate": "2026-03-05"},
        {"name": "Design", "percentage": 25, "trigger": "b", "runDate": "2026-03-10"},
        {"name": "Build", "percentage": 25, "trigger": "c", "runDate": "2026-03-11"},
        {"name": "Launch", "percentage": 25, "trigger": "d"},  # undated: never by date
    ]
    schedule = await create_schedule(api, project_id, items=dated)
    paused_project = await create_project(api, contractValue="100.00")
    paused = await create_schedule(api, paused_project, items=stages(100, runDate="2026-03-01"))
    await api.gql(PAUSE_SCHEDULE, {"id": paused["id"]})

    assert (await process_due(api, "2026-03-04")) == {
        "invoices": [],
        "skippedItems": [],
        "userErrors": [],
    }
    first = await process_due(api, "2026-03-10")
    assert first["userErrors"] == []
    assert [i["lines"][0]["description"] for i in first["invoices"]] == ["Deposit", "Design"]
    assert [i["number"] for i in first["invoices"]] == ["INV-000001", "INV-000002"]
    assert [i["total"] for i in first["invoices"]] == ["2500.00", "2500.00"]

    assert (await process_due(api, "2026-03-10"))["invoices"] == []
    state = await get_schedule(api, schedule["id"])
    assert state is not None
    assert [i["status"] for i in state["items"]] == ["PROCESSED", "PROCESSED", "PENDING", "PENDING"]
    assert state["nextRunDate"] == "2026-03-11"

    later = await process_due(api, "2030-01-01")
    assert [i["lines"][0]["description"] for i in later["invoices"]] == ["Build"]
    assert (await process_due(api, "2030-01-01"))["invoices"] == []
    state = await get_schedule(api, schedule["id"])
    assert state is not None
    assert [i["status"] for i in state["items"]] == ["PROCESSED"] * 3 + ["PENDING"]
    assert state["nextRunDate"] is None
    paused_state = await get_schedule(api, paused["id"])
    assert paused_state is not None
    assert [i["status"] for i in paused_state["items"]] == ["PENDING"]
    assert (await snapshot(api))["invoice"] == 3

    await api.gql(RESUME_SCHEDULE, {"id": paused["id"]})
    resumed = await process_due(api, "2030-01-01")
    assert [i["total"] for i in resumed["invoices"]] == ["100.00"]


async def test_process_due_only_touches_the_callers_account(api: Api, other_api: Api) -> None:
    other_project = await create_project(other_api, contractValue="100.00")
    await create_schedule(other_api, other_project, items=stages(100, runDate="2026-03-01"))
    assert (await process_due(api, "2026-03-31"))["invoices"] == []
    assert (await snapshot(other_api))["invoice"] == 0


async def test_items_due_together_share_one_invoice_unless_invoiced_separately(
    api: Api,
) -> None:
    project_id = await create_project(api, contractValue="27000.00")
    dated = [
        {"name": "Deposit", "percentage": 20, "trigger": "a", "runDate": "2026-03-03"},
        {"name": "Prototype", "percentage": 30, "trigger": "b", "runDate": "2026-03-04"},
        {"name": "Delivery", "percentage": 50, "trigger": "c", "runDate": "2026-06-01"},
    ]
    together = await create_schedule(api, project_id, items=dated, invoiceSeparately=False)
    assert together["invoiceSeparately"] is False
    other_project = await create_project(api, contractValue="27000.00")
    separate = await create_schedule(api, other_project, items=dated)

    result = await process_due(api, "2026-03-05")
    assert result["userErrors"] == []
    by_project: dict[int, list[dict[str, Any]]] = {}
    for invoice in result["invoices"]:
        key = len(invoice["lines"])
        by_project.setdefault(key, []).append(invoice)
    [shared] = by_project[2]
    assert shared["total"] == "13500.00"
    milestones = [i["milestone"]["id"] for i in together["items"][:2]]
    assert [
        (line["description"], line["amount"], line["milestone"]["id"]) for line in shared["lines"]
    ] == [
        ("Deposit", "5400.00", milestones[0]),
        ("Prototype", "8100.00", milestones[1]),
    ]
    assert sorted(i["total"] for i in by_project[1]) == ["5400.00", "8100.00"]
    assert len(result["invoices"]) == 3

    state = await get_schedule(api, together["id"])
    assert state is not None
    assert [i["invoice"]["id"] if i["invoice"] else None for i in state["items"]] == [
        shared["id"],
        shared["id"],
        None,
    ]
    sep_state = await get_schedule(api, separate["id"])
    assert sep_state is not None
    assert len({i["invoice"]["id"] for i in sep_state["items"][:2]}) == 2


async def test_concurrent_process_due_runs_each_item_once_and_reports_no_error(
    api: Api,
) -> None:
    # The losers of the race find the items processed: no second invoice and no false error.
    project_id = await create_project(api, contractValue="100.00")
    await create_schedule(
        api,
        project_id,
        items=[
            {"name": "A", "percentage": 50, "trigger": "a", "runDate": "2026-03-01"},
            {"name": "B", "percentage": 50, "trigger": "b", "runDate": "2026-03-02"},
        ],
    )
    results = await asyncio.gather(*(process_due(api, "2026-03-05") for _ in range(5)))
    assert sum(len(r["invoices"]) for r in results) == 2
    assert (await snapshot(api))["invoice"] == 2
    assert [r["userErrors"] for r in results] == [[]] * 5


# --- completeMilestone --------------------------------------------------------------------


async def test_completing_a_milestone_runs_its_pending_item(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    schedule = await create_schedule(api, project_id, items=WEBSITE)
    design = schedule["items"][1]
    done = await complete(api, design["milestone"]["id"])
    assert done["userErrors"] == []
    milestone = done["milestone"]
    assert (milestone["status"], milestone["amountInvoiced"]) == ("INVOICED", "2500.00")
    assert milestone["scheduleItem"]["status"] == "PROCESSED"
    assert milestone["scheduleItem"]["invoice"]["number"] == "INV-000001"
    assert [i["number"] for i in milestone["invoices"]] == ["INV-000001"]
    invoice = await get_invoice(api, milestone["invoices"][0]["id"])
    assert invoice is not None
    assert [line["milestone"]["id"] for line in invoice["lines"]] == [design["milestone"]["id"]]
    state = await get_schedule(api, schedule["id"])
    assert state is not None
    assert [i["status"] for i in state["items"]] == ["PENDING", "PROCESSED", "PENDING", "PENDING"]


async def test_completing_a_milestone_whose_item_already_ran_issues_nothing_more(
    api: Api,
) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(100))
    await run_schedule(api, schedule["id"])
    done = await complete(api, schedule["items"][0]["milestone"]["id"])
    assert done["userErrors"] == []
    assert done["milestone"]["status"] == "INVOICED"
    assert len(done["milestone"]["invoices"]) == 1


async def test_completing_a_milestone_of_a_paused_schedule_issues_nothing(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    await api.gql(PAUSE_SCHEDULE, {"id": schedule["id"]})
    done = await complete(api, schedule["items"][0]["milestone"]["id"])
    assert done["userErrors"] == []
    milestone = done["milestone"]
    assert milestone["status"] == "COMPLETED"
    assert milestone["completedAt"] is not None
    assert milestone["invoices"] == []
    assert milestone["scheduleItem"]["status"] == "PENDING"
    assert (await snapshot(api))["invoice"] == 0

    # Resumed, the item is still there to run by hand.
    await api.gql(RESUME_SCHEDULE, {"id": schedule["id"]})
    ran = await run_schedule(api, schedule["id"])
    assert ran["invoices"][0]["total"] == "50.00"


async def test_completing_a_milestone_invoiced_by_hand_completes_without_a_second_invoice(
    api: Api,
) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    milestone_id = schedule["items"][0]["milestone"]["id"]
    await create_invoice(api, project_id, lines=[{"milestoneId": milestone_id}])
    done = await complete(api, milestone_id)
    assert errors(done) == []
    assert done["milestone"]["status"] == "INVOICED"
    # The item could not bill what was billed already: it stays pending, nothing more issued.
    again = await get_schedule(api, schedule["id"])
    assert again is not None
    assert [item["status"] for item in again["items"]] == ["PENDING", "PENDING"]
    assert again["billedAmount"] == "0.00"


# --- updateInvoiceSchedule ----------------------------------------------------------------


async def update(api: Api, schedule_id: str, **fields: Any) -> dict[str, Any]:
    data = await api.gql(UPDATE_SCHEDULE, {"input": {"scheduleId": schedule_id, **fields}})
    return dict(data["updateInvoiceSchedule"])


async def test_update_replaces_pending_items_and_keeps_processed_ones(api: Api) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    schedule = await create_schedule(api, project_id, items=WEBSITE)
    ran = await run_schedule(api, schedule["id"])
    processed = ran["invoiceSchedule"]["items"][0]
    old_pending_milestones = {i["milestone"]["id"] for i in schedule["items"][1:]}

    payload = await update(
        api,
        schedule["id"],
        notes="Re-planned",
        invoiceSeparately=False,
        items=[
            {"name": "Build", "percentage": 50, "trigger": "All built"},
            {"name": "Launch", "percentage": 25, "trigger": "Live"},
        ],
    )
    assert payload["userErrors"] == []
    state = payload["invoiceSchedule"]
    assert (state["notes"], state["invoiceSeparately"]) == ("Re-planned", False)
    assert [i["name"] for i in state["items"]] == ["Deposit", "Build", "Launch"]
    assert [i["sequence"] for i in state["items"]] == [1, 2, 3]
    assert amounts(state) == ["2500.00", "5000.00", "2500.00"]
    assert state["items"][0] == processed
    assert [i["status"] for i in state["items"]] == ["PROCESSED", "PENDING", "PENDING"]
    assert (state["status"], state["billedAmount"], state["unbilledAmount"]) == (
        "PARTIALLY_PROCESSED",
        "2500.00",
        "7500.00",
    )
    project = await get_project(api, project_id)
    assert [(m["name"], m["amount"]) for m in project["milestones"]] == [
        ("Deposit", "2500.00"),
        ("Build", "5000.00"),
        ("Launch", "2500.00"),
    ]
    assert not old_pending_milestones & {m["id"] for m in project["milestones"]}
    assert project["balance"]["scheduledAmount"] == "10000.00"


async def test_update_of_an_amount_schedule_must_account_for_processed_items(api: Api) -> None:
    project_id = await create_project(api, contractValue="1200.00")
    linked = await add_milestone(api, project_id, name="Kick-off")
    schedule = await create_schedule(
        api,
        project_id,
        totalAmount="1000.00",
        items=[
            {"name": "Kick-off", "amount": "300.00", "milestoneId": linked["id"]},
            {"name": "Rest", "amount": "700.00", "trigger": "Done"},
        ],
    )
    await run_schedule(api, schedule["id"])
    before = await snapshot(api)
    whole = await update(
        api, schedule["id"], items=[{"name": "Rest", "amount": "1000.00", "trigger": "Done"}]
    )
    assert errors(whole) == [(["items"], "AMOUNTS_MUST_TOTAL_SCHEDULE")]
    assert await snapshot(api) == before

    ok = await update(
        api,
        schedule["id"],
        totalAmount="1200.00",
        items=[
            {"name": "Build", "amount": "400.00", "trigger": "Built"},
            {"name": "Launch", "amount": "500.00", "trigger": "Live"},
        ],
    )
    assert ok["userErrors"] == []
    assert ok["invoiceSchedule"]["totalAmount"] == "1200.00"
    assert amounts(ok["invoiceSchedule"]) == ["300.00", "400.00", "500.00"]
    assert ok["invoiceSchedule"]["unbilledAmount"] == "900.00"


async def test_update_can_relink_the_milestones_of_replaced_items(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    a = await add_milestone(api, project_id, name="A")
    b = await add_milestone(api, project_id, name="B")
    schedule = await create_schedule(
        api,
        project_id,
        items=[
            {"name": "A", "percentage": 50, "milestoneId": a["id"]},
            {"name": "B", "percentage": 50, "milestoneId": b["id"]},
        ],
    )
    payload = await update(
        api,
        schedule["id"],
        items=[
            {"name": "B first", "percentage": 40, "milestoneId": b["id"]},
            {"name": "A second", "percentage": 60, "milestoneId": a["id"]},
        ],
    )
    assert payload["userErrors"] == []
    assert [(i["milestone"]["id"], i["amount"]) for i in payload["invoiceSchedule"]["items"]] == [
        (b["id"], "40.00"),
        (a["id"], "60.00"),
    ]
    assert (await snapshot(api))["milestone"] == 2


UPDATE_RULES: list[tuple[str, list[dict[str, Any]], dict[str, Any], list[str] | None, str]] = [
    (
        "percentages ignoring the processed 25",
        stages(50, 50),
        {},
        ["items"],
        "PERCENTAGES_MUST_TOTAL_100",
    ),
    ("a zero item", stages(75, 0), {}, ["items", "1"], "ZERO_AMOUNT_ITEM"),
    (
        "amounts where the plan uses percentages",
        [{"name": "A", "amount": "7500.00", "trigger": "a"}],
        {},
        ["items", "0"],
        "INVALID",
    ),
    ("51 items", _items(51, percentage=1), {}, ["items"], "TOO_MANY_ITEMS"),
    # No items ends a schedule only at what it billed (README: ending a schedule early).
    ("no items, the old total", [], {}, ["totalAmount"], "INVALID"),
    (
        "a run date before the processed item's",
        [{"name": "A", "percentage": 75, "trigger": "a", "runDate": "2026-03-01"}],
        {},
        ["items", "0", "runDate"],
        "RUN_DATES_OUT_OF_ORDER",
    ),
    (
        "a dated item after an undated one",
        [
            {"name": "A", "percentage": 25, "trigger": "a"},
            {"name": "B", "percentage": 50, "trigger": "b", "runDate": "2026-09-01"},
        ],
        {},
        ["items", "1", "runDate"],
        "RUN_DATES_OUT_OF_ORDER",
    ),
    ("a bad totalAmount", stages(75), {"totalAmount": "12.345"}, ["totalAmount"], "INVALID_AMOUNT"),
    (
        "a long name",
        [{"name": "x" * 101, "percentage": 75, "trigger": "a"}],
        {},
        ["items", "0", "name"],
        "INVALID",
    ),
]


@pytest.mark.parametrize(
    ("items", "fields", "field", "code"),
    [pytest.param(i, f, fd, c, id=name) for name, i, f, fd, c in UPDATE_RULES],
)
async def test_a_refused_update_writes_nothing(
    api: Api, items: list[dict[str, Any]], fields: dict[str, Any], field: list[str], code: str
) -> None:
    project_id = await create_project(api, contractValue="10000.00")
    dated = [dict(item, runDate=f"2026-03-{10 + n}") for n, item in enumerate(WEBSITE)]
    schedule = await create_schedule(api, project_id, items=dated)
    await run_schedule(api, schedule["id"])
    before = await snapshot(api)
    payload = await update(api, schedule["id"], items=items, notes="changed", **fields)
    assert payload["invoiceSchedule"] is None
    assert errors(payload) == [(field, code)]
    assert await snapshot(api) == before


async def test_update_refuses_a_milestone_scheduled_elsewhere(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    first = await create_schedule(api, project_id, items=stages(100))
    second = await create_schedule(api, project_id, items=stages(100))
    taken = first["items"][0]["milestone"]["id"]
    before = await snapshot(api)
    payload = await update(
        api, second["id"], items=[{"name": "X", "percentage": 100, "milestoneId": taken}]
    )
    assert errors(payload) == [(["items", "0", "milestoneId"], "ALREADY_SCHEDULED")]
    assert await snapshot(api) == before


async def test_update_of_an_unknown_schedule_is_not_found(api: Api, other_api: Api) -> None:
    other_project = await create_project(other_api, contractValue="100.00")
    theirs = await create_schedule(other_api, other_project, items=stages(100))
    before = await snapshot(other_api)
    payload = await update(api, theirs["id"], items=stages(100))
    assert errors(payload) == [(["scheduleId"], "NOT_FOUND")]
    assert await snapshot(other_api) == before


async def test_update_after_a_later_item_ran_keeps_sequences_unique(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(25, 25, 50))
    await run_schedule(api, schedule["id"], schedule["items"][2]["id"])
    payload = await update(api, schedule["id"], items=stages(20, 30))
    assert payload["userErrors"] == []
    items = payload["invoiceSchedule"]["items"]
    sequences = [i["sequence"] for i in items]
    assert len(set(sequences)) == len(sequences), sequences
    assert sequences == sorted(sequences)
    assert [(i["name"], i["status"], i["amount"]) for i in items] == [
        ("Stage 3", "PROCESSED", "50.00"),
        ("Stage 1", "PENDING", "20.00"),
        ("Stage 2", "PENDING", "30.00"),
    ]
    ran = await run_schedule(api, schedule["id"])
    assert [line["description"] for line in ran["invoices"][0]["lines"]] == ["Stage 1"]


async def test_update_to_a_total_below_what_was_billed_is_a_user_error(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    await run_schedule(api, schedule["id"])
    before = await snapshot(api)
    response = await api.post(
        UPDATE_SCHEDULE,
        {"input": {"scheduleId": schedule["id"], "totalAmount": "40.00", "items": stages(50)}},
    )
    body = response.json()
    assert not body.get("errors"), body["errors"]
    payload = body["data"]["updateInvoiceSchedule"]
    assert payload["invoiceSchedule"] is None
    assert errors(payload) == [(["totalAmount"], "INVALID")]
    assert await snapshot(api) == before
    # A percentage schedule's total is fixed once billed: its percentages would be untrue.
    exact = await update(api, schedule["id"], totalAmount="50.00", items=stages(50))
    assert [code for _, code in errors(exact)] == ["INVALID_STATE"]
    assert await snapshot(api) == before


# --- deleteInvoiceSchedule ----------------------------------------------------------------


async def test_delete_removes_the_plan_and_its_trigger_milestones(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    kept = await add_milestone(api, project_id, name="Kick-off")
    schedule = await create_schedule(
        api,
        project_id,
        items=[
            {"name": "Kick-off", "percentage": 40, "milestoneId": kept["id"]},
            {"name": "Delivery", "percentage": 60, "trigger": "Accepted"},
        ],
    )
    payload = (await api.gql(DELETE_SCHEDULE, {"id": schedule["id"]}))["deleteInvoiceSchedule"]
    assert payload == {"deletedId": schedule["id"], "userErrors": []}
    assert await get_schedule(api, schedule["id"]) is None
    project = await get_project(api, project_id)
    assert project["invoiceSchedules"] == []
    assert [m["id"] for m in project["milestones"]] == [kept["id"]]
    assert project["milestones"][0]["scheduleItem"] is None
    counts = await snapshot(api)
    assert (counts["invoice_schedule"], counts["invoice_schedule_item"]) == (0, 0)

    # The freed milestone can be scheduled again.
    again = await create_schedule(
        api, project_id, items=[{"name": "All", "percentage": 100, "milestoneId": kept["id"]}]
    )
    assert again["number"] == "IS-00000002"  # numbers are never reused


async def test_delete_is_refused_once_an_item_has_run(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    await run_schedule(api, schedule["id"])
    before = await snapshot(api)
    payload = (await api.gql(DELETE_SCHEDULE, {"id": schedule["id"]}))["deleteInvoiceSchedule"]
    assert payload["deletedId"] is None
    assert errors(payload) == [(["scheduleId"], "INVALID_STATE")]
    assert await snapshot(api) == before
    assert await get_schedule(api, schedule["id"]) is not None


async def test_delete_of_another_accounts_schedule_is_not_found(api: Api, other_api: Api) -> None:
    other_project = await create_project(other_api, contractValue="100.00")
    theirs = await create_schedule(other_api, other_project, items=stages(100))
    before = await snapshot(other_api)
    payload = (await api.gql(DELETE_SCHEDULE, {"id": theirs["id"]}))["deleteInvoiceSchedule"]
    assert errors(payload) == [(["scheduleId"], "NOT_FOUND")]
    assert await snapshot(other_api) == before


# --- schedules and hand-made invoices -----------------------------------------------------


async def test_an_item_whose_milestone_was_invoiced_by_hand_is_refused(api: Api) -> None:
    project_id = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, project_id, items=stages(50, 50))
    milestone_id = schedule["items"][0]["milestone"]["id"]
    await create_invoice(api, project_id, lines=[{"milestoneId": milestone_id}])
    before = await snapshot(api)
    payload = await run_schedule(api, schedule["id"], schedule["items"][0]["id"])
    assert [code for _, code in errors(payload)] == ["EXCEEDS_UNINVOICED_AMOUNT"]
    assert await snapshot(api) == before
