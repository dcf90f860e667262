"""Changing a project or a milestone, and deleting a milestone nothing refers to (§3, §7.6).

What may change: a project's name, its client (by name, while none of its invoices was
issued), payment terms (for invoices issued from now on) and contract value (not below any
of its schedules' totals); never its currency. A
milestone's name, trigger and planned date always; its amount only while no schedule item
prices it and not below what its invoices already bill.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import Milestone, Project
from db.tables.columns import SI, I, L, M, S
from domain.clients.service import MAX_NAME, client_for_project
from domain.context import Caller
from domain.errors import DomainError, ErrorCode
from domain.events import record_event
from domain.invoices.amounts import invoiced_amounts
from domain.invoices.rules import InvoiceStatus
from domain.money import currency_exponent, format_amount, parse_amount
from domain.projects.locks import lock_project, lock_project_of
from domain.projects.service import MAX_PAYMENT_TERMS_DAYS, get_milestone, get_project
from domain.projects.totals import check_project_totals
from domain.retainage.percentage import changed_retainage
from domain.search import search_form
from domain.validation import UNSET, clean_text, int_in_range, required_text


async def update_project(
    *,
    session: AsyncSession,
    caller: Caller,
    project_id: str,
    name: str | None = None,
    client_name: str | None = None,
    payment_terms_days: int | None = None,
    contract_value: object = UNSET,
    retainage_percentage: str | None = None,
) -> Project:
    """Return the project with the given fields changed."""
    project = await get_project(session=session, caller=caller, project_id=project_id)
    if client_name is not None:
        # First: the client name's lock comes before the project's, as in updateClient.
        await _move_to_client(session, caller, project, client_name)
    if retainage_percentage is not None:
        # Locked, so no invoice of the project is issued while the percentage changes.
        await lock_project(session=session, caller=caller, project_id=project_id)
        project.retainage_basis_points = await changed_retainage(
            session=session, project=project, percentage=retainage_percentage
        )
    if name is not None:
        project.name = required_text(name, field="name", max_length=200)
    if payment_terms_days is not None:
        project.payment_terms_days = int_in_range(
            payment_terms_days, field="paymentTermsDays", low=0, high=MAX_PAYMENT_TERMS_DAYS
        )
    if contract_value is not UNSET:
        project.contract_value = await _contract_value(session, project, contract_value)
    project.search_text = search_form(project.name, project.client_name)
    await session.flush()
    record_event("project.updated", project)
    return project


async def _move_to_client(
    session: AsyncSession, caller: Caller, project: Project, client_name: str
) -> None:
    """Bill the project to the account's client of exactly that name (found or created, as
    createProject does); refused once the project has an invoice that is not a draft, since
    that invoice, its payments and its credit were billed to the client it has."""
    name = required_text(client_name, field="clientName", max_length=MAX_NAME)
    if name == project.client_name:
        return
    client = await client_for_project(
        session=session, caller=caller, client_id=None, client_name=name
    )
    await lock_project(session=session, caller=caller, project_id=project.id)
    billed = await session.scalar(
        select(I.id)
        .where(I.account_id == project.account_id, I.project_id == project.id)
        .where(I.status != InvoiceStatus.DRAFT)
        .limit(1)
    )
    if billed is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "clientName",
            f"Invoice {billed} of this project was issued to {project.client_name!r}, so the "
            "project stays with that client; rename the client with updateClient instead.",
        )
    project.client_id = client.id
    project.client_name = client.name


async def _contract_value(session: AsyncSession, project: Project, value: object) -> int | None:
    """Return the new contract value in minor units; refuse one below a schedule's total."""
    if value is None:
        return None
    exponent = currency_exponent(project.currency)
    minor = parse_amount(value, exponent=exponent, field="contractValue")  # type: ignore[arg-type]
    largest = await session.scalar(
        select(func.max(S.total_amount)).where(
            S.account_id == project.account_id, S.project_id == project.id
        )
    )
    if largest is not None and minor < largest:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            "contractValue",
            f"A billing plan of this project totals {format_amount(largest, exponent)}; the "
            "contract value cannot be less.",
        )
    return minor


