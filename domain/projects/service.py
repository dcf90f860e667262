"""Projects and their milestones: creating them and recording completion."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db.tables import Milestone, Project
from domain.clients.service import client_for_project
from domain.context import Caller
from domain.events import record_event
from domain.ids import new_id
from domain.lookup import get_owned
from domain.money import currency_exponent, parse_amount
from domain.projects.locks import lock_project
from domain.projects.totals import check_project_totals
from domain.retainage.rules import parse_retainage_percentage
from domain.search import search_form
from domain.validation import clean_text, int_in_range, required_text

MAX_PAYMENT_TERMS_DAYS = 365


async def create_project(
    *,
    session: AsyncSession,
    caller: Caller,
    name: str,
    currency: str,
    client_name: str | None = None,
    client_id: str | None = None,
    contract_value: str | None = None,
    payment_terms_days: int = 14,
    retainage_percentage: str | None = None,
) -> Project:
    """Return the new project, validated field by field."""
    exponent = currency_exponent(currency, field="currency")
    client = await client_for_project(
        session=session, caller=caller, client_id=client_id, client_name=client_name
    )
    project = Project(
        account_id=caller.account_id,
        id=new_id("prj"),
        name=required_text(name, field="name", max_length=200),
        client_id=client.id,
        client_name=client.name,
        currency=currency,
        contract_value=None
        if contract_value is None
        else parse_amount(contract_value, exponent=exponent, field="contractValue"),
        payment_terms_days=int_in_range(
            payment_terms_days, field="paymentTermsDays", low=0, high=MAX_PAYMENT_TERMS_DAYS
        ),
        retainage_basis_points=0
        if retainage_percentage is None
        else parse_retainage_percentage(retainage_percentage),
        created_at=caller.clock.now(),
    )
    project.search_text = search_form(project.name, project.client_name)
    session.add(project)
    await session.flush()
    record_event("project.created", project)
    return project


async def get_project(
    *, session: AsyncSession, caller: Caller, project_id: str, field: str = "projectId"
) -> Project:
    """Return the caller's project, or raise NOT_FOUND (also for another account's id)."""
    return await get_owned(
        Project, session=session, caller=caller, id_=project_id, field=field, noun="project"
    )


async def get_milestone(
    *,
    session: AsyncSession,
    caller: Caller,
    milestone_id: str,
    field: str = "milestoneId",
    lock: bool = False,
) -> Milestone:
    """Return the caller's milestone, or raise NOT_FOUND (also for another account's id)."""
    return await get_owned(
        Milestone,
        session=session,
        caller=caller,
        id_=milestone_id,
        field=field,
        noun="milestone",
        lock=lock,
    )


async def add_milestone(
    *,
    session: AsyncSession,
    caller: Caller,
    project_id: str,
    name: str,
    trigger: str | None = None,
    amount: str | None = None,
    planned_on: date | None = None,
) -> Milestone:
    """Return the new milestone, placed after the project's last one."""
    # Locked: two milestones added at once would otherwise take the same position.
    project = await lock_project(session=session, caller=caller, project_id=project_id)
    exponent = currency_exponent(project.currency)
    milestone = Milestone(
        account_id=caller.account_id,
        id=new_id("ms"),
        project_id=project.id,
        name=required_text(name, field="name", max_length=100),
        trigger=clean_text(trigger, field="trigger", max_length=500, required=False),
        position=await next_position(session=session, project=project),
        # No amount (or 0) is an unpriced milestone: a schedule item gives it its amount.
        amount=0
        if amount is None
        else parse_amount(amount, exponent=exponent, field="amount", allow_zero=True),
        planned_on=planned_on,
        created_at=caller.clock.now(),
    )
    session.add(milestone)
    await session.flush()
    await check_project_totals(session=session, project=project, field="amount")
    record_event("milestone.added", milestone, currency=project.currency)
    return milestone


async def next_position(*, session: AsyncSession, project: Project) -> int:
    last = await session.scalar(
        select(func.max(col(Milestone.position))).where(
            col(Milestone.account_id) == project.account_id,
            col(Milestone.project_id) == project.id,
        )
    )
    return (last or 0) + 1
