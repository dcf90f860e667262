"""The aging report (DESIGN.md §7.5): what clients still owe, by days past due."""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import clients as resolve_clients
from resolvers.as_of import AgingRowView
from schema.scalars import Decimal

if TYPE_CHECKING:
    from schema.types.clients import Client

ClientType = Annotated["Client", strawberry.lazy("schema.types.clients")]
UNIT = "a decimal string in the currency's minor digits"


def _bucket(what: str) -> Any:
    return strawberry.field(description=f"{what} ({UNIT}).")


@strawberry.type(
    description="What one client (or, in `total`, every client) owed in one "
    "currency at the end of the day, by days past the due date."
)
class AgingRow:
    currency: str = strawberry.field(description="ISO 4217 code of these amounts.")
    current: Decimal = _bucket("Not yet due: due that day or later")
    days1_to30: Decimal = _bucket("1 to 30 days past due")
    days31_to60: Decimal = _bucket("31 to 60 days past due")
    days61_to90: Decimal = _bucket("61 to 90 days past due")
    over90: Decimal = _bucket("More than 90 days past due")
    total: Decimal = _bucket("Everything still owed: the sum of the buckets")
    client_id: strawberry.Private[str | None]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, AgingRowView | cls)

    @strawberry.field(description="The client; null on a total row.")
    async def client(self, info: Info[Any, Any]) -> ClientType | None:
        if self.client_id is None:
            return None
        return await resolve_clients.client(info, self.client_id)  # type: ignore[return-value]


@strawberry.type(
    description="Outstanding invoice balances at the end of a day, by days past "
    "due: issued by then, not void by then, less what was paid and credited by then."
)
class AgingReport:
    as_of: date = strawberry.field(description="The day the figures stand at (its end, UTC).")
    rows: list[AgingRow] = strawberry.field(
        description="One row per client and currency that still owed money, by client id."
    )
    total: list[AgingRow] = strawberry.field(
        description="One row per currency: the sum of the rows (client is null)."
    )
