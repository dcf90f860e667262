"""Invoice, InvoiceLine and InvoiceProgress."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from domain.invoices.rules import InvoiceStatus as DomainInvoiceStatus
from resolvers import credit_notes as resolve_credit_notes
from resolvers import invoices as resolve
from resolvers import payments as resolve_payments
from resolvers import projects as resolve_projects
from resolvers.views import InvoiceView
from schema.scalars import Decimal
from schema.types.node import Node
from schema.types.payments import Allocation, MilestoneDistribution

if TYPE_CHECKING:
    from schema.types.credit_notes import CreditNote
    from schema.types.projects import Milestone, Project

InvoiceStatus = strawberry.enum(DomainInvoiceStatus, name="InvoiceStatus")

MilestoneType = Annotated["Milestone", strawberry.lazy("schema.types.projects")]
CreditNoteType = Annotated["CreditNote", strawberry.lazy("schema.types.credit_notes")]
ProjectType = Annotated["Project", strawberry.lazy("schema.types.projects")]


@strawberry.type(description="A line of an invoice: a milestone's share, or a free line.")
class InvoiceLine:
    id: strawberry.ID
    description: str
    amount: Decimal
    milestone_id: strawberry.Private[str | None]

    @strawberry.field(description="The milestone this line bills; null for a free line.")
    async def milestone(self, info: Info[Any, Any]) -> MilestoneType | None:
        if self.milestone_id is None:
            return None
        return await resolve_projects.milestone(info, self.milestone_id)  # type: ignore[return-value]


@strawberry.type(description="Where an invoice stands in the contract, for a final invoice.")
class InvoiceProgress:
    contract_value: Decimal | None
    invoiced_before: Decimal = strawberry.field(
        description="Issued invoices of the project numbered before this one, not void."
    )
    paid_before: Decimal = strawberry.field(description="What those invoices have been paid.")
    this_invoice: Decimal
    remaining_after: Decimal | None = strawberry.field(
        description="Contract value less what was invoiced before and this invoice; "
        "never below 0 (see overContractAmount)."
    )
    over_contract_amount: Decimal | None = strawberry.field(
        description="What this and the earlier invoices bill beyond the contract value "
        "(0 within it); null without a contract value."
    )


@strawberry.type(description="A bill sent to the client; numbered when issued.")
class Invoice(Node):
    number: str | None = strawberry.field(description="INV-000001; null while a draft.")
    status: InvoiceStatus  # type: ignore[valid-type]
    currency: str
    memo: str | None
    issued_on: date | None
    due_on: date | None
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    amount_paid: Decimal
    credited_amount: Decimal = strawberry.field(
        description="Credit of credit notes applied to this invoice (its own, and credit "
        "applied with applyCreditNote)."
    )
    balance_due: Decimal = strawberry.field(
        description="total - amountPaid - creditedAmount; 0 on a VOID invoice, which is owed "
        "nothing."
    )
    overdue: bool = strawberry.field(description="Open or partially paid, and past its due date.")
    created_at: datetime
    voided_at: datetime | None
    project_id: strawberry.Private[str]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, InvoiceView | cls)

    @strawberry.field
    async def lines(self, info: Info[Any, Any]) -> list[InvoiceLine]:
        return await resolve.lines_of(info, self.id)  # type: ignore[return-value]

    @strawberry.field
    async def project(self, info: Info[Any, Any]) -> ProjectType:
        return await resolve_projects.project(info, self.project_id)  # type: ignore[return-value]

    @strawberry.field
    async def progress(self, info: Info[Any, Any]) -> InvoiceProgress:
        return await resolve.progress_of(info, self.id)  # type: ignore[return-value]

    @strawberry.field(description="Credit notes written for this invoice, oldest first.")
    async def credit_notes(self, info: Info[Any, Any]) -> list[CreditNoteType]:
        return await resolve_credit_notes.notes_of_invoice(info, self.id)  # type: ignore[return-value]

    @strawberry.field(description="Money applied to this invoice, reversed allocations included.")
    async def allocations(self, info: Info[Any, Any]) -> list[Allocation]:
        return await resolve_payments.allocations_of_invoice(info, self.id)  # type: ignore[return-value]

    @strawberry.field(
        description="Paid, with two or more milestone lines, and not yet distributed."
    )
    async def distribution_required(self, info: Info[Any, Any]) -> bool:
        return await resolve_payments.distribution_required(info, self)  # type: ignore[arg-type]

    @strawberry.field(
        description="The payment split over the milestone lines in proportion to their amounts."
    )
    async def suggested_distribution(self, info: Info[Any, Any]) -> list[MilestoneDistribution]:
        return await resolve_payments.suggested_distribution(info, self)  # type: ignore[arg-type, return-value]

    @strawberry.field(description="How the paid invoice was distributed to its milestones.")
    async def milestone_distributions(self, info: Info[Any, Any]) -> list[MilestoneDistribution]:
        return await resolve_payments.distributions_of(info, self.id)  # type: ignore[return-value]
