"""Sending the retainage mutations and reading retainage figures, shared by their tests."""

from __future__ import annotations

from typing import Any

from tests.api.billing_helpers import USER_ERRORS, add_milestone, create_invoice, create_project
from tests.conftest import Api

RETAINAGE_INVOICE = """
id number kind status subtotal discount retainageAmount total amountPaid balanceDue
lines { description amount retainageAmount milestone { id } releasedMilestone { id } }
milestoneDistributions { milestone { id } amount discount }
"""
RELEASE = f"""
mutation($input: ReleaseRetainageInput!) {{
  releaseRetainage(input: $input) {{ invoice {{ {RETAINAGE_INVOICE} }} {USER_ERRORS} }}
}}"""
PROJECT_RETAINAGE = """
query($id: ID!) {
  project(id: $id) {
    retainagePercentage
    milestones { id name amount amountPaid discount paid status retainageHeld }
    balance { invoicedAmount paidAmount outstandingAmount retainageHeld retainageReleased }
    client { balance { currency retainageHeld retainageReleased } }
  }
}"""
INVOICE = f"query($id: ID!) {{ invoice(id: $id) {{ {RETAINAGE_INVOICE} }} }}"


async def retainage_project(
    api: Api, percentage: str, amounts: list[str], currency: str = "USD"
) -> tuple[str, list[str]]:
    """Return a project withholding `percentage` and its milestones of these amounts."""
    project = await create_project(api, currency=currency, retainagePercentage=percentage)
    milestones = [
        (await add_milestone(api, project, name=f"Stage {index}", amount=amount))["id"]
        for index, amount in enumerate(amounts, start=1)
    ]
    return project, milestones


async def progress_invoice(api: Api, project: str, milestones: list[str], **fields: Any) -> Any:
    """Return a new issued invoice billing each milestone in full, read with its retainage."""
    fields.setdefault("lines", [{"milestoneId": milestone} for milestone in milestones])
    created = await create_invoice(api, project, **fields)
    return await invoice_of(api, created["id"])


async def invoice_of(api: Api, invoice_id: str) -> Any:
    return (await api.gql(INVOICE, {"id": invoice_id}))["invoice"]


async def project_retainage(api: Api, project: str) -> Any:
    return (await api.gql(PROJECT_RETAINAGE, {"id": project}))["project"]


async def try_release(api: Api, project: str, **fields: Any) -> Any:
    data = await api.gql(RELEASE, {"input": {"projectId": project, **fields}})
    return data["releaseRetainage"]


async def release(api: Api, project: str, **fields: Any) -> Any:
    payload = await try_release(api, project, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["invoice"]
