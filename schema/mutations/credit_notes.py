"""createCreditNote, applyCreditNote, reverseCreditApplication and voidCreditNote."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.credit_notes.create import CreditLineInput
from resolvers import credit_notes as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT
from schema.mutations.record_payments import AllocationInputType, allocation_inputs
from schema.scalars import Decimal
from schema.types.credit_notes import CreditApplication, CreditNote


@strawberry.input(description="One line of a credit note.")
class CreditNoteLineInput:
    amount: Decimal = strawberry.field(description="What the line credits, above 0.")
    description: str | None = strawberry.field(
        default=None,
        description="What is credited; required unless the line names a milestone (then the "
        "invoice line's description by default).",
    )
    milestone_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A milestone billed on the invoice: the line lowers its invoiced amount, "
        "at most what its invoice line still bills.",
    )


@strawberry.input(description="What a credit note credits on an issued invoice.")
class CreateCreditNoteInput:
    invoice_id: strawberry.ID = strawberry.field(description="An issued, non-void invoice.")
    lines: list[CreditNoteLineInput] = strawberry.field(
        description="Together at most what the invoice still bills: its total less its "
        "earlier credit notes."
    )
    reason: str = strawberry.field(description="Why the credit is given, at most 500 chars.")
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input(description="Which invoices get a credit note's unapplied credit.")
class ApplyCreditNoteInput:
    credit_note_id: strawberry.ID = strawberry.field(description="The credit note (cn_...).")
    allocations: list[AllocationInputType] = strawberry.field(
        description="All or nothing; together at most the note's unapplied credit, each at "
        "most its invoice's balanceDue, all invoices of the note's client."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input(description="The credit note to void.")
class VoidCreditNoteInput:
    credit_note_id: strawberry.ID = strawberry.field(
        description="An issued credit note none of whose credit was applied elsewhere or refunded."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The credit note, or why it was refused.")
class CreditNotePayload:
    credit_note: CreditNote | None = strawberry.field(description="Null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Empty on success.")


def _payload(outcome: Any) -> CreditNotePayload:
    return CreditNotePayload(credit_note=outcome.value, user_errors=user_errors(outcome.errors))


async def create_credit_note(
    info: Info[Any, Any], input: Annotated[CreateCreditNoteInput, INPUT]
) -> CreditNotePayload:
    lines = [
        CreditLineInput(
            description=line.description,
            amount=line.amount,
            milestone_id=line.milestone_id,
        )
        for line in input.lines
    ]
    return _payload(
        await resolve.create_credit_note(
            info, invoice_id=input.invoice_id, lines=lines, reason=input.reason
        )
    )


async def apply_credit_note(
    info: Info[Any, Any], input: Annotated[ApplyCreditNoteInput, INPUT]
) -> CreditNotePayload:
    return _payload(
        await resolve.apply_credit_note(
            info,
            credit_note_id=input.credit_note_id,
            allocations=allocation_inputs(input.allocations),
        )
    )


async def void_credit_note(
    info: Info[Any, Any], input: Annotated[VoidCreditNoteInput, INPUT]
) -> CreditNotePayload:
    return _payload(await resolve.void_credit_note(info, credit_note_id=input.credit_note_id))


@strawberry.input(description="The credit application to reverse, and why.")
class ReverseCreditApplicationInput:
    credit_application_id: strawberry.ID = strawberry.field(
        description="An application made with applyCreditNote (CreditNote.applications), "
        "not yet reversed."
    )
    reason: str = strawberry.field(description="Why it is reversed, at most 500 chars.")
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The reversed application and its credit note, or why not.")
class ReverseCreditApplicationPayload:
    credit_application: CreditApplication | None = strawberry.field(
        description="Null when refused."
    )
    credit_note: CreditNote | None = strawberry.field(
        description="The note, its credit unapplied again; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Empty on success.")


async def reverse_credit_application(
    info: Info[Any, Any], input: Annotated[ReverseCreditApplicationInput, INPUT]
) -> ReverseCreditApplicationPayload:
    outcome = await resolve.reverse_credit_application(
        info, credit_application_id=input.credit_application_id, reason=input.reason
    )
    application, note = outcome.value or (None, None)
    return ReverseCreditApplicationPayload(
        credit_application=application,  # type: ignore[arg-type]
        credit_note=note,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
