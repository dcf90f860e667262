"""Strawberry's DataLoader, whose loads one cancelled caller cannot cancel for the others.

A load returns the future every caller of the same key (in the same batch) awaits. When
graphql-core cancels the rest of a list after a field error (null propagation), cancelling
one caller's await cancelled that shared future, and every other field waiting on it got a
CancelledError that escaped the request as a bare 500. Each caller awaits a shield of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from strawberry.dataloader import DataLoader as StrawberryDataLoader

K = TypeVar("K")
T = TypeVar("T")


class DataLoader(StrawberryDataLoader[K, T]):
    def load(self, key: K) -> Awaitable[T]:
        """Return the key's value, shared with the other callers but cancelled only for this one."""
        return asyncio.shield(super().load(key))
