"""UserError and the ErrorCode enum every payload uses."""

from collections.abc import Sequence

import strawberry

from domain.errors import DomainError
from domain.errors import ErrorCode as DomainErrorCode
from schema.enums import described_enum

ErrorCode = described_enum(
    DomainErrorCode,
    name="ErrorCode",
    description="Why a mutation refused its input (`UserError.code`); `field` says where.",
    values={
        "INVALID": "The value is malformed or out of range (an unknown id prefix, a blank "
        "name, a date out of order); the message says which rule.",
        "NOT_FOUND": "No object with that id exists in your account.",
        "FORBIDDEN": "Your API key may not do this (a read-only key asking for a change).",
        "INVALID_AMOUNT": "The amount is negative, zero where it must be positive, or has "
        "more decimals than the currency allows.",
        "INVALID_CURRENCY": "Not an ISO 4217 currency code that the server knows.",
        "CURRENCY_MISMATCH": "The objects involved are in different currencies.",
        "PERCENTAGES_MUST_TOTAL_100": "A schedule's item percentages do not add up to 100.",
        "AMOUNTS_MUST_TOTAL_SCHEDULE": "A schedule's item amounts do not add up to its total.",
        "ZERO_AMOUNT_ITEM": "A schedule item would bill nothing (its share rounds to 0).",
        "TOO_MANY_ITEMS": "A schedule has more items than the limit allows.",
        "RUN_DATES_OUT_OF_ORDER": "A schedule's run dates are not in ascending order.",
        "INVALID_STATE": "The object's status does not allow this change (editing an issued "
        "invoice, voiding a paid one).",
        "ALREADY_SCHEDULED": "The milestone is already billed by another schedule item.",
        "EXCEEDS_UNINVOICED_AMOUNT": "The line bills more of the milestone than is left to "
        "invoice.",
        "EXCEEDS_BALANCE_DUE": "The amount is more than the invoice still owes.",
        "DUPLICATE_INVOICE": "One payment names the same invoice twice in its allocations.",
        "TRANSACTION_ID_NOT_ALLOWED": "This payment method takes no transactionId.",
        "TRANSACTION_ID_REQUIRED": "This payment method needs a transactionId.",
        "ATTRS_TOO_LONG": "The attrs JSON is longer than the limit.",
        "DISTRIBUTION_TOTAL_MISMATCH": "The milestone distributions do not add up to what "
        "the invoice's milestone lines received.",
        "EXCEEDS_LINE_AMOUNT": "A distribution gives a milestone more than its invoice line.",
        "IDEMPOTENCY_KEY_REUSED": "The idempotency key was already used with a different input.",
        "TRANSACTION_ID_TAKEN": "Another payment in your account has this transactionId.",
        "MILESTONE_ALREADY_INVOICED": "The milestone has been invoiced, so it cannot be "
        "changed or deleted.",
        "EXCEEDS_CONTRACT_VALUE": "The milestones or schedule would exceed the project's "
        "contract value.",
        "EXCEEDS_UNAPPLIED_AMOUNT": "More than the payment or credit note has left to apply.",
        "EXCEEDS_CREDITABLE_AMOUNT": "More than the invoice (or line) can still be credited.",
        "EXCEEDS_RETAINAGE_HELD": "More retainage than the milestones still hold.",
        "CLIENT_MISMATCH": "The payment or credit note belongs to another client than the invoice.",
    },
)


@strawberry.type(description="An expected refusal: nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, e.g. ['allocations', '1', 'amount']."
    )
    message: str = strawberry.field(description="What is wrong, in English, for a person.")
    code: ErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="The rule that refused it, stable for programs to branch on."
    )


def user_errors(errors: Sequence[DomainError]) -> list[UserError]:
    """Return the GraphQL form of domain errors."""
    return [UserError(field=e.field, message=e.message, code=e.code) for e in errors]
