"""Resolver of releaseRetainage: written through the domain's prepared statements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.types import Info

from domain.retainage import release
from resolvers.invoices import invoice as load_invoice
from resolvers.mutations import Outcome, read_back, run_statements
from resolvers.views import InvoiceView


async def release_retainage(
    info: Info[Any, Any],
    *,
    project_id: str,
    amount: str | None,
    milestone_ids: Sequence[str] | None,
) -> Outcome[InvoiceView]:
    """Return the new RETAINAGE_RELEASE invoice, or the userErrors that refused it."""
    outcome = await run_statements(
        info,
        lambda db, caller: release.release_retainage(
            db=db,
            caller=caller,
            project_id=project_id,
            amount=amount,
            milestone_ids=milestone_ids,
        ),
    )
    return await read_back(outcome, lambda id_: load_invoice(info, id_))
