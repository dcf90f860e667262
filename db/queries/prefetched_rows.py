"""The rows db/queries/prefetch.py fetched for the running request, and how loaders ask for
them without taking a pooled connection."""

from contextvars import ContextVar
from typing import Any

# What db/queries/prefetch.py fetched for the running request: rows it serves in place of the
# statements of the selects it fetched (a Prefetched, or None).
PREFETCHED: ContextVar[Any] = ContextVar("prefetched", default=None)


class NotPrefetched(Exception):
    """A query given NO_CONNECTION needed a statement: run it on a real connection."""


class _NoConnection:
    """Stands for a connection while prefetched rows may answer a query: the loaders try
    those first without taking a pooled connection, and any use of this one raises."""

    def __getattr__(self, name: str) -> Any:
        raise NotPrefetched


NO_CONNECTION: Any = _NoConnection()
