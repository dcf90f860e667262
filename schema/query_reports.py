"""The Query root's reports (DESIGN.md §7.5)."""

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import as_of as resolve
from schema.types.reporting import AgingReport


@strawberry.type
class ReportQueries:
    @strawberry.field(
        description="What clients owed at the end of a day by days past due: one row per "
        "client and currency, one total row per currency."
    )
    async def aging_report(
        self,
        info: Info[Any, Any],
        as_of: Annotated[
            date | None,
            strawberry.argument(description="The day (its end, UTC); today when not given."),
        ] = None,
        client_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this client's invoices.")
        ] = None,
        project_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this project's invoices.")
        ] = None,
    ) -> AgingReport:
        report = await resolve.aging_report(
            info, day=as_of, client_id=client_id, project_id=project_id
        )
        return report  # type: ignore[return-value]
