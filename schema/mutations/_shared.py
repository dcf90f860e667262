"""What every mutation's input and payload share."""

from __future__ import annotations

import strawberry

IDEMPOTENCY_KEY = strawberry.field(
    default=None,
    description="Send the same key when retrying: the first response is returned again and "
    "nothing more is written. At most 255 characters; kept at least 24 hours.",
)
