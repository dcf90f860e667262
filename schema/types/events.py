"""Event: one change to an account's data, as a partner polls or receives it."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON


@strawberry.type(description="A change, recorded in the transaction that made it (DESIGN §7.4).")
class Event:
    id: strawberry.ID = strawberry.field(
        description="The event's id, `evt_...`; the same id in its webhook deliveries."
    )
    type: str = strawberry.field(description="What happened, e.g. `payment.recorded`.")
    occurred_at: datetime = strawberry.field(description="When the change was made.")
    object_id: strawberry.ID = strawberry.field(description="The id of the changed object.")
    data: JSON = strawberry.field(description="The changed object as the API shows it then.")
