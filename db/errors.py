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


# serialization_failure and deadlock_detected: PostgreSQL rolled the transaction back and the
# same request may simply be sent again.
CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})


def is_transaction_conflict(error: BaseException | None) -> bool:
    """Return whether `error` (or what caused it) is a deadlock or serialization failure."""
    seen = 0
    while error is not None and seen < 10:
        if getattr(error, "sqlstate", None) in CONFLICT_SQLSTATES:
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False
