"""What credit notes take back from milestones: sums shared by the milestone and balance reads.

Every sum compares with the bound account, never an outer row's account_id: Citus routes a
statement to one shard only when every table in it is pinned to the account.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, and_, bindparam, func, select

from db.tables import CreditNote, CreditNoteLine, Invoice
from db.tables.columns import CN, CNL, I

# The same bound account as db/queries/projects.py's (which imports this module).
ACCOUNT = bindparam("account_id", type_=String)


def _lines_of_issued_notes() -> Any:
    return select(func.coalesce(func.sum(CNL.amount), 0)).join_from(
        CreditNoteLine.__table__,  # type: ignore[attr-defined]
        CreditNote.__table__,  # type: ignore[attr-defined]
        and_(CN.account_id == CNL.account_id, CN.id == CNL.credit_note_id),
    )


def credited_on_milestone(milestone_id: Any) -> Any:
    """The scalar sum of the issued (not void) credit note lines naming this milestone."""
    return (
        _lines_of_issued_notes()
        .where(CNL.account_id == ACCOUNT, CNL.milestone_id == milestone_id, CN.status == "ISSUED")
        .scalar_subquery()
    )


def credited_milestones_by_project(project_id_among: Any) -> Any:
    """Per project, the issued credit note lines naming a milestone (what they un-bill)."""
    return (
        select(I.project_id, func.sum(CNL.amount).label("credited"))
        .join_from(
            CreditNoteLine.__table__,  # type: ignore[attr-defined]
            CreditNote.__table__,  # type: ignore[attr-defined]
            and_(CN.account_id == CNL.account_id, CN.id == CNL.credit_note_id),
        )
        .join(
            Invoice.__table__,  # type: ignore[attr-defined]
            and_(I.account_id == CN.account_id, I.id == CN.invoice_id),
        )
        .where(
            CNL.account_id == ACCOUNT,
            project_id_among(I.project_id),
            CN.status == "ISSUED",
            CNL.milestone_id.is_not(None),
        )
        .group_by(I.project_id)
        .subquery()
    )
