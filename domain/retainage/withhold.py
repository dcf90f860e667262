"""Withholding retainage when a progress invoice is issued, and giving it back when an
invoice is voided."""

from __future__ import annotations

from typing import Any

from db.queries.retainage_writes import (
    CHANGE_HELD,
    MILESTONES_HOLDING,
    RETAINAGE_LINES,
    WITHHOLD_ON_LINE,
)
from db.statements import Statements, Write
from domain.errors import DomainError, ErrorCode
from domain.retainage.rules import line_shares, withheld_amount

RELEASE_KIND = "RETAINAGE_RELEASE"


def held_change(account_id: str, milestone_id: str, change: int) -> Write:
    """Return the write that adds `change` (negative to take away) to a milestone's held."""
    return CHANGE_HELD, {
        "milestone_account": account_id,
        "milestone": milestone_id,
        "change": change,
    }


async def withhold_retainage(
    *, db: Statements, invoice: Any, basis_points: int, discount: int
) -> int:
    """Return the retainage the invoice withholds as it is issued: the percentage of its
    milestone lines, rounded half-even, written as each line's largest-remainder share and
    added to each milestone's held retainage. Refused when what is left due is not positive."""
    if not basis_points or invoice.kind == RELEASE_KIND:
        return 0
    parameters = {"account_id": invoice.account_id, "invoice_id": invoice.id}
    lines = [row for row in await db.rows(RETAINAGE_LINES, parameters) if row.milestone_id]
    milestone_lines = sum(int(row.amount) for row in lines)
    retainage = withheld_amount(milestone_lines=milestone_lines, basis_points=basis_points)
    if not retainage:
        return 0
    if discount > milestone_lines - retainage:
        # Free lines are settled in full and retainage is never a discount, so the discount
        # comes out of what the milestone lines leave due now.
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            "discount",
            "The discount cannot exceed the milestone lines less the retainage they withhold.",
        )
    if invoice.subtotal - discount - retainage <= 0:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            "discount",
            "Less its discount and retainage, the invoice would bill nothing now.",
        )
    shares = line_shares(retainage=retainage, line_amounts=[int(row.amount) for row in lines])
    writes: list[Write] = []
    for row, share in zip(lines, shares, strict=True):
        if share:
            writes.append(
                (
                    WITHHOLD_ON_LINE,
                    {"line_account": invoice.account_id, "line": row.id, "share": share},
                )
            )
            writes.append(held_change(invoice.account_id, row.milestone_id, share))
    await db.execute(*writes)
    return retainage


async def return_on_void(*, db: Statements, invoice: Any) -> None:
    """Undo what the invoice did to held retainage as it is voided: a progress invoice's
    shares leave its milestones (refused while released retainage depends on them), a
    release invoice's lines go back to held."""
    parameters = {"account_id": invoice.account_id, "invoice_id": invoice.id}
    lines = await db.rows(RETAINAGE_LINES, parameters)
    changes: dict[str, int] = {}
    for row in lines:
        if row.released_milestone_id:
            changes[row.released_milestone_id] = int(row.amount)
        elif row.milestone_id and int(row.retainage_amount):
            changes[row.milestone_id] = -int(row.retainage_amount)
    if not changes:
        return
    held = await db.rows(
        MILESTONES_HOLDING, {"account_id": invoice.account_id, "ids": sorted(changes)}
    )
    for milestone in held:
        if int(milestone.retainage_held) + changes[milestone.id] < 0:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                "invoiceId",
                f"Retainage this invoice withheld on milestone {milestone.name} was released; "
                "void the retainage release invoice first.",
            )
    await db.execute(
        *(
            held_change(invoice.account_id, milestone_id, change)
            for milestone_id, change in changes.items()
        )
    )
