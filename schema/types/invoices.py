"""Invoice, InvoiceLine and InvoiceProgress."""

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from domain.invoices.rules import InvoiceStatus as DomainInvoiceStatus
from resolvers import credit_notes as resolve_credit_notes
from resolvers import invoices as resolve
from resolvers import payments as resolve_payments
from resolvers import projects as resolve_projects
from resolvers.views import InvoiceLineView, InvoiceView
from schema.enums import described_enum
from schema.scalars import Decimal
from schema.types.node import Node, node_id
from schema.types.payments import Allocation, MilestoneDistribution

if TYPE_CHECKING:
    from schema.types.credit_notes import CreditNote
    from schema.types.projects import Milestone, Project

InvoiceStatus = described_enum(
    DomainInvoiceStatus,
    name="InvoiceStatus",
    description="Where an invoice stands: a draft, issued and owed, paid, or void.",
    values={
        "DRAFT": "Being prepared: no number or dates yet, owed nothing, may still be edited "
        "or deleted.",
        "OPEN": "Issued and nothing paid or credited yet; balanceDue is the total.",
        "PARTIALLY_PAID": "Issued, with some money applied, and a balance still due.",
        "PAID": "Issued, and payments and credit cover the total (balanceDue 0).",
        "VOID": "Cancelled after issue; owes nothing and counts in no balance.",
    },
)


@strawberry.enum(description="What an invoice bills.")
class InvoiceKind(Enum):
    STANDARD = strawberry.enum_value(
        "STANDARD", description="Milestone and free lines; withholds the project's retainage."
    )
    RETAINAGE_RELEASE = strawberry.enum_value(
        "RETAINAGE_RELEASE",
        description="Retainage held on the project's milestones, billed by releaseRetainage.",
    )


MilestoneType = Annotated["Milestone", strawberry.lazy("schema.types.projects")]
CreditNoteType = Annotated["CreditNote", strawberry.lazy("schema.types.credit_notes")]
ProjectType = Annotated["Project", strawberry.lazy("schema.types.projects")]


@strawberry.type(
    description="A line of an invoice: a milestone's share, or a free line. "
    "Implements Node, so `node(id:)` finds it by its `lin_` id."
)
class InvoiceLine(Node):
    id: strawberry.ID = node_id("lin", "invoice line")
    description: str = strawberry.field(description="The text printed on the line.")
    amount: Decimal = strawberry.field(
        description="What the line bills, in the invoice's currency (a decimal string)."
    )
    milestone_id: strawberry.Private[str | None]
    retainage_amount: Decimal = strawberry.field(
        description="The retainage this milestone line still withholds (a decimal string in "
        "the currency's minor digits): its largest-remainder share of the invoice's "
        "retainageAmount, lowered in proportion by credit notes on the line; 0 on free lines."
    )
    released_milestone_id: strawberry.Private[str | None]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, InvoiceLineView | cls)

    @strawberry.field(
        description="On a RETAINAGE_RELEASE invoice, the milestone whose held retainage this "
        "line bills; null on other lines."
    )
    async def released_milestone(self, info: Info[Any, Any]) -> MilestoneType | None:
        if self.released_milestone_id is None:
            return None
        return await resolve_projects.milestone(info, self.released_milestone_id)  # type: ignore[return-value]

    @strawberry.field(description="The milestone this line bills; null for a free line.")
    async def milestone(self, info: Info[Any, Any]) -> MilestoneType | None:
        if self.milestone_id is None:
            return None
        return await resolve_projects.milestone(info, self.milestone_id)  # type: ignore[return-value]


@strawberry.type(description="Where an invoice stands in the contract, for a final invoice.")
class InvoiceProgress:
    contract_value: Decimal | None = strawberry.field(
        description="The project's contract value (a decimal string); null if it has none."
    )
    invoiced_before: Decimal = strawberry.field(
        description="Issued invoices of the project numbered before this one, not void."
    )
    paid_before: Decimal = strawberry.field(description="What those invoices have been paid.")
    this_invoice: Decimal = strawberry.field(description="This invoice's total.")
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
    id: strawberry.ID = node_id("inv", "invoice")
    number: str | None = strawberry.field(
        description="INV-000001, given in order within your account when issued; null while "
        "a draft."
    )
    status: InvoiceStatus = strawberry.field(  # type: ignore[valid-type]
        description="Where the invoice stands (draft, open, partially paid, paid, void)."
    )
    currency: str = strawberry.field(
        description="ISO 4217 code of every amount on the invoice (the project's currency)."
    )
    memo: str | None = strawberry.field(description="A note printed on the invoice, if any.")
    issued_on: date | None = strawberry.field(
        description="The issue date (ISO 8601 date); null while a draft."
    )
    due_on: date | None = strawberry.field(
        description="The date payment is due (ISO 8601 date): issuedOn plus the project's "
        "payment terms unless set; null while a draft."
    )
    subtotal: Decimal = strawberry.field(description="Sum of the lines' amounts.")
    discount: Decimal = strawberry.field(
        description="Invoice-level discount taken off the subtotal (a decimal string)."
    )
    total: Decimal = strawberry.field(description="What the invoice bills: subtotal - discount.")
    amount_paid: Decimal = strawberry.field(
        description="Payments applied to this invoice and not reversed (a decimal string)."
    )
    credited_amount: Decimal = strawberry.field(
        description="Credit of credit notes applied to this invoice (its own, and credit "
        "applied with applyCreditNote)."
    )
    balance_due: Decimal = strawberry.field(
        description="What is still owed: total - amountPaid - creditedAmount; 0 on a VOID "
        "invoice, which is owed nothing."
    )
    overdue: bool = strawberry.field(description="Open or partially paid, and past its due date.")
    kind: InvoiceKind = strawberry.field(
        description="STANDARD, or RETAINAGE_RELEASE for an invoice billing retainage held."
    )
    retainage_amount: Decimal = strawberry.field(
        description="Retainage withheld from the milestone lines (a decimal string in the "
        "currency's minor digits): the project's retainagePercentage of them, rounded "
        "half-even, set when issued; total = subtotal - discount - retainageAmount is what is "
        "due now. Credit notes on milestone lines lower it in proportion (the part no longer "
        "withheld becomes due now). 0 on drafts and release invoices."
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC, ISO 8601).")
    voided_at: datetime | None = strawberry.field(
        description="When it was voided (UTC, ISO 8601); null unless VOID."
    )
    project_id: strawberry.Private[str]

    @classmethod
    def is_type_of(cls, obj: Any, _info: Info[Any, Any]) -> bool:
        return isinstance(obj, InvoiceView | cls)

    @strawberry.field(description="The invoice's lines, in order.")
    async def lines(self, info: Info[Any, Any]) -> list[InvoiceLine]:
        return await resolve.lines_of(info, self.id)  # type: ignore[return-value]

    @strawberry.field(description="The project the invoice bills.")
    async def project(self, info: Info[Any, Any]) -> ProjectType:
        return await resolve_projects.project(info, self.project_id)  # type: ignore[return-value]

    @strawberry.field(
        description="Where this invoice stands in the contract: billed before, this invoice, "
        "what remains."
    )
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
