"""Credit notes and retainage: a credit on a milestone line lowers the retainage withheld on
it in proportion to what the line still bills net of its part of the discount
(domain/retainage/rules.py's kept_after_credit); what stops being withheld
becomes due now, so the invoice's total grows by it and total + retainage stays the same."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.queries.retainage_writes import (
    CHANGE_INVOICE_RETAINAGE,
    KEEP_ON_LINE,
    MILESTONES_HOLDING,
    RETAINAGE_LINES,
)
from db.statements import Statements, Write
from domain.errors import DomainError, ErrorCode
from domain.retainage.rules import billed_by_lines, kept_after_credit
from domain.retainage.withhold import held_change


async def retainage_after_credit(
    *, db: Statements, account_id: str, invoice: Any, credit_changes: Mapping[str, int]
) -> tuple[list[Write], Any]:
    """Return the writes that keep each credited milestone line's retainage in proportion to
    what the line still bills, and the invoice row with its new total. `credit_changes` maps
    a milestone to what a credit note adds to (or, voided, takes from) its line's credit; read
    before the credit note itself is written or voided.

    Refused (EXCEEDS_RETAINAGE_HELD) when the retainage a credit takes off was released."""
    if (
        not credit_changes
        or not int(invoice.retainage_amount)
        and all(change > 0 for change in credit_changes.values())
    ):
        return [], invoice
    lines = await db.rows(RETAINAGE_LINES, {"account_id": account_id, "invoice_id": invoice.id})
    milestone_lines = [row for row in lines if row.milestone_id]
    billed = billed_by_lines(
        discount=int(invoice.discount),
        lines=[(int(row.amount), int(row.retainage_share)) for row in milestone_lines],
    )
    changes: dict[str, tuple[Any, int]] = {}
    for row, line_billed in zip(milestone_lines, billed, strict=True):
        if row.milestone_id in credit_changes and int(row.retainage_share):
            credited = int(row.credited) + credit_changes[row.milestone_id]
            kept = kept_after_credit(
                share=int(row.retainage_share), billed=line_billed, credited=credited
            )
            if kept != int(row.retainage_amount):
                changes[row.milestone_id] = (row, kept - int(row.retainage_amount))
    if not changes:
        return [], invoice
    held = await db.rows(MILESTONES_HOLDING, {"account_id": account_id, "ids": sorted(changes)})
    for milestone in held:
        if int(milestone.retainage_held) + changes[milestone.id][1] < 0:
            raise DomainError(
                ErrorCode.EXCEEDS_RETAINAGE_HELD,
                "lines",
                f"Crediting milestone {milestone.name} would take back retainage that was "
                "already released; void the retainage release invoice first.",
            )
    writes: list[Write] = []
    for milestone_id, (row, change) in changes.items():
        kept = int(row.retainage_amount) + change
        writes.append((KEEP_ON_LINE, {"line_account": account_id, "line": row.id, "kept": kept}))
        writes.append(held_change(account_id, milestone_id, change))
    moved = sum(change for _, change in changes.values())
    retainage, total = int(invoice.retainage_amount) + moved, int(invoice.total) - moved
    writes.append(
        (
            CHANGE_INVOICE_RETAINAGE,
            {
                "invoice_account": account_id,
                "target_invoice": invoice.id,
                "retainage": retainage,
                "new_total": total,
            },
        )
    )
    return writes, invoice._replace(total=total, retainage_amount=retainage)
