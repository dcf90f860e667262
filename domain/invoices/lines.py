"""An invoice's requested lines, checked against the project's milestones: every bad line
is reported, each under its own path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import Milestone, Project
from db.tables.columns import M
from domain.context import Caller
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.invoices.amounts import uninvoiced_amounts
from domain.money import currency_exponent, parse_amount
from domain.validation import clean_text

MAX_LINES = 100


@dataclass(frozen=True)
class LineInput:
    """A requested line: a milestone line (milestone_id) or a free line (description)."""

    milestone_id: str | None = None
    description: str | None = None
    amount: str | int | None = None


@dataclass(frozen=True)
class LineSpec:
    """A checked line, amount in minor units."""

    description: str
    amount: int
    milestone_id: str | None = None


async def check_lines(
    *, session: AsyncSession, caller: Caller, project: Project, lines: Sequence[LineInput]
) -> list[LineSpec]:
    """Return the lines checked against the project's milestones and currency."""
    if not lines:
        raise DomainError(ErrorCode.INVALID, "lines", "An invoice needs at least one line.")
    if len(lines) > MAX_LINES:
        raise DomainError(ErrorCode.INVALID, "lines", f"At most {MAX_LINES} lines.")
    milestone_ids = [line.milestone_id for line in lines if line.milestone_id]
    milestones = {
        m.id: m
        for m in await session.scalars(
            select(Milestone)
            .where(M.account_id == caller.account_id, M.id.in_(milestone_ids))
            .order_by(M.id)
            .with_for_update()
        )
    }
    open_amounts = await uninvoiced_amounts(
        session=session, account_id=caller.account_id, milestone_ids=milestone_ids
    )
    seen: set[str] = set()
    problems = ErrorCollector()
    specs = []
    for index, line in enumerate(lines):
        try:
            specs.append(
                _check_line(
                    line,
                    path=("lines", str(index)),
                    project=project,
                    milestones=milestones,
                    open_amounts=open_amounts,
                    seen=seen,
                )
            )
        except DomainError as error:
            problems.add(error)
    problems.raise_any()
    return specs


def _check_line(
    line: LineInput,
    *,
    path: tuple[str, str],
    project: Project,
    milestones: dict[str, Milestone],
    open_amounts: dict[str, int],
    seen: set[str],
) -> LineSpec:
    """Return one line checked, or raise what is wrong with it (its own path in each error)."""
    exponent = currency_exponent(project.currency)
    if not line.milestone_id:
        description = clean_text(line.description, field=[*path, "description"], max_length=500)
        if line.amount is None:
            raise DomainError(
                ErrorCode.INVALID_AMOUNT, [*path, "amount"], "A free line needs an amount."
            )
        amount = parse_amount(line.amount, exponent=exponent, field=[*path, "amount"])
        return LineSpec(description or "", amount)
    milestone = milestones.get(line.milestone_id)
    if milestone is None or milestone.project_id != project.id:
        raise DomainError(
            ErrorCode.NOT_FOUND, [*path, "milestoneId"], "No milestone of this project."
        )
    if milestone.id in seen:
        raise DomainError(
            ErrorCode.INVALID, [*path, "milestoneId"], "This milestone is already a line."
        )
    seen.add(milestone.id)
    open_amount = open_amounts.get(milestone.id, 0)
    if line.amount is None:
        amount = open_amount
        if amount <= 0:
            raise DomainError(
                ErrorCode.EXCEEDS_UNINVOICED_AMOUNT,
                [*path, "milestoneId"],
                "This milestone has nothing left to invoice.",
            )
    else:
        amount = parse_amount(line.amount, exponent=exponent, field=[*path, "amount"])
        if amount > open_amount:
            raise DomainError(
                ErrorCode.EXCEEDS_UNINVOICED_AMOUNT,
                [*path, "amount"],
                "The amount exceeds what is left to invoice on this milestone.",
            )
    description = clean_text(
        line.description, field=[*path, "description"], max_length=500, required=False
    )
    return LineSpec(description or milestone.name, amount, milestone.id)
