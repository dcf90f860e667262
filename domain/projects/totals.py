"""A project's sums stay within what one amount may be, so no aggregate can overflow."""

from __future__ import annotations

from typing import Any

from db.queries.balances import project_totals
from domain.money import checked_total, currency_exponent


async def check_project_totals(*, session: Any, project: Any, field: str | list[str]) -> None:
    """Return when the project's scheduled and invoiced sums, as written so far in this
    transaction, fit; else raise INVALID_AMOUNT (and the transaction is rolled back)."""
    exponent = currency_exponent(project.currency)
    scheduled, invoiced = await project_totals(
        session, account_id=project.account_id, project_id=project.id
    )
    checked_total([scheduled], exponent=exponent, field=field)
    checked_total([invoiced], exponent=exponent, field=field)
