"""InvoiceSchedule (the billing plan) and InvoiceScheduleItem."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from domain.schedules.rules import ItemStatus, ScheduleStatus
from resolvers import invoices as resolve_invoices
from resolvers import projects as resolve_projects
from resolvers import schedules as resolve
from resolvers.views import ScheduleItemView, ScheduleView
from schema.errors import ErrorCode
from schema.scalars import Decimal, Percentage
from schema.types.invoices import Invoice
from schema.types.node import Node

if TYPE_CHECKING:
    from schema.types.projects import Milestone

InvoiceScheduleStatus = strawberry.enum(ScheduleStatus, name="InvoiceScheduleStatus")
InvoiceScheduleItemStatus = strawberry.enum(ItemStatus, name="InvoiceScheduleItemStatus")
MilestoneType = Annotated["Milestone", strawberry.lazy("schema.types.projects")]


@strawberry.type(description="One stage of the plan: runs once, issuing its milestone's invoice.")
class InvoiceScheduleItem(Node):
    sequence: int
    name: str
    percentage: Percentage | None
    amount: Decimal
    run_date: date | None = strawberry.field(
        description="Runs on processDueInvoiceSchedules from this date; null: on completion."
    )
    status: InvoiceScheduleItemStatus  # type: ignore[valid-type]
    milestone_id: strawberry.Private[str]
    invoice_id: strawberry.Private[str | None]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, ScheduleItemView | cls)

    @strawberry.field
    async def milestone(self, info: Info[Any, Any]) -> MilestoneType:
        return await resolve_projects.milestone(info, self.milestone_id)  # type: ignore[return-value]

    @strawberry.field(description="The invoice this item issued; null while pending.")
    async def invoice(self, info: Info[Any, Any]) -> Invoice | None:
        if self.invoice_id is None:
            return None
        return await resolve_invoices.invoice(info, self.invoice_id)  # type: ignore[return-value]


@strawberry.type(description="A project's billing plan, numbered IS-00000001.")
class InvoiceSchedule(Node):
    number: str
    status: InvoiceScheduleStatus  # type: ignore[valid-type]
    notes: str | None
    currency: str
    total_amount: Decimal
    billed_amount: Decimal
    unbilled_amount: Decimal
    next_run_date: date | None
    invoice_separately: bool
    created_at: datetime

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, ScheduleView | cls)

    @strawberry.field
    async def items(self, info: Info[Any, Any]) -> list[InvoiceScheduleItem]:
        return await resolve.items_of(info, self.id)  # type: ignore[return-value]


@strawberry.type(
    description="A due or requested schedule item that did not run, and why; the others ran."
)
class SkippedScheduleItem:
    item: InvoiceScheduleItem | None = strawberry.field(description="The item that did not run.")
    code: ErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="The rule that held it back, e.g. EXCEEDS_UNINVOICED_AMOUNT when its "
        "milestone was invoiced by hand."
    )
    reason: str = strawberry.field(description="Why it did not run and what to do about it.")
