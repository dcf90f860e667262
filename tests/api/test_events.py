"""The outbox: every mutation of the schema writes its events in its own transaction.

The walk reads the Mutation type by introspection, so a mutation added later without a
scenario here (and without its events) fails the test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from domain.events.types import EVENT_TYPES, MUTATION_EVENTS, WRITES_NO_EVENTS
from tests.api.billing_helpers import (
    add_milestone,
    complete,
    create_invoice,
    create_project,
    create_schedule,
    free_line,
    stages,
)
from tests.api.event_helpers import PAYMENT, events_after
from tests.api.event_scenarios import LATER_SCENARIOS
from tests.api.event_scenarios import call as _call
from tests.conftest import Api

MUTATION_FIELDS = '{ __type(name: "Mutation") { fields { name } } }'


class Walk:
    """The objects the scenarios build on, made as the walk goes."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.values: dict[str, Any] = {}

    async def setup(self) -> None:
        api = self.api
        self.values["project"] = await create_project(api, contractValue="10000.00")
        schedule = await create_schedule(
            api, self.values["project"], totalAmount="1000.00", items=stages("50", "50")
        )
        self.values["schedule"] = schedule["id"]
        self.values["items"] = schedule["items"]
        self.values["due_project"] = await create_project(api, contractValue="500.00")
        await create_schedule(
            api, self.values["due_project"], items=stages("100", runDate="2026-03-02")
        )


Scenario = Callable[[Walk], Awaitable[list[str]]]
INVOICE = "invoice { id }"


async def _create_project(walk: Walk) -> list[str]:
    await create_project(walk.api)
    return ["project.created"]


async def _add_milestone(walk: Walk) -> list[str]:
    milestone = await add_milestone(walk.api, walk.values["project"], amount="100.00")
    walk.values["milestone"] = milestone["id"]
    return ["milestone.added"]


async def _create_schedule(walk: Walk) -> list[str]:
    project = await create_project(walk.api, contractValue="300.00")
    schedule = await create_schedule(walk.api, project, items=stages("100"))
    walk.values["spare_schedule"] = schedule["id"]
    return ["project.created", "invoice_schedule.created"]


async def _update_schedule(walk: Walk) -> list[str]:
    await _call(
        walk.api,
        "updateInvoiceSchedule",
        "invoiceSchedule { id }",
        scheduleId=walk.values["schedule"],
        notes="Two stages",
        items=stages("50", "50"),
    )
    return ["invoice_schedule.updated"]


async def _pause(walk: Walk) -> list[str]:
    sid = walk.values["schedule"]
    await _call(walk.api, "pauseInvoiceSchedule", "invoiceSchedule { id }", scheduleId=sid)
    return ["invoice_schedule.paused"]


async def _resume(walk: Walk) -> list[str]:
    sid = walk.values["schedule"]
    await _call(walk.api, "resumeInvoiceSchedule", "invoiceSchedule { id }", scheduleId=sid)
    return ["invoice_schedule.resumed"]


async def _delete(walk: Walk) -> list[str]:
    sid = walk.values["spare_schedule"]
    await _call(walk.api, "deleteInvoiceSchedule", "deletedId", scheduleId=sid)
    return ["invoice_schedule.deleted"]


async def _run(walk: Walk) -> list[str]:
    schedule = await _call(
        walk.api,
        "runInvoiceSchedule",
        "invoiceSchedule { items { id milestone { id } } } invoices { id total }",
        scheduleId=walk.values["schedule"],
    )
    walk.values["scheduled_invoice"] = schedule["invoices"][0]
    walk.values["items"] = schedule["invoiceSchedule"]["items"]
    return ["invoice.created", "invoice.issued"]


async def _complete(walk: Walk) -> list[str]:
    milestone_id = walk.values["items"][1]["milestone"]["id"]
    assert (await complete(walk.api, milestone_id))["userErrors"] == []
    return ["milestone.completed", "invoice.created", "invoice.issued"]


async def _process_due(walk: Walk) -> list[str]:
    await _call(walk.api, "processDueInvoiceSchedules", "invoices { id }", asOf="2026-03-02")
    return ["invoice.created", "invoice.issued"]


async def _create_invoice(walk: Walk) -> list[str]:
    project = await create_project(walk.api)
    walk.values["free_project"] = project
    invoice = await create_invoice(walk.api, project, lines=[free_line("80.00")])
    walk.values["free_invoice"] = invoice
    return ["project.created", "invoice.created", "invoice.issued"]


async def _issue(walk: Walk) -> list[str]:
    draft = await create_invoice(
        walk.api, walk.values["free_project"], lines=[free_line("5.00")], issue=False
    )
    walk.values["draft"] = draft["id"]
    await _call(walk.api, "issueInvoice", INVOICE, invoiceId=draft["id"])
    return ["invoice.created", "invoice.issued"]


async def _void(walk: Walk) -> list[str]:
    await _call(walk.api, "voidInvoice", INVOICE, invoiceId=walk.values["draft"])
    return ["invoice.voided"]


