"""GraphQL documents and small helpers shared by the schedule and invoice API tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from db.tables import Invoice, InvoiceLine, InvoiceSchedule, InvoiceScheduleItem, Milestone
from tests.conftest import Api

USER_ERRORS = "userErrors { field message code }"

MILESTONE_FIELDS = "id name trigger amount status amountInvoiced completedAt"

INVOICE_FIELDS = """
id number status currency memo issuedOn dueOn subtotal discount total amountPaid balanceDue
overdue lines { description amount milestone { id name } }
"""

SCHEDULE_FIELDS = f"""
id number status notes currency totalAmount billedAmount unbilledAmount nextRunDate
invoiceSeparately
items {{
  id sequence name percentage amount runDate status
  milestone {{ {MILESTONE_FIELDS} }}
  invoice {{ id number total }}
}}
"""

CREATE_PROJECT = f"""
mutation($input: CreateProjectInput!) {{
  createProject(input: $input) {{ project {{ id }} {USER_ERRORS} }}
}}"""

ADD_MILESTONE = f"""
mutation($input: AddMilestoneInput!) {{
  addMilestone(input: $input) {{ milestone {{ {MILESTONE_FIELDS} }} {USER_ERRORS} }}
}}"""

COMPLETE_MILESTONE = f"""
mutation($id: ID!) {{
  completeMilestone(input: {{milestoneId: $id}}) {{
    milestone {{ {MILESTONE_FIELDS} invoices {{ id number status total }}
      scheduleItem {{ id status invoice {{ id number }} }} }}
    {USER_ERRORS}
  }}
}}"""

CREATE_SCHEDULE = f"""
mutation($input: CreateInvoiceScheduleInput!) {{
  createInvoiceSchedule(input: $input) {{ invoiceSchedule {{ {SCHEDULE_FIELDS} }} {USER_ERRORS} }}
}}"""

UPDATE_SCHEDULE = f"""
mutation($input: UpdateInvoiceScheduleInput!) {{
  updateInvoiceSchedule(input: $input) {{ invoiceSchedule {{ {SCHEDULE_FIELDS} }} {USER_ERRORS} }}
}}"""

PAUSE_SCHEDULE = f"""
mutation($id: ID!) {{
  pauseInvoiceSchedule(input: {{scheduleId: $id}}) {{
    invoiceSchedule {{ id status }} {USER_ERRORS}
  }}
}}"""

RESUME_SCHEDULE = f"""
mutation($id: ID!) {{
  resumeInvoiceSchedule(input: {{scheduleId: $id}}) {{
    invoiceSchedule {{ id status }} {USER_ERRORS}
  }}
}}"""

DELETE_SCHEDULE = f"""
mutation($id: ID!) {{
  deleteInvoiceSchedule(input: {{scheduleId: $id}}) {{ deletedId {USER_ERRORS} }}
}}"""

SKIPPED_ITEMS = "skippedItems { item { id name status } code reason }"

RUN_SCHEDULE = f"""
mutation($id: ID!, $itemId: ID) {{
  runInvoiceSchedule(input: {{scheduleId: $id, itemId: $itemId}}) {{
    invoiceSchedule {{ {SCHEDULE_FIELDS} }}
    invoices {{ {INVOICE_FIELDS} }}
    {SKIPPED_ITEMS}
    {USER_ERRORS}
  }}
}}"""

PROCESS_DUE = f"""
mutation($asOf: Date!) {{
  processDueInvoiceSchedules(input: {{asOf: $asOf}}) {{
    invoices {{ {INVOICE_FIELDS} }} {SKIPPED_ITEMS} {USER_ERRORS}
  }}
}}"""

SCHEDULE = f"""
query($id: ID!) {{ invoiceSchedule(id: $id) {{ {SCHEDULE_FIELDS} }} }}"""

CREATE_INVOICE = f"""
mutation($input: CreateInvoiceInput!) {{
  createInvoice(input: $input) {{ invoice {{ {INVOICE_FIELDS} }} {USER_ERRORS} }}
}}"""

ISSUE_INVOICE = f"""
mutation($id: ID!) {{
  issueInvoice(input: {{invoiceId: $id}}) {{ invoice {{ {INVOICE_FIELDS} }} {USER_ERRORS} }}
}}"""

VOID_INVOICE = f"""
mutation($id: ID!) {{
  voidInvoice(input: {{invoiceId: $id}}) {{ invoice {{ {INVOICE_FIELDS} }} {USER_ERRORS} }}
}}"""

INVOICE = f"""
query($id: ID!) {{
  invoice(id: $id) {{
    {INVOICE_FIELDS}
    progress {{ contractValue invoicedBefore paidBefore thisInvoice remainingAfter }}
  }}
}}"""

PROJECT = f"""
query($id: ID!) {{
  project(id: $id) {{
    id contractValue
    milestones {{ {MILESTONE_FIELDS} scheduleItem {{ id status }} }}
    invoiceSchedules {{ id number status }}
    balance {{
      contractValue scheduledAmount invoicedAmount paidAmount discountAmount
      outstandingAmount overdueAmount unbilledAmount
    }}
  }}
}}"""


async def create_project(api: Api, **fields: Any) -> str:
    """Return the id of a new USD project (override any field)."""
    data = await api.gql(
        CREATE_PROJECT,
        {"input": {"name": "Website", "clientName": "Acme", "currency": "USD", **fields}},
    )
    assert data["createProject"]["userErrors"] == []
    return str(data["createProject"]["project"]["id"])


async def add_milestone(api: Api, project_id: str, **fields: Any) -> dict[str, Any]:
    data = await api.gql(
        ADD_MILESTONE, {"input": {"projectId": project_id, "name": "Deposit", **fields}}
    )
    assert data["addMilestone"]["userErrors"] == []
    return dict(data["addMilestone"]["milestone"])


def stages(*percentages: Any, **common: Any) -> list[dict[str, Any]]:
    """Return percentage items named Stage 1.. with trigger texts."""
    return [
        {"name": f"Stage {i}", "percentage": p, "trigger": f"Stage {i} done", **common}
        for i, p in enumerate(percentages, start=1)
    ]


async def try_create_schedule(api: Api, project_id: str, **fields: Any) -> dict[str, Any]:
    """Return the createInvoiceSchedule payload, success or not."""
    data = await api.gql(CREATE_SCHEDULE, {"input": {"projectId": project_id, **fields}})
    return dict(data["createInvoiceSchedule"])


async def create_schedule(api: Api, project_id: str, **fields: Any) -> dict[str, Any]:
    """Return a schedule that must be created without userErrors."""
    payload = await try_create_schedule(api, project_id, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    return dict(payload["invoiceSchedule"])


async def get_schedule(api: Api, schedule_id: str) -> dict[str, Any] | None:
    return (await api.gql(SCHEDULE, {"id": schedule_id}))["invoiceSchedule"]


async def run_schedule(api: Api, schedule_id: str, item_id: str | None = None) -> dict[str, Any]:
    """Return the runInvoiceSchedule payload, success or not."""
    data = await api.gql(RUN_SCHEDULE, {"id": schedule_id, "itemId": item_id})
    return dict(data["runInvoiceSchedule"])


async def process_due(api: Api, as_of: str) -> dict[str, Any]:
    return dict((await api.gql(PROCESS_DUE, {"asOf": as_of}))["processDueInvoiceSchedules"])


async def complete(api: Api, milestone_id: str) -> dict[str, Any]:
    return dict((await api.gql(COMPLETE_MILESTONE, {"id": milestone_id}))["completeMilestone"])


async def try_create_invoice(api: Api, project_id: str, **fields: Any) -> dict[str, Any]:
    data = await api.gql(CREATE_INVOICE, {"input": {"projectId": project_id, **fields}})
    return dict(data["createInvoice"])


async def create_invoice(api: Api, project_id: str, **fields: Any) -> dict[str, Any]:
    payload = await try_create_invoice(api, project_id, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    return dict(payload["invoice"])


def free_line(amount: str, description: str = "Consulting") -> dict[str, str]:
    return {"description": description, "amount": amount}


async def get_project(api: Api, project_id: str) -> dict[str, Any]:
    return dict((await api.gql(PROJECT, {"id": project_id}))["project"])


async def get_invoice(api: Api, invoice_id: str) -> dict[str, Any] | None:
    return (await api.gql(INVOICE, {"id": invoice_id}))["invoice"]


def errors(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    """Return the (field, code) pairs of a payload's userErrors; each must have a message."""
    assert all(error["message"] for error in payload["userErrors"])
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


