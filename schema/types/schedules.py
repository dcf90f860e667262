"""InvoiceSchedule (the billing plan) and InvoiceScheduleItem."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from domain.schedules.rules import ItemStatus, ScheduleStatus
from resolvers import invoices as resolve_invoices
from resolvers import projects as resolve_projects
from resolvers import schedules as resolve
from resolvers.views import ScheduleItemView, ScheduleView
from schema.enums import described_enum
from schema.errors import ErrorCode
from schema.scalars import Decimal, Percentage
from schema.types.invoices import Invoice
from schema.types.node import Node, node_id

if TYPE_CHECKING:
    from schema.types.projects import Milestone

InvoiceScheduleStatus = described_enum(
    ScheduleStatus,
    name="InvoiceScheduleStatus",
    description="How far a billing plan has run.",
    values={
        "PENDING": "No item has run yet.",
        "PARTIALLY_PROCESSED": "Some items have issued their invoices; others are pending.",
        "FULLY_PROCESSED": "Every item has issued its invoice.",
        "PAUSED": "Held: no item runs until resumeInvoiceSchedule.",
    },
)
InvoiceScheduleItemStatus = described_enum(
    ItemStatus,
    name="InvoiceScheduleItemStatus",
    description="Whether a schedule item has run.",
    values={
        "PENDING": "Not run yet: waits for its run date or its milestone's completion.",
        "PROCESSED": "Ran: its invoice was issued (see `invoice`).",
    },
)
MilestoneType = Annotated["Milestone", strawberry.lazy("schema.types.projects")]


@strawberry.type(description="One stage of the plan: runs once, issuing its milestone's invoice.")
class InvoiceScheduleItem(Node):
    id: strawberry.ID = node_id("isi", "schedule item")
    sequence: int = strawberry.field(description="Its place in the plan, from 1.")
    name: str = strawberry.field(description="The stage's name, also its milestone's.")
    percentage: Percentage | None = strawberry.field(
        description="Its share of the schedule's total in percent, if it was given as one."
    )
    amount: Decimal = strawberry.field(
        description="What the item bills, in the schedule's currency (a decimal string)."
    )
    run_date: date | None = strawberry.field(
        description="Runs on processDueInvoiceSchedules from this date; null: on completion."
    )
    status: InvoiceScheduleItemStatus = strawberry.field(  # type: ignore[valid-type]
        description="Whether it has run."
    )
    milestone_id: strawberry.Private[str]
    invoice_id: strawberry.Private[str | None]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, ScheduleItemView | cls)

    @strawberry.field(description="The milestone the item bills.")
    async def milestone(self, info: Info[Any, Any]) -> MilestoneType:
        return await resolve_projects.milestone(info, self.milestone_id)  # type: ignore[return-value]

    @strawberry.field(description="The invoice this item issued; null while pending.")
    async def invoice(self, info: Info[Any, Any]) -> Invoice | None:
        if self.invoice_id is None:
            return None
        return await resolve_invoices.invoice(info, self.invoice_id)  # type: ignore[return-value]


@strawberry.type(description="A project's billing plan, numbered IS-00000001.")
class InvoiceSchedule(Node):
    id: strawberry.ID = node_id("is", "invoice schedule")
    number: str = strawberry.field(description="IS-00000001, in order within your account.")
    status: InvoiceScheduleStatus = strawberry.field(  # type: ignore[valid-type]
        description="How far the plan has run, or PAUSED."
    )
    notes: str | None = strawberry.field(description="Your notes on the plan, if any.")
    currency: str = strawberry.field(description="ISO 4217 code: the project's currency.")
    total_amount: Decimal = strawberry.field(
        description="What the plan bills in all: the sum of its items (a decimal string)."
    )
    billed_amount: Decimal = strawberry.field(description="What its processed items billed.")
    unbilled_amount: Decimal = strawberry.field(
        description="What its pending items will bill: totalAmount - billedAmount."
    )
    next_run_date: date | None = strawberry.field(
        description="The earliest run date of a pending item (ISO 8601 date); null if none."
    )
    invoice_separately: bool = strawberry.field(
        description="Whether items due on the same day issue one invoice each (true) or one "
        "invoice together (false)."
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC, ISO 8601).")

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, ScheduleView | cls)

    @strawberry.field(description="The plan's stages, in sequence.")
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
