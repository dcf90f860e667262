"""Event scenarios for the client, credit, refund and editing mutations (tests/api/test_events.py
walks them after its own, so the objects made there are in `walk.values`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.billing_helpers import create_invoice, free_line
from tests.api.event_helpers import PAYMENT, mutation_document
from tests.conftest import Api

if TYPE_CHECKING:
    from tests.api.test_events import Scenario, Walk


async def call(api: Api, mutation: str, payload: str, /, **input_: Any) -> dict[str, Any]:
    """Return the mutation's payload; it must have no userErrors."""
    data = await api.gql(mutation_document(mutation, payload), {"input": input_})
    result = dict(data[mutation])
    assert result["userErrors"] == [], (mutation, result["userErrors"])
    return result


NOTE = "creditNote { id }"
REFUND = "refund { id }"


async def _create_client(walk: Walk) -> list[str]:
    result = await call(walk.api, "createClient", "client { id }", name="Walk Co")
    walk.values["client"] = result["client"]["id"]
    return ["client.created"]


async def _update_client(walk: Walk) -> list[str]:
    client = walk.values["client"]
    await call(walk.api, "updateClient", "client { id }", clientId=client, email="ap@walk.test")
    return ["client.updated"]


async def _update_project(walk: Walk) -> list[str]:
    project = walk.values["free_project"]
    await call(walk.api, "updateProject", "project { id }", projectId=project, name="Renamed")
    return ["project.updated"]


async def _update_milestone(walk: Walk) -> list[str]:
    milestone = walk.values["milestone"]
    await call(walk.api, "updateMilestone", "milestone { id }", milestoneId=milestone, name="Kick")
    return ["milestone.updated"]


async def _delete_milestone(walk: Walk) -> list[str]:
    milestone = walk.values["milestone"]
    await call(walk.api, "deleteMilestone", "deletedId", milestoneId=milestone)
    return ["milestone.deleted"]


async def _update_invoice(walk: Walk) -> list[str]:
    draft = await create_invoice(
        walk.api, walk.values["free_project"], lines=[free_line("7.00")], issue=False
    )
    walk.values["edited_draft"] = draft["id"]
    await call(walk.api, "updateInvoice", "invoice { id }", invoiceId=draft["id"], memo="Walk")
    return ["invoice.created", "invoice.updated"]


async def _delete_invoice(walk: Walk) -> list[str]:
    draft = walk.values["edited_draft"]
    await call(walk.api, "deleteInvoice", "deletedId", invoiceId=draft)
    return ["invoice.deleted"]


async def _apply_payment(walk: Walk) -> list[str]:
    project = walk.values["free_project"]
    data = await walk.api.gql(f'{{ project(id: "{project}") {{ client {{ id }} }} }}')
    prepayment = await call(
        walk.api,
        "recordExternalPayment",
        PAYMENT,
        method="WIRE",
        clientId=data["project"]["client"]["id"],
        currency="USD",
        amount="100.00",
    )
    walk.values["prepayment"] = prepayment["payment"]["id"]
    allocations = [{"invoiceId": walk.values["free_invoice"]["id"], "amount": "20.00"}]
    await call(
        walk.api,
        "applyPayment",
        PAYMENT,
        paymentId=walk.values["prepayment"],
        allocations=allocations,
    )
    return ["payment.recorded", "payment.applied"]


async def _refund_payment(walk: Walk) -> list[str]:
    payment = walk.values["prepayment"]
    await call(walk.api, "refundPayment", REFUND, paymentId=payment, amount="5.00", reason="x")
    return ["payment.refunded"]


async def _note(walk: Walk) -> str:
    # On the paid invoice: the note's credit stays unapplied, to apply or refund.
    invoice = walk.values["scheduled_invoice"]["id"]
    result = await call(
        walk.api,
        "createCreditNote",
        NOTE,
        invoiceId=invoice,
        lines=[{"amount": "10.00", "description": "Overbilled"}],
        reason="Overbilled",
    )
    return str(result["creditNote"]["id"])


async def _create_note(walk: Walk) -> list[str]:
    walk.values["note"] = await _note(walk)
    return ["credit_note.issued"]


async def _apply_note(walk: Walk) -> list[str]:
    allocations = [{"invoiceId": walk.values["free_invoice"]["id"], "amount": "5.00"}]
    await call(
        walk.api,
        "applyCreditNote",
        NOTE,
        creditNoteId=walk.values["note"],
        allocations=allocations,
    )
    return ["credit_note.applied"]


async def _reverse_application(walk: Walk) -> list[str]:
    found = await walk.api.gql(
        "query($id: ID!) { creditNote(id: $id) { applications { id atCreation } } }",
        {"id": walk.values["note"]},
    )
    [applied] = [a for a in found["creditNote"]["applications"] if not a["atCreation"]]
    await call(
        walk.api,
        "reverseCreditApplication",
        NOTE,
        creditApplicationId=applied["id"],
        reason="Wrong invoice",
    )
    return ["credit_application.reversed"]


async def _refund_note(walk: Walk) -> list[str]:
    note = walk.values["note"]
    await call(walk.api, "refundCreditNote", REFUND, creditNoteId=note, amount="2.00", reason="x")
    return ["credit_note.refunded"]


async def _void_note(walk: Walk) -> list[str]:
    note = await _note(walk)
    await call(walk.api, "voidCreditNote", NOTE, creditNoteId=note)
    return ["credit_note.issued", "credit_note.voided"]


async def _release_retainage(walk: Walk) -> list[str]:
    project = (
        await call(
            walk.api,
            "createProject",
            "project { id }",
            name="Depot",
            clientName="Walk Co",
            currency="USD",
            retainagePercentage="10",
        )
    )["project"]["id"]
    milestone = (
        await call(
            walk.api,
            "addMilestone",
            "milestone { id }",
            projectId=project,
            name="Frame",
            amount="800.00",
        )
    )["milestone"]["id"]
    await create_invoice(walk.api, project, lines=[{"milestoneId": milestone}])
    await call(walk.api, "releaseRetainage", "invoice { id kind }", projectId=project)
    return [
        "project.created",
        "milestone.added",
        "invoice.created",
        "invoice.issued",
        "invoice.created",
        "invoice.issued",
        "retainage.released",
    ]


# In walking order, after the scenarios of test_events.py.
LATER_SCENARIOS: dict[str, Scenario] = {
    "createClient": _create_client,
    "updateClient": _update_client,
    "updateProject": _update_project,
    "updateMilestone": _update_milestone,
    "deleteMilestone": _delete_milestone,
    "updateInvoice": _update_invoice,
    "deleteInvoice": _delete_invoice,
    "applyPayment": _apply_payment,
    "refundPayment": _refund_payment,
    "createCreditNote": _create_note,
    "applyCreditNote": _apply_note,
    "reverseCreditApplication": _reverse_application,
    "refundCreditNote": _refund_note,
    "voidCreditNote": _void_note,
    "releaseRetainage": _release_retainage,
}
