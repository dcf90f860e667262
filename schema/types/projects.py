"""Project, Milestone and ProjectBalance."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from domain.projects.rules import MilestoneStatus as DomainMilestoneStatus
from domain.retainage.rules import format_percentage
from resolvers import as_of as resolve_as_of
from resolvers import clients as resolve_clients
from resolvers import invoices as resolve_invoices
from resolvers import projects as resolve
from resolvers import schedules as resolve_schedules
from resolvers.views import BalanceView, MilestoneView, ProjectView
from schema.enums import described_enum
from schema.scalars import Decimal, Percentage
from schema.types.invoices import Invoice, InvoiceStatus
from schema.types.node import Node, node_id
from schema.types.pagination import After, Connection, First
from schema.types.schedules import InvoiceSchedule, InvoiceScheduleItem

if TYPE_CHECKING:
    from schema.types.clients import Client

ClientType = Annotated["Client", strawberry.lazy("schema.types.clients")]
MilestoneStatus = described_enum(
    DomainMilestoneStatus,
    name="MilestoneStatus",
    description="How far a milestone has come, from planned to paid.",
    values={
        "PLANNED": "Not completed, nothing invoiced.",
        "COMPLETED": "Marked complete (completeMilestone); nothing invoiced yet.",
        "INVOICED": "On an issued invoice; no money received for it yet.",
        "PARTIALLY_PAID": "Some money received for it, less than its amount less discount.",
        "PAID": "amountPaid + discount covers its amount.",
    },
)


@strawberry.type(description="What was billed, paid, discounted, still open and overdue.")
class ProjectBalance:
    currency: str = strawberry.field(description="ISO 4217 code of these figures.")
    contract_value: Decimal | None = strawberry.field(
        description="The project's contract value; null if it has none."
    )
    scheduled_amount: Decimal = strawberry.field(description="Sum of the milestone amounts.")
    invoiced_amount: Decimal = strawberry.field(description="Issued invoices, not void.")
    paid_amount: Decimal = strawberry.field(
        description="Payments applied to those invoices, reversals excluded."
    )
    credited_amount: Decimal = strawberry.field(
        description="What credit notes took off those invoices' balances (creditedAmount)."
    )
    discount_amount: Decimal = strawberry.field(description="Invoice-level discounts given.")
    outstanding_amount: Decimal = strawberry.field(
        description="Invoiced minus paid minus credited."
    )
    overdue_amount: Decimal = strawberry.field(description="Open balance past its due date.")
    unbilled_amount: Decimal = strawberry.field(
        description="Scheduled minus what milestone lines have invoiced, plus what credit "
        "note lines naming a milestone took back (it can be invoiced again)."
    )
    over_contract_amount: Decimal | None = strawberry.field(
        description="How far the milestones (scheduled) exceed the contract value, 0 within "
        "it; null without a contract value. Each schedule is at most the contract value."
    )
    retainage_held: Decimal = strawberry.field(
        description="Retainage withheld by issued invoices and not yet on a release invoice "
        "(a decimal string in the currency's minor digits); the sum of the milestones' "
        "retainageHeld."
    )
    retainage_released: Decimal = strawberry.field(
        description="Retainage billed by issued, non-void RETAINAGE_RELEASE invoices (a "
        "decimal string in the currency's minor digits); withheld = held + released."
    )


@strawberry.type(description="A project whose contract is billed in stages.")
class Project(Node):
    id: strawberry.ID = node_id("prj", "project")
    name: str = strawberry.field(description="The project's name, as shown on its invoices.")
    client_name: str = strawberry.field(description="The name of the project's client.")
    client_id: strawberry.Private[str]
    currency: str = strawberry.field(
        description="ISO 4217 code; every amount of the project and its invoices is in it."
    )
    contract_value: Decimal | None = strawberry.field(
        description="The agreed price of the whole contract (a decimal string); null if open."
    )
    payment_terms_days: int = strawberry.field(
        description="Days from issue to due date for its invoices (net 30 is 30)."
    )
    retainage_basis_points: strawberry.Private[int]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, ProjectView | cls)

    @strawberry.field(
        description="The percentage withheld from the milestone lines of each issued invoice "
        'until released (0 to 50, two decimals, e.g. "10.00"); set while the project has '
        "no issued invoice."
    )
    def retainage_percentage(self) -> Percentage:
        return Percentage(format_percentage(self.retainage_basis_points))

    @strawberry.field(description="Who the project is billed to.")
    async def client(self, info: Info[Any, Any]) -> ClientType:
        return await resolve_clients.client(info, self.client_id)  # type: ignore[return-value]

    @strawberry.field(description="The billing points, in order.")
    async def milestones(self, info: Info[Any, Any]) -> list["Milestone"]:
        found = await resolve.milestones_of(info, self.id, self.currency)
        return found  # type: ignore[return-value]

    @strawberry.field(
        description="What was billed, paid, credited and is still open, in the project's "
        "currency: now, or as it stood at the end of a past day."
    )
    async def balance(
        self,
        info: Info[Any, Any],
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="The figures as they stood at the end of this day (UTC): issued, "
                "voided, paid, reversed, credited by then. Now when not given."
            ),
        ] = None,
    ) -> ProjectBalance:
        found: BalanceView | None
        if as_of is None:
            found = await resolve.balance_of(info, self.id)
        else:
            found = await resolve_as_of.project_balance(info, self.id, as_of)
        return found  # type: ignore[return-value]

    @strawberry.field(description="The project's invoices in creation order.")
    async def invoices(
        self,
        info: Info[Any, Any],
        first: First = 20,
        after: After = None,
        status: Annotated[
            InvoiceStatus | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only invoices in this status; all when not given."),
        ] = None,
        last: Annotated[
            int | None,
            strawberry.argument(
                description="Page size from the end (or before `before`): 0..100; "
                "when given, `first` is ignored."
            ),
        ] = None,
        before: Annotated[
            str | None,
            strawberry.argument(description="A cursor from this list: the page before it."),
        ] = None,
    ) -> Connection[Invoice]:
        page = await resolve_invoices.invoices_page(
            info,
            self.id,
            first=first,
            after=after,
            status=str(status) if status else None,
            last=last,
            before=before,
        )
        return page  # type: ignore[return-value]

    @strawberry.field(description="The project's billing plans, oldest first.")
    async def invoice_schedules(self, info: Info[Any, Any]) -> list[InvoiceSchedule]:
        return await resolve_schedules.schedules_of(info, self.id)  # type: ignore[return-value]


@strawberry.type(description="A billing point named after its deliverable.")
class Milestone(Node):
    id: strawberry.ID = node_id("ms", "milestone")
    name: str = strawberry.field(description="The deliverable it is named after.")
    trigger: str | None = strawberry.field(description="What completes it (free text), if given.")
    position: int = strawberry.field(description="Its place among the project's milestones.")
    amount: Decimal = strawberry.field(
        description="What the milestone bills, in the project's currency (a decimal string)."
    )
    planned_on: date | None = strawberry.field(
        description="When it is planned to be done (ISO 8601 date), if given."
    )
    completed_at: datetime | None = strawberry.field(
        description="When completeMilestone marked it done (UTC, ISO 8601); null before."
    )
    status: MilestoneStatus = strawberry.field(  # type: ignore[valid-type]
        description="How far it has come, from PLANNED to PAID."
    )
    amount_invoiced: Decimal = strawberry.field(
        description="What issued invoices, not void, bill of it (less credit notes' lines)."
    )
    amount_paid: Decimal = strawberry.field(
        description="What distributed payments gave it (a decimal string)."
    )
    discount: Decimal = strawberry.field(
        description="What it forwent when paid invoices were distributed (line less share)."
    )
    paid: bool = strawberry.field(
        description="Whether amountPaid + discount covers the amount; retainage withheld counts "
        "only once it is released and paid."
    )
    retainage_held: Decimal = strawberry.field(
        description="Retainage withheld on this milestone's lines of issued invoices and not "
        "yet released (a decimal string in the currency's minor digits); never negative."
    )
    project_id: strawberry.Private[str]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, MilestoneView | cls)

    @strawberry.field(description="The project it belongs to.")
    async def project(self, info: Info[Any, Any]) -> Project:
        return await resolve.project(info, self.project_id)  # type: ignore[return-value]

    @strawberry.field(description="Invoices with a line for this milestone, void ones included.")
    async def invoices(self, info: Info[Any, Any]) -> list[Invoice]:
        return await resolve_invoices.invoices_of_milestone(info, self.id)  # type: ignore[return-value]

    @strawberry.field(description="The schedule item that bills this milestone, if any.")
    async def schedule_item(self, info: Info[Any, Any]) -> InvoiceScheduleItem | None:
        return await resolve_schedules.item_of_milestone(info, self.id)  # type: ignore[return-value]
