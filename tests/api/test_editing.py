"""Editing: updateProject, updateMilestone, deleteMilestone, updateInvoice, deleteInvoice and
issueInvoice with dates; each refused in the wrong state with a userError and nothing written,
and idempotent under a key."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import (
    add_milestone,
    create_invoice,
    create_project,
    create_schedule,
    errors,
    free_line,
    snapshot,
    stages,
)
from tests.conftest import Api

USER_ERRORS = "userErrors { field message code }"


async def mutate(api: Api, mutation: str, selection: str, /, **input: Any) -> dict[str, Any]:
    query = (
        f"mutation($input: {mutation[0].upper()}{mutation[1:]}Input!) "
        f"{{ {mutation}(input: $input) {{ {selection} {USER_ERRORS} }} }}"
    )
    return dict((await api.gql(query, {"input": input}))[mutation])


INVOICE = (
    "invoice { id number status subtotal discount total memo issuedOn dueOn "
    "lines { amount description } }"
)


async def test_update_project_changes_what_is_given_and_search_follows(api: Api) -> None:
    project = await create_project(api, contractValue="1000.00")
    changed = await mutate(
        api,
        "updateProject",
        "project { name clientName paymentTermsDays contractValue }",
        projectId=project,
        name="Résumé site",
        paymentTermsDays=30,
    )
    assert changed["project"] == {
        "name": "Résumé site",
        "clientName": "Acme",
        "paymentTermsDays": 30,
        "contractValue": "1000.00",
    }
    found = await api.gql('{ projects(filter: {search: "resume"}) { nodes { id } } }')
    assert found["projects"]["nodes"] == [{"id": project}]
    cleared = await mutate(
        api, "updateProject", "project { contractValue }", projectId=project, contractValue=None
    )
    assert cleared["project"] == {"contractValue": None}


async def test_contract_value_not_below_a_plan(api: Api) -> None:
    project = await create_project(api, contractValue="1000.00")
    await create_schedule(api, project, items=stages("50", "50"))
    before = await snapshot(api)
    refused = await mutate(
        api, "updateProject", "project { id }", projectId=project, contractValue="999.99"
    )
    assert errors(refused) == [(["contractValue"], "INVALID_AMOUNT")]
    assert await snapshot(api) == before


async def test_update_and_delete_milestone_follow_the_rules(api: Api) -> None:
    project = await create_project(api)
    free = await add_milestone(api, project, name="Free", amount="100.00")
    second = await add_milestone(api, project, name="Second", amount="50.00")
    changed = await mutate(
        api,
        "updateMilestone",
        "milestone { name amount trigger }",
        milestoneId=free["id"],
        name="Designs",
        amount="120.00",
        trigger="Signed off",
    )
    assert changed["milestone"] == {"name": "Designs", "amount": "120.00", "trigger": "Signed off"}
    await create_invoice(api, project, lines=[{"milestoneId": free["id"], "amount": "80.00"}])
    below = await mutate(
        api, "updateMilestone", "milestone { id }", milestoneId=free["id"], amount="79.99"
    )
    assert errors(below) == [(["amount"], "INVALID_AMOUNT")]
    invoiced = await mutate(api, "deleteMilestone", "deletedId", milestoneId=free["id"])
    assert errors(invoiced) == [(["milestoneId"], "INVALID_STATE")]
    deleted = await mutate(
        api, "deleteMilestone", "deletedId", milestoneId=second["id"], idempotencyKey="del-1"
    )
    assert deleted == {"deletedId": second["id"], "userErrors": []}
    replay = await mutate(
        api, "deleteMilestone", "deletedId", milestoneId=second["id"], idempotencyKey="del-1"
    )
    assert replay == deleted
    scheduled_project = await create_project(api, contractValue="100.00")
    schedule = await create_schedule(api, scheduled_project, items=stages("100"))
    milestone_id = schedule["items"][0]["milestone"]["id"]
    priced = await mutate(
        api, "updateMilestone", "milestone { id }", milestoneId=milestone_id, amount="1.00"
    )
    assert errors(priced) == [(["amount"], "INVALID_STATE")]
    planned = await mutate(api, "deleteMilestone", "deletedId", milestoneId=milestone_id)
    assert errors(planned) == [(["milestoneId"], "INVALID_STATE")]


async def test_a_draft_is_edited_issued_with_dates_then_frozen(api: Api) -> None:
    project = await create_project(api)
    milestone = await add_milestone(api, project, amount="300.00")
    draft = await create_invoice(api, project, lines=[free_line("10.00")], issue=False)
    edited = await mutate(
        api,
        "updateInvoice",
        INVOICE,
        invoiceId=draft["id"],
        lines=[{"milestoneId": milestone["id"]}, free_line("20.00", "Travel")],
        discount="15.00",
        memo="Thanks",
    )
    assert edited["userErrors"] == []
    invoice = edited["invoice"]
    assert (invoice["subtotal"], invoice["discount"], invoice["total"]) == (
        "320.00",
        "15.00",
        "305.00",
    )
    assert [line["amount"] for line in invoice["lines"]] == ["300.00", "20.00"]
    # The draft's own milestone line is replaced, not counted twice.
    again = await mutate(
        api,
        "updateInvoice",
        INVOICE,
        invoiceId=draft["id"],
        lines=[{"milestoneId": milestone["id"]}],
    )
    assert again["invoice"]["subtotal"] == "300.00" and again["invoice"]["discount"] == "15.00"
    future = await mutate(
        api, "issueInvoice", INVOICE, invoiceId=draft["id"], issuedOn="2026-03-03"
    )
    assert errors(future) == [(["issuedOn"], "INVALID")]
    early_due = await mutate(
        api,
        "issueInvoice",
        INVOICE,
        invoiceId=draft["id"],
        issuedOn="2026-02-20",
        dueOn="2026-02-19",
    )
    assert errors(early_due) == [(["dueOn"], "INVALID")]
    issued = await mutate(
        api, "issueInvoice", INVOICE, invoiceId=draft["id"], issuedOn="2026-02-20"
    )
    assert (issued["invoice"]["issuedOn"], issued["invoice"]["dueOn"]) == (
        "2026-02-20",
        "2026-03-06",
    )
    assert issued["invoice"]["status"] == "OPEN"
    before = await snapshot(api)
    frozen = await mutate(api, "updateInvoice", INVOICE, invoiceId=draft["id"], memo="late")
    assert errors(frozen) == [(["invoiceId"], "INVALID_STATE")]
    kept = await mutate(api, "deleteInvoice", "deletedId", invoiceId=draft["id"])
    assert errors(kept) == [(["invoiceId"], "INVALID_STATE")]
    assert await snapshot(api) == before


async def test_delete_a_draft_frees_its_milestone(api: Api) -> None:
    project = await create_project(api)
    milestone = await add_milestone(api, project, amount="300.00")
    draft = await create_invoice(
        api, project, lines=[{"milestoneId": milestone["id"]}], issue=False
    )
    deleted = await mutate(api, "deleteInvoice", "deletedId", invoiceId=draft["id"])
    assert deleted == {"deletedId": draft["id"], "userErrors": []}
    assert (await api.gql('{ invoice(id: "%s") { id } }' % draft["id"]))["invoice"] is None  # noqa: UP031
    again = await create_invoice(api, project, lines=[{"milestoneId": milestone["id"]}])
    assert again["total"] == "300.00"
    gone = await mutate(api, "deleteMilestone", "deletedId", milestoneId=milestone["id"])
    assert errors(gone) == [(["milestoneId"], "INVALID_STATE")]
