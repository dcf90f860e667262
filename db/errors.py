"""Telling a database that cannot be reached from a statement that failed."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


def is_unavailable(error: BaseException | None) -> bool:
    """Return whether `error` (or what caused it) means the database cannot answer now.

    Refused connections, lost connections, a full pool, an unopenable SQLite file or a busy
    one: a client may retry these later (503), unlike a statement that broke a rule.
    """
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError | TimeoutError | PoolTimeout | OperationalError):
            return True
        if isinstance(error, InterfaceError) or (
            isinstance(error, DBAPIError) and error.connection_invalidated
        ):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False
