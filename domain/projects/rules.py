"""Pure rules about milestones: where a milestone stands, given its money figures."""

from __future__ import annotations

from enum import StrEnum


class MilestoneStatus(StrEnum):
    PLANNED = "PLANNED"
    COMPLETED = "COMPLETED"
    INVOICED = "INVOICED"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"


def milestone_status(
    *, amount: int, invoiced: int, paid: int, discount: int, completed: bool
) -> MilestoneStatus:
    """Return the status: PAID once paid + discount covers the amount, then by progress."""
    if amount > 0 and paid + discount >= amount:
        return MilestoneStatus.PAID
    if paid > 0:
        return MilestoneStatus.PARTIALLY_PAID
    if invoiced > 0:
        return MilestoneStatus.INVOICED
    if completed:
        return MilestoneStatus.COMPLETED
    return MilestoneStatus.PLANNED