async def count_rows(api: Api, table: Any) -> int:
    async with api.engine.connect() as connection:
        statement = (
            select(func.count()).select_from(table).where(table.account_id == api.account_id)
        )
        return int((await connection.execute(statement)).scalar_one())


async def snapshot(api: Api) -> dict[str, Any]:
    """Return what a refused request must leave untouched: row counts and milestone amounts."""
    counts = {
        table.__tablename__: await count_rows(api, table)
        for table in (InvoiceSchedule, InvoiceScheduleItem, Milestone, Invoice, InvoiceLine)
    }
    async with api.engine.connect() as connection:
        m = Milestone.__table__.c  # type: ignore[attr-defined]
        rows = await connection.execute(
            select(m.id, m.amount, m.completed_at)
            .where(m.account_id == api.account_id)
            .order_by(m.id)
        )
        milestones = [tuple(row) for row in rows]
        s = InvoiceScheduleItem.__table__.c  # type: ignore[attr-defined]
        rows = await connection.execute(
            select(s.id, s.sequence, s.amount, s.status, s.milestone_id, s.invoice_id)
            .where(s.account_id == api.account_id)
            .order_by(s.id)
        )
        items = [tuple(row) for row in rows]
        sc = InvoiceSchedule.__table__.c  # type: ignore[attr-defined]
        rows = await connection.execute(
            select(sc.id, sc.total_amount, sc.notes, sc.paused, sc.invoice_separately)
            .where(sc.account_id == api.account_id)
            .order_by(sc.id)
        )
        schedules = [tuple(row) for row in rows]
    return {**counts, "milestones": milestones, "items": items, "schedules": schedules}
