"""Retainage rules on both backends: the percentage (0 to 50, two decimals, fixed once an
invoice is issued), credit notes lowering what a line withholds, and idempotent releases."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import CREATE_PROJECT, USER_ERRORS, create_invoice
from tests.api.credit_helpers import credit, line, try_credit, try_void_note
from tests.api.retainage_helpers import (
    RELEASE,
    invoice_of,
    progress_invoice,
    project_retainage,
    release,
    retainage_project,
)
from tests.api.test_payments import alloc, money_snapshot, pay
from tests.conftest import Api

UPDATE_PROJECT = f"""
mutation($input: UpdateProjectInput!) {{
  updateProject(input: $input) {{ project {{ retainagePercentage }} {USER_ERRORS} }}
}}"""


async def _create(api: Api, percentage: Any) -> Any:
    variables = {
        "input": {
            "name": "Depot",
            "clientName": "Acme",
            "currency": "USD",
            "retainagePercentage": percentage,
        }
    }
    return (await api.gql(CREATE_PROJECT, variables))["createProject"]


async def _update(api: Api, project: str, percentage: Any) -> Any:
    variables = {"input": {"projectId": project, "retainagePercentage": percentage}}
    return (await api.gql(UPDATE_PROJECT, variables))["updateProject"]


async def test_the_percentage_is_0_to_50_with_at_most_two_decimals(api: Api) -> None:
    for bad in ["50.01", "-1", "12.345", "abc", "1e1"]:
        payload = await _create(api, bad)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("INVALID", ["retainagePercentage"])
        ], bad
    for good, shown in [("0", "0.00"), ("50", "50.00"), ("7.5", "7.50"), ("12.34", "12.34")]:
        project = (await _create(api, good))["project"]["id"]
        assert (await project_retainage(api, project))["retainagePercentage"] == shown


async def test_the_percentage_changes_only_before_the_first_issued_invoice(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00", "1000.00"])
    draft = await create_invoice(api, project, lines=[{"milestoneId": stages[0]}], issue=False)
    changed = await _update(api, project, "5")
    assert changed == {"project": {"retainagePercentage": "5.00"}, "userErrors": []}
    bad = await _update(api, project, "51")
    assert [(e["code"], e["field"]) for e in bad["userErrors"]] == [
        ("INVALID", ["retainagePercentage"])
    ]
    issue = "mutation($id: ID!) { issueInvoice(input: {invoiceId: $id}) { userErrors { code } } }"
    assert (await api.gql(issue, {"id": draft["id"]}))["issueInvoice"]["userErrors"] == []
    # Issued with the percentage of the moment it was issued: 5%.
    assert (await invoice_of(api, draft["id"]))["retainageAmount"] == "50.00"
    refused = await _update(api, project, "10")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("INVALID_STATE", ["retainagePercentage"])
    ]
    assert (await project_retainage(api, project))["retainagePercentage"] == "5.00"


async def test_a_credit_on_a_milestone_line_lowers_its_retainage_in_proportion(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["2500.00", "2500.00"])
    invoice = await progress_invoice(api, project, stages)
    assert invoice["total"] == "4500.00"
    # 1,000.00 of the first line's 2,500.00 credited: it keeps 250.00 * 1,500 / 2,500 = 150.00;
    # the 100.00 no longer withheld is due now, and the credit takes 1,000.00 off.
    note = await credit(api, invoice["id"], line("1000.00", milestoneId=stages[0]))
    assert note["appliedAmount"] == "1000.00"
    after = await invoice_of(api, invoice["id"])
    assert after["retainageAmount"] == "400.00" and after["total"] == "4600.00"
    assert after["balanceDue"] == "3600.00"
    assert [line["retainageAmount"] for line in after["lines"]] == ["150.00", "250.00"]
    found = await project_retainage(api, project)
    assert [m["retainageHeld"] for m in found["milestones"]] == ["150.00", "250.00"]
    assert found["balance"]["retainageHeld"] == "400.00"
    # Voiding the note puts it all back.
    assert (await try_void_note(api, note["id"]))["userErrors"] == []
    restored = await invoice_of(api, invoice["id"])
    assert restored["retainageAmount"] == "500.00" and restored["total"] == "4500.00"
    assert restored["balanceDue"] == "4500.00"


async def test_a_line_credited_in_full_withholds_nothing(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00", "1000.00"])
    invoice = await progress_invoice(api, project, stages)
    await pay(api, alloc(invoice["id"], "1800.00"))
    # Paid in full now; crediting the second line in full moves its 100.00 to due now, which
    # the credit settles, and the other 900.00 of credit is left to apply or refund.
    note = await credit(api, invoice["id"], line("1000.00", milestoneId=stages[1]))
    assert (note["appliedAmount"], note["unappliedAmount"]) == ("100.00", "900.00")
    after = await invoice_of(api, invoice["id"])
    assert after["status"] == "PAID" and after["retainageAmount"] == "100.00"
    found = await project_retainage(api, project)
    assert [m["retainageHeld"] for m in found["milestones"]] == ["100.00", "0.00"]


async def test_a_credit_cannot_take_back_released_retainage(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00"])
    invoice = await progress_invoice(api, project, stages)
    await release(api, project)
    before = await money_snapshot(api)
    refused = await try_credit(api, invoice["id"], line("500.00", milestoneId=stages[0]))
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("EXCEEDS_RETAINAGE_HELD", ["lines"])
    ]
    assert await money_snapshot(api) == before


async def test_a_retried_release_with_the_same_key_is_issued_once(api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00"])
    await progress_invoice(api, project, stages)
    variables = {"input": {"projectId": project, "idempotencyKey": "release-1"}}
    first = (await api.gql(RELEASE, variables))["releaseRetainage"]
    again = (await api.gql(RELEASE, variables))["releaseRetainage"]
    assert first["invoice"]["number"] == again["invoice"]["number"] == "INV-000002"
    assert (await project_retainage(api, project))["balance"]["retainageReleased"] == "100.00"
    other = {"input": {"projectId": project, "amount": "1.00", "idempotencyKey": "release-1"}}
    reused = (await api.gql(RELEASE, other))["releaseRetainage"]
    assert reused["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_another_accounts_project_is_not_found(api: Api, other_api: Api) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00"])
    await progress_invoice(api, project, stages)
    payload = (await other_api.gql(RELEASE, {"input": {"projectId": project}}))["releaseRetainage"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["projectId"])
    ]


async def test_another_accounts_milestone_on_ones_own_project_is_not_found(
    api: Api, other_api: Api
) -> None:
    project, stages = await retainage_project(api, "10", ["1000.00"])
    own, _ = await retainage_project(other_api, "10", ["1000.00"])
    payload = (await other_api.gql(RELEASE, {"input": {"projectId": own, "milestoneIds": stages}}))[
        "releaseRetainage"
    ]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["milestoneIds", "0"])
    ]
    assert (await project_retainage(api, project))["balance"]["retainageReleased"] == "0.00"
