"""The one lock order of every write that touches a project's billing plan.

A project's billing plan is its milestones, its invoice schedules with their items, and the
invoices that bill its milestones. Every mutation that checks or changes what a milestone has
left to invoice, or changes a schedule or its items (addMilestone, completeMilestone,
createInvoice, issueInvoice, voidInvoice, create/update/delete/pause/resume/run of a schedule,
processDueInvoiceSchedules), takes its PostgreSQL row locks in this order:

1. the project row, `SELECT ... FOR NO KEY UPDATE` (lock_project), before reading anything of
   the plan; a mutation given another id first reads that row's project id, unlocked (a row
   never moves to another project), then locks the project;
2. the invoice schedule(s), one project after another in (project id, schedule id) order;
3. the milestones, in id order;
4. existing invoices, in id order;
5. the account's number series (domain/numbering.py).

The project lock comes first, so two such writes on one project run one after the other: none
reads a milestone's open amount while another changes it (no double billing), and none waits
for a row another holds while that one waits for its project (no deadlock). Writes that never
touch the plan (payments, reversals, distributions) lock invoices only, from step 4 on, so
they cannot close a cycle with these. FOR NO KEY UPDATE, not FOR UPDATE: inserting a row
that references the project (its foreign key check takes FOR KEY SHARE) is not held up.

SQLite has one writer at a time (BEGIN IMMEDIATE) and ignores row locks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import Project
from domain.context import Caller
from domain.errors import DomainError, ErrorCode


async def lock_project(
    *, session: AsyncSession, caller: Caller, project_id: str, field: str = "projectId"
) -> Project:
    """Return the caller's project, locked against every other write to its billing plan."""
    project = await session.get(
        Project,
        (caller.account_id, project_id),
        with_for_update={"key_share": True},
        populate_existing=True,
    )
    if project is None:
        raise DomainError(ErrorCode.NOT_FOUND, field, "No project with this id.")
    return project


async def lock_project_of(
    table: Any, *, session: AsyncSession, caller: Caller, id_: str, field: str, noun: str
) -> Project:
    """Return the locked project of the caller's row of `table` (a schedule, milestone or
    invoice) with this id, or raise NOT_FOUND; the row itself is not locked yet."""
    columns = table.__table__.c
    project_id = await session.scalar(
        select(columns.project_id).where(columns.account_id == caller.account_id, columns.id == id_)
    )
    if project_id is None:
        raise DomainError(ErrorCode.NOT_FOUND, field, f"No {noun} with this id.")
    return await lock_project(session=session, caller=caller, project_id=project_id, field=field)