async def _record_external(walk: Walk) -> list[str]:
    invoice = walk.values["scheduled_invoice"]
    allocations = [{"invoiceId": invoice["id"], "amount": invoice["total"]}]
    await _call(walk.api, "recordExternalPayment", PAYMENT, method="CHECK", allocations=allocations)
    return ["payment.recorded", "invoice.paid"]


async def _record(walk: Walk) -> list[str]:
    allocations = [{"invoiceId": walk.values["free_invoice"]["id"], "amount": "10.00"}]
    result = await _call(
        walk.api, "recordPayment", PAYMENT, transactionId="txn_walk", allocations=allocations
    )
    walk.values["allocation"] = result["payment"]["allocations"][0]["id"]
    return ["payment.recorded"]


async def _reverse(walk: Walk) -> list[str]:
    allocation_id = walk.values["allocation"]
    await _call(
        walk.api, "reverseAllocation", "allocation { id }", allocationId=allocation_id, reason="x"
    )
    return ["allocation.reversed"]


async def _distribute(walk: Walk) -> list[str]:
    invoice_id = walk.values["scheduled_invoice"]["id"]
    await _call(
        walk.api, "distributeMilestonePayment", INVOICE, invoiceId=invoice_id, proportional=True
    )
    return ["invoice.distributed"]


ENDPOINT = "webhookEndpoint { id }"


async def _create_endpoint(walk: Walk) -> list[str]:
    # Endpoints are settings, not billing changes: they write no events.
    result = await _call(
        walk.api, "createWebhookEndpoint", ENDPOINT, url="https://93.184.215.14/hooks"
    )
    walk.values["endpoint"] = result["webhookEndpoint"]["id"]
    return []


async def _update_endpoint(walk: Walk) -> list[str]:
    endpoint = walk.values["endpoint"]
    await _call(walk.api, "updateWebhookEndpoint", ENDPOINT, endpointId=endpoint, enabled=False)
    return []


async def _rotate_secret(walk: Walk) -> list[str]:
    endpoint = walk.values["endpoint"]
    await _call(walk.api, "rotateWebhookSecret", ENDPOINT, endpointId=endpoint)
    return []


async def _retry_delivery(walk: Walk) -> list[str]:
    data = await walk.api.gql("{ webhookEndpoints { deliveries { nodes { id } } } }")
    delivery = data["webhookEndpoints"][0]["deliveries"]["nodes"][0]["id"]
    await _call(walk.api, "retryWebhookDelivery", "delivery { id }", deliveryId=delivery)
    return []


async def _delete_endpoint(walk: Walk) -> list[str]:
    endpoint = walk.values["endpoint"]
    await _call(walk.api, "deleteWebhookEndpoint", "deletedId", endpointId=endpoint)
    return []


# In walking order: later scenarios use what earlier ones made.
SCENARIOS: dict[str, Scenario] = {
    "createWebhookEndpoint": _create_endpoint,
    "createProject": _create_project,
    "addMilestone": _add_milestone,
    "createInvoiceSchedule": _create_schedule,
    "updateInvoiceSchedule": _update_schedule,
    "pauseInvoiceSchedule": _pause,
    "resumeInvoiceSchedule": _resume,
    "deleteInvoiceSchedule": _delete,
    "runInvoiceSchedule": _run,
    "completeMilestone": _complete,
    "processDueInvoiceSchedules": _process_due,
    "createInvoice": _create_invoice,
    "issueInvoice": _issue,
    "voidInvoice": _void,
    "recordExternalPayment": _record_external,
    "recordPayment": _record,
    "reverseAllocation": _reverse,
    "distributeMilestonePayment": _distribute,
    "retryWebhookDelivery": _retry_delivery,
    "updateWebhookEndpoint": _update_endpoint,
    "rotateWebhookSecret": _rotate_secret,
    "deleteWebhookEndpoint": _delete_endpoint,
    **LATER_SCENARIOS,
}


async def test_every_mutation_declares_its_event_types(api: Api) -> None:
    fields = (await api.gql(MUTATION_FIELDS))["__type"]["fields"]
    mutations = {field["name"] for field in fields}
    undeclared = sorted(mutations - MUTATION_EVENTS.keys() - WRITES_NO_EVENTS)
    assert not undeclared, f"no event types declared for {undeclared}: add to MUTATION_EVENTS"
    assert all(MUTATION_EVENTS.values()), "a mutation declares no events: it writes some"
    assert {kind for kinds in MUTATION_EVENTS.values() for kind in kinds} <= set(EVENT_TYPES)
    missing = sorted(mutations - SCENARIOS.keys())
    assert not missing, f"no event scenario for {missing}: add one to SCENARIOS"


async def test_every_mutation_writes_its_events(api: Api) -> None:
    walk = Walk(api)
    await walk.setup()
    _, cursor = await events_after(api)
    for name, scenario in SCENARIOS.items():
        expected = await scenario(walk)
        events, cursor = await events_after(api, cursor)
        written = [event["type"] for event in events]
        assert written == expected, name
        # The mutation wrote what it declares (before it, a scenario may make what it needs).
        if name not in WRITES_NO_EVENTS:
            assert set(written) & set(MUTATION_EVENTS[name]), name
        assert all(event["objectId"] == event["data"]["id"] for event in events)
