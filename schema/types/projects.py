"""Project, Milestone and ProjectBalance."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from domain.projects.rules import MilestoneStatus as DomainMilestoneStatus
from resolvers import clients as resolve_clients
from resolvers import invoices as resolve_invoices
from resolvers import projects as resolve
from resolvers import schedules as resolve_schedules
from resolvers.views import BalanceView, MilestoneView, ProjectView
from schema.scalars import Decimal
from schema.types.invoices import Invoice, InvoiceStatus
from schema.types.node import Node
from schema.types.pagination import Connection
from schema.types.schedules import InvoiceSchedule, InvoiceScheduleItem

if TYPE_CHECKING:
    from schema.types.clients import Client

ClientType = Annotated["Client", strawberry.lazy("schema.types.clients")]
MilestoneStatus = strawberry.enum(DomainMilestoneStatus, name="MilestoneStatus")


@strawberry.type(description="What was billed, paid, discounted, still open and overdue.")
class ProjectBalance:
    currency: str
    contract_value: Decimal | None
    scheduled_amount: Decimal = strawberry.field(description="Sum of the milestone amounts.")
    invoiced_amount: Decimal = strawberry.field(description="Issued invoices, not void.")
    paid_amount: Decimal
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


@strawberry.type(description="A project whose contract is billed in stages.")
class Project(Node):
    name: str
    client_name: str = strawberry.field(description="The name of the project's client.")
    client_id: strawberry.Private[str]
    currency: str
    contract_value: Decimal | None
    payment_terms_days: int

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, ProjectView | cls)

    @strawberry.field(description="Who the project is billed to.")
    async def client(self, info: Info[Any, Any]) -> ClientType:
        return await resolve_clients.client(info, self.client_id)  # type: ignore[return-value]

    @strawberry.field(description="The billing points, in order.")
    async def milestones(self, info: Info[Any, Any]) -> list[Milestone]:
        found = await resolve.milestones_of(info, self.id, self.currency)
        return found  # type: ignore[return-value]

    @strawberry.field
    async def balance(self, info: Info[Any, Any]) -> ProjectBalance:
        found: BalanceView | None = await resolve.balance_of(info, self.id)
        return found  # type: ignore[return-value]

    @strawberry.field(description="The project's invoices in creation order.")
    async def invoices(
        self,
        info: Info[Any, Any],
        first: int | None = 20,
        after: str | None = None,
        status: InvoiceStatus | None = None,  # type: ignore[valid-type]
    ) -> Connection[Invoice]:
        page = await resolve_invoices.invoices_page(
            info, self.id, first=first, after=after, status=str(status) if status else None
        )
        return page  # type: ignore[return-value]

    @strawberry.field(description="The project's billing plans, oldest first.")
    async def invoice_schedules(self, info: Info[Any, Any]) -> list[InvoiceSchedule]:
        return await resolve_schedules.schedules_of(info, self.id)  # type: ignore[return-value]


@strawberry.type(description="A billing point named after its deliverable.")
class Milestone(Node):
    name: str
    trigger: str | None
    position: int
    amount: Decimal
    planned_on: date | None
    completed_at: datetime | None
    status: MilestoneStatus  # type: ignore[valid-type]
    amount_invoiced: Decimal
    amount_paid: Decimal
    discount: Decimal
    paid: bool = strawberry.field(description="amountPaid + discount covers the amount.")
    project_id: strawberry.Private[str]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, MilestoneView | cls)

    @strawberry.field
    async def project(self, info: Info[Any, Any]) -> Project:
        return await resolve.project(info, self.project_id)  # type: ignore[return-value]

    @strawberry.field(description="Invoices with a line for this milestone, void ones included.")
    async def invoices(self, info: Info[Any, Any]) -> list[Invoice]:
        return await resolve_invoices.invoices_of_milestone(info, self.id)  # type: ignore[return-value]

    @strawberry.field(description="The schedule item that bills this milestone, if any.")
    async def schedule_item(self, info: Info[Any, Any]) -> InvoiceScheduleItem | None:
        return await resolve_schedules.item_of_milestone(info, self.id)  # type: ignore[return-value]
