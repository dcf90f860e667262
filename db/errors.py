"""Telling a database that cannot be reached from a statement that failed."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


def is_unavailable(error: BaseException | None) -> bool:
    """Return whether `error` (or what caused it) means the database cannot answer now.

    Refused connections, lost connections, a full pool, an unopenable SQLite file or a busy
    one: a client may retry these later (503), unlike a statement that broke a rule.
    """
    seen = 0
    while error is not None and seen < 10:
        # sqlite3's own error: the BEGIN IMMEDIATE a writer sends straight to the driver.
        unavailable = (
            OSError | TimeoutError | PoolTimeout | OperationalError | sqlite3.OperationalError
        )
        if isinstance(error, unavailable):
            return True
        if isinstance(error, InterfaceError) or (
            isinstance(error, DBAPIError) and error.connection_invalidated
        ):
            return True
        if _lost_connection(getattr(error, "sqlstate", None)):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


# admin_shutdown, crash_shutdown, cannot_connect_now: the server is going or not yet back.
SHUTDOWN_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def _lost_connection(sqlstate: object) -> bool:
    """Whether a SQLSTATE says the connection is gone (class 08) or the server is (57P0x):
    a write in flight during a restart failed with these, and nothing of it was committed."""
    return isinstance(sqlstate, str) and (
        sqlstate.startswith("08") or sqlstate in SHUTDOWN_SQLSTATES
    )


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


BUSY = "The database is busy with another writer; retry in a few seconds."
NOT_ANSWERING = "The database is not answering; retry in a few seconds."


def unavailable_message(error: BaseException | None) -> str:
    """Return what to tell a client about an error `is_unavailable` accepted: busy (SQLite
    locked by another process past the busy timeout) or not answering."""
    seen = 0
    while error is not None and seen < 10:
        if "database is locked" in str(error) or "database is busy" in str(error):
            return BUSY
        error, seen = error.__cause__ or error.__context__, seen + 1
    return NOT_ANSWERING
