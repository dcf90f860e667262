"""The worker's daily pass: process-due runs, and `invoice.overdue` is emitted once per invoice."""

from __future__ import annotations

import httpx

from tests.api.billing_helpers import (
    create_invoice,
    create_project,
    create_schedule,
    free_line,
    stages,
)
from tests.api.event_helpers import events_after
from tests.api.webhook_helpers import worker_on_test_clock
from tests.conftest import Api


async def test_the_daily_pass_issues_due_invoices_and_marks_overdue_ones_once(api: Api) -> None:
    project = await create_project(api, paymentTermsDays=10)
    invoice = await create_invoice(api, project, lines=[free_line("40.00")])
    schedule_project = await create_project(api, contractValue="100.00")
    await create_schedule(
        api,
        schedule_project,
        items=stages("100", runDate="2026-03-05"),
    )
    _, cursor = await events_after(api)
    async with httpx.AsyncClient() as client:
        worker = worker_on_test_clock(api, client)
        worker.daily = True
        await worker.run_once()  # day 0: nothing is due or overdue
        assert (await events_after(api, cursor))[0] == []
        api.clock.advance(days=11)
        await worker.run_once()
        await worker.run_once()  # the same day again: the pass ran already
        api.clock.advance(days=1)
        await worker.run_once()  # another day: still overdue, but no second event
    events, _ = await events_after(api, cursor)
    assert [(e["type"], e["objectId"]) for e in events][-1] == ("invoice.overdue", invoice["id"])
    assert [e["type"] for e in events] == ["invoice.created", "invoice.issued", "invoice.overdue"]
    assert events[-1]["data"]["balanceDue"] == "40.00"
