"""The Node interface: anything with an opaque, prefixed id (`prj_...`, `inv_...`)."""

from typing import Any

import strawberry


@strawberry.interface(description="An object with an opaque id such as `prj_...`.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global id: a type prefix and 22 base62 characters (`prj_4fT9...`); "
        "`node(id:)` finds the object by it. Never parse it beyond the prefix."
    )


def node_id(prefix: str, what: str) -> Any:
    """Return the `id` field of a Node type, its description naming the type's prefix."""
    return strawberry.field(
        description=f"The {what}'s opaque global id, `{prefix}_` and 22 base62 characters; "
        "`node(id:)` finds it by this id."
    )
