"""UserError and the ErrorCode enum every payload uses."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from domain.errors import DomainError
from domain.errors import ErrorCode as DomainErrorCode

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode")


@strawberry.type(description="An expected refusal: nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, e.g. ['allocations', '1', 'amount']."
    )
    message: str
    code: ErrorCode  # type: ignore[valid-type]


def user_errors(errors: Sequence[DomainError]) -> list[UserError]:
    """Return the GraphQL form of domain errors."""
    return [UserError(field=e.field, message=e.message, code=e.code) for e in errors]
