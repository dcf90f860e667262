"""Changing a project's retainage percentage: only before its first invoice is issued."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import Project
from db.tables.columns import I
from domain.errors import DomainError, ErrorCode
from domain.retainage.rules import parse_retainage_percentage


async def changed_retainage(*, session: AsyncSession, project: Project, percentage: str) -> int:
    """Return the new percentage in basis points; refused (INVALID_STATE) once any invoice of
    the project was issued, even if voided since: every issued invoice keeps one rule."""
    basis_points = parse_retainage_percentage(percentage)
    issued = await session.scalar(
        select(func.count()).where(
            I.account_id == project.account_id,
            I.project_id == project.id,
            I.number.is_not(None),
        )
    )
    if issued and basis_points != project.retainage_basis_points:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "retainagePercentage",
            "The retainage percentage can only change before the project's first invoice is "
            "issued.",
        )
    return basis_points
