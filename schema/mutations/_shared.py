"""What every mutation's input and payload share."""

from typing import Any

import strawberry

IDEMPOTENCY_KEY = strawberry.field(
    default=None,
    description="Send the same key when retrying: the first response is returned again and "
    "nothing more is written. At most 255 characters; kept at least 24 hours.",
)
INPUT = strawberry.argument(
    description="What the mutation should do: the fields of its input type, each described there."
)


def user_errors_field() -> Any:
    """Return the `userErrors` field every payload carries."""
    return strawberry.field(
        description="Why the input was refused, one entry per problem; empty on success. "
        "When it is not empty, nothing was written."
    )
