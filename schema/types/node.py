"""The Node interface: anything with an opaque, prefixed id (`prj_...`, `inv_...`)."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with an opaque id such as `prj_...`.")
class Node:
    id: strawberry.ID
