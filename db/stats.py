"""Counts the SQL statements run on behalf of one request (for EXPOSE_QUERY_STATS and tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class StatementCounter:
    count: int = 0


_current: ContextVar[StatementCounter | None] = ContextVar("statement_counter", default=None)


def start_counting() -> StatementCounter:
    """Return a fresh counter that statements run in this context (and its tasks) add to."""
    counter = StatementCounter()
    _current.set(counter)
    return counter


def count_statement() -> None:
    counter = _current.get()
    if counter is not None:
        counter.count += 1


@contextmanager
def uncounted() -> Iterator[None]:
    """Run the block's statements outside the current request's count."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)