async def _locked_milestone(session: AsyncSession, caller: Caller, milestone_id: str) -> Milestone:
    """Return the caller's milestone locked after its project, the lock order of every write to
    a billing plan (domain/projects/locks.py)."""
    await lock_project_of(
        Milestone,
        session=session,
        caller=caller,
        id_=milestone_id,
        field="milestoneId",
        noun="milestone",
    )
    return await get_milestone(session=session, caller=caller, milestone_id=milestone_id, lock=True)


async def update_milestone(
    *,
    session: AsyncSession,
    caller: Caller,
    milestone_id: str,
    name: str | None = None,
    trigger: object = UNSET,
    amount: str | None = None,
    planned_on: object = UNSET,
) -> Milestone:
    """Return the milestone with the given fields changed."""
    milestone = await _locked_milestone(session, caller, milestone_id)
    if name is not None:
        milestone.name = required_text(name, field="name", max_length=100)
    if trigger is not UNSET:
        milestone.trigger = clean_text(trigger, field="trigger", max_length=500, required=False)  # type: ignore[arg-type]
    if planned_on is not UNSET:
        milestone.planned_on = planned_on  # type: ignore[assignment]
    if amount is not None:
        await _check_amount_change(session, caller, milestone, amount)
    await session.flush()
    project = await get_project(session=session, caller=caller, project_id=milestone.project_id)
    record_event("milestone.updated", milestone, currency=project.currency)
    return milestone


async def _check_amount_change(
    session: AsyncSession, caller: Caller, milestone: Milestone, amount: str
) -> None:
    if await _schedule_item_of(session, milestone) is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "amount",
            "A billing plan prices this milestone; change it with updateInvoiceSchedule.",
        )
    project = await get_project(session=session, caller=caller, project_id=milestone.project_id)
    exponent = currency_exponent(project.currency)
    new_amount = parse_amount(amount, exponent=exponent, field="amount", allow_zero=True)
    billed = (
        await invoiced_amounts(
            session=session, account_id=caller.account_id, milestone_ids=[milestone.id]
        )
    ).get(milestone.id, 0)
    if new_amount < billed:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            "amount",
            f"Invoices already bill {format_amount(billed, exponent)} of this milestone.",
        )
    milestone.amount = new_amount
    await session.flush()
    await check_project_totals(session=session, project=project, field="amount")


async def _schedule_item_of(session: AsyncSession, milestone: Milestone) -> str | None:
    found: str | None = await session.scalar(
        select(SI.id).where(SI.account_id == milestone.account_id, SI.milestone_id == milestone.id)
    )
    return found


async def delete_milestone(*, session: AsyncSession, caller: Caller, milestone_id: str) -> str:
    """Return the id of the deleted milestone; refused once invoiced (even on a void or draft
    invoice) or scheduled. The later milestones move up one place."""
    milestone = await _locked_milestone(session, caller, milestone_id)
    if await _schedule_item_of(session, milestone) is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "milestoneId",
            "A billing plan bills this milestone; remove it from the plan first.",
        )
    on_invoices = await session.scalar(
        select(func.count()).where(
            L.account_id == caller.account_id, L.milestone_id == milestone.id
        )
    )
    if on_invoices:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "milestoneId",
            "An invoice has a line for this milestone; an invoiced milestone is never deleted.",
        )
    await session.delete(milestone)
    await session.execute(
        update(Milestone)
        .where(
            M.account_id == caller.account_id,
            M.project_id == milestone.project_id,
            M.position > milestone.position,
        )
        .values(position=M.position - 1)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    record_event(
        "milestone.deleted",
        {"id": milestone.id, "projectId": milestone.project_id, "name": milestone.name},
    )
    return milestone.id
