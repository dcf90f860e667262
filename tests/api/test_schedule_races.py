"""Writes to one project's billing plan racing each other, on both backends.

Each pair of mutations is sent at the same moment in several projects at once (the way
test_payment_races.py races payments). On PostgreSQL only the lock order of
domain/projects/locks.py keeps them apart: whatever the interleaving, the pair ends as if one
ran after the other (never a milestone invoiced twice, never a deadlock reaching the client
as INTERNAL), and the figures the API reports agree afterwards.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.billing_helpers import (
    COMPLETE_MILESTONE,
    CREATE_INVOICE,
    DELETE_SCHEDULE,
    PAUSE_SCHEDULE,
    PROCESS_DUE,
    RUN_SCHEDULE,
    UPDATE_SCHEDULE,
    VOID_INVOICE,
    create_project,
    create_schedule,
    run_schedule,
)
from tests.api.test_payment_races import Race, mutation, outcome
from tests.api.test_schedule_invariants import STATE, assert_figures_agree
from tests.conftest import Api

ROUNDS = 4
CONTRACT = 100_000  # 1,000.00 USD


@dataclass
class Plan:
    """A project whose schedule bills four stages of 250.00, each with its own milestone."""

    project_id: str
    schedule_id: str
    item_ids: list[str]
    milestone_ids: list[str]
    invoice_ids: list[str]


async def four_stage_plan(api: Api) -> Plan:
    project_id = await create_project(api, contractValue="1000.00")
    items = [
        {"name": n, "amount": "250.00", "trigger": n, "runDate": f"2025-01-0{k}"}
        for k, n in enumerate("abcd", start=1)
    ]
    schedule = await create_schedule(api, project_id, totalAmount="1000.00", items=items)
    return Plan(
        project_id,
        schedule["id"],
        [item["id"] for item in schedule["items"]],
        [item["milestone"]["id"] for item in schedule["items"]],
        [],
    )


async def first_stage_invoiced(api: Api) -> Plan:
    plan = await four_stage_plan(api)
    ran = await run_schedule(api, plan.schedule_id, plan.item_ids[0])
    plan.invoice_ids.append(ran["invoices"][0]["id"])
    return plan


Call = Callable[[Api, Plan], Awaitable[str]]


def call(document: str, name: str, value: str, variables: Callable[[Plan], Any]) -> Call:
    async def send(api: Api, plan: Plan) -> str:
        return outcome(await mutation(api, document, variables(plan), name), value)

    return send


CALLS: dict[str, Call] = {
    "hand": call(
        CREATE_INVOICE,
        "createInvoice",
        "invoice",
        lambda p: {
            "input": {"projectId": p.project_id, "lines": [{"milestoneId": p.milestone_ids[0]}]}
        },
    ),
    "run": call(
        RUN_SCHEDULE, "runInvoiceSchedule", "invoiceSchedule", lambda p: {"id": p.schedule_id}
    ),
    "run_first": call(
        RUN_SCHEDULE,
        "runInvoiceSchedule",
        "invoiceSchedule",
        lambda p: {"id": p.schedule_id, "itemId": p.item_ids[0]},
    ),
    "complete": call(
        COMPLETE_MILESTONE, "completeMilestone", "milestone", lambda p: {"id": p.milestone_ids[0]}
    ),
    "update": call(
        UPDATE_SCHEDULE,
        "updateInvoiceSchedule",
        "invoiceSchedule",
        lambda p: {
            "input": {
                "scheduleId": p.schedule_id,
                "items": [{"name": "z", "amount": "1000.00", "trigger": "z"}],
            }
        },
    ),
    "delete": call(
        DELETE_SCHEDULE, "deleteInvoiceSchedule", "deletedId", lambda p: {"id": p.schedule_id}
    ),
    "pause": call(
        PAUSE_SCHEDULE, "pauseInvoiceSchedule", "invoiceSchedule", lambda p: {"id": p.schedule_id}
    ),
    "void": call(VOID_INVOICE, "voidInvoice", "invoice", lambda p: {"id": p.invoice_ids[0]}),
    "due": call(
        PROCESS_DUE, "processDueInvoiceSchedules", "invoices", lambda p: {"asOf": "2025-01-05"}
    ),
}

EXCEEDS = "EXCEEDS_UNINVOICED_AMOUNT"

# pair -> (how each round is prepared, the outcomes a serial order can give, what stage a's
# milestone ends up invoiced for: None where either order leaves something else)
PAIRS: dict[str, tuple[Callable[[Api], Awaitable[Plan]], set[tuple[str, str]], str | None]] = {
    "hand+run_first": (four_stage_plan, {("ok", EXCEEDS), (EXCEEDS, "ok")}, "250.00"),
    "run+complete": (four_stage_plan, {("ok", "ok")}, "250.00"),
    "update+hand": (four_stage_plan, {("ok", "NOT_FOUND"), ("ok", "ok")}, None),
    "delete+hand": (four_stage_plan, {("ok", "NOT_FOUND"), ("ok", "ok")}, None),
    "complete+update": (
        four_stage_plan,
        {("ok", "AMOUNTS_MUST_TOTAL_SCHEDULE"), ("NOT_FOUND", "ok")},
        None,
    ),
    "due+hand": (four_stage_plan, {("ok", "ok"), ("ok", EXCEEDS)}, "250.00"),
    "pause+run": (four_stage_plan, {("ok", "ok"), ("ok", "INVALID_STATE")}, None),
    "void+run_first": (first_stage_invoiced, {("ok", "ok"), ("ok", "INVALID_STATE")}, None),
}


@pytest.mark.parametrize("pair", list(PAIRS))
async def test_racing_writes_to_a_billing_plan_end_as_if_one_ran_first(api: Api, pair: str) -> None:
    prepare, serial_outcomes, first_stage_invoiced_for = PAIRS[pair]
    first, second = (CALLS[name] for name in pair.split("+"))
    plans = [await prepare(api) for _ in range(ROUNDS)]
    makers: list[Callable[[], Awaitable[str]]] = []
    for plan in plans:
        makers += [lambda p=plan: first(api, p), lambda p=plan: second(api, p)]
    # `mutation` fails the test on any top-level error (a deadlock answered as INTERNAL).
    results = await Race().run(makers)
    for index, plan in enumerate(plans):
        assert tuple(results[2 * index : 2 * index + 2]) in serial_outcomes, results
        project = (await api.gql(STATE, {"id": plan.project_id}))["project"]
        assert_figures_agree(project, CONTRACT)
        if first_stage_invoiced_for is not None:
            [stage_a] = [m for m in project["milestones"] if m["id"] == plan.milestone_ids[0]]
            assert stage_a["amountInvoiced"] == first_stage_invoiced_for, stage_a
