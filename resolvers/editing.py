"""Resolvers of the editing mutations: updateProject, updateMilestone, deleteMilestone,
updateInvoice, deleteInvoice, and issueInvoice with its dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from domain.invoices import drafts, service
from domain.invoices.service import LineInput
from domain.projects import editing
from domain.validation import UNSET
from resolvers import invoices as resolve_invoices
from resolvers import projects as resolve_projects
from resolvers.mutations import Outcome, run_write
from resolvers.views import InvoiceView, MilestoneView, ProjectView


def given(value: Any) -> Any:
    """Return the value, or the domain's UNSET for an input field that was not sent."""
    return UNSET if value is strawberry.UNSET else value


def sent(value: Any) -> Any:
    """Return the value, or None for an input field that was not sent."""
    return None if value is strawberry.UNSET else value


async def update_project(
    info: Info[Any, Any], *, project_id: str, fields: Any
) -> Outcome[ProjectView]:
    """Return the changed project, or the userErrors that refused the change."""
    outcome = await run_write(
        info,
        lambda session, caller: editing.update_project(
            session=session,
            caller=caller,
            project_id=project_id,
            name=sent(fields.name),
            client_name=sent(fields.client_name),
            payment_terms_days=sent(fields.payment_terms_days),
            contract_value=given(fields.contract_value),
        ),
    )
    return await resolve_projects.then_load(info, outcome, resolve_projects.project)


async def update_milestone(
    info: Info[Any, Any], *, milestone_id: str, fields: Any
) -> Outcome[MilestoneView]:
    """Return the changed milestone, or the userErrors that refused the change."""
    outcome = await run_write(
        info,
        lambda session, caller: editing.update_milestone(
            session=session,
            caller=caller,
            milestone_id=milestone_id,
            name=sent(fields.name),
            trigger=given(fields.trigger),
            amount=sent(fields.amount),
            planned_on=given(fields.planned_on),
        ),
    )
    return await resolve_projects.then_load(info, outcome, resolve_projects.milestone)


async def delete_milestone(info: Info[Any, Any], *, milestone_id: str) -> Outcome[str]:
    """Return the deleted milestone's id, or the userErrors that refused it."""
    return await run_write(
        info,
        lambda session, caller: editing.delete_milestone(
            session=session, caller=caller, milestone_id=milestone_id
        ),
    )


async def update_invoice(
    info: Info[Any, Any],
    *,
    invoice_id: str,
    lines: Sequence[LineInput] | None,
    discount: str | None,
    memo: Any,
) -> Outcome[InvoiceView]:
    """Return the changed draft, or the userErrors that refused the change."""
    outcome = await run_write(
        info,
        lambda session, caller: drafts.update_invoice(
            session=session,
            caller=caller,
            invoice_id=invoice_id,
            lines=lines,
            discount=discount,
            memo=given(memo),
        ),
    )
    return await resolve_invoices.reload(info, outcome)


async def delete_invoice(info: Info[Any, Any], *, invoice_id: str) -> Outcome[str]:
    """Return the deleted draft's id, or the userErrors that refused it."""
    return await run_write(
        info,
        lambda session, caller: drafts.delete_invoice(
            session=session, caller=caller, invoice_id=invoice_id
        ),
    )


async def issue_invoice(
    info: Info[Any, Any], *, invoice_id: str, issued_on: date | None, due_on: date | None
) -> Outcome[InvoiceView]:
    """Return the issued invoice, or the userErrors that refused it."""
    outcome = await run_write(
        info,
        lambda session, caller: service.issue_invoice(
            session=session,
            caller=caller,
            invoice_id=invoice_id,
            issued_on=issued_on,
            due_on=due_on,
        ),
    )
    return await resolve_invoices.reload(info, outcome)
