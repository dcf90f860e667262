"""Async engines for SQLite and PostgreSQL, with the pragmas and locking each one needs."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.util import await_only as await_

from db.parked_reads import parked_reads
from db.stats import count_statement

SQLITE_BUSY_TIMEOUT_MS = 10_000
DEFAULT_POOL_SIZE = 32
# asyncpg waits 60 s for a connection by default; a PostgreSQL that accepts TCP but never
# answers (stopped, a paused network) would hold every request that long.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 3


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(
    database_url: str,
    *,
    pool_size: int = DEFAULT_POOL_SIZE,
    statement_timeout: float | None = None,
) -> AsyncEngine:
    """Return an engine for `database_url`, creating the SQLite folder when needed.

    `statement_timeout` (the server's, not migrations' or the bench's) bounds, on PostgreSQL,
    each statement's wait for its answer and a request's wait for a pooled connection: past
    it the request fails as the database being unavailable (503), not after minutes.
    """
    url = make_url(database_url)
    # A failed statement's text never carries its parameters (customer data) into the logs.
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        # The pool's rollback on return costs a round trip through aiosqlite's thread on every
        # read; _configure_sqlite rolls back only a connection that is inside a transaction.
        kwargs["pool_reset_on_return"] = None
    else:
        # A fixed pool, opened as load asks and then kept: an overflow connection is closed
        # when returned, and each new PostgreSQL session costs a connect, type introspection
        # and re-preparing every statement (about 30% of the CPU at 32 clients with 10 + 20).
        kwargs["pool_size"] = pool_size
        kwargs["max_overflow"] = 0
        connect_args: dict[str, Any] = {"timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS}
        if statement_timeout is not None:
            connect_args["command_timeout"] = statement_timeout
            kwargs["pool_timeout"] = statement_timeout
        kwargs["connect_args"] = connect_args
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    else:
        event.listen(engine.sync_engine, "reset", _end_driver_transaction)
        event.listen(engine.sync_engine, "connect", _prefer_generic_plans)
        event.listen(engine.sync_engine, "checkout", _refuse_closed)
    event.listen(engine.sync_engine, "before_cursor_execute", _on_statement)
    return engine


# Every statement is prepared once per connection and its keys travel as one array
# (db/queries/keys.py), whose length a generic plan cannot see: left to choose, PostgreSQL
# plans each execution anew (a custom plan), and that planning was most of its CPU per request
# (0.45 -> 0.22 ms for invoice(id:), 1.7 -> 0.5 ms for a payment with its allocations). Our
# statements are index lookups by account whatever the values. Not on Citus: its coordinator
# cannot build a distributed plan for some of them as generic plans.
ON_CITUS = "on_citus"  # in a pooled connection's info: whether it is a Citus coordinator's


def _prefer_generic_plans(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'citus'")
        record.info[ON_CITUS] = bool(cursor.fetchone()[0])
        if not record.info[ON_CITUS]:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
    finally:
        cursor.close()
    # The adapter opened a transaction for these: a SET rolled back would be undone.
    dbapi_connection.commit()


def _end_driver_transaction(dbapi_connection: Any, _record: Any, _state: Any) -> None:
    """Roll back, before the pool lends the connection again, a transaction opened on asyncpg
    itself (db/statements.py) that its owner could not end (a task cancelled mid-write):
    SQLAlchemy's own reset ends only the transactions SQLAlchemy began."""
    driver = dbapi_connection.driver_connection
    if driver.is_in_transaction():
        await_(driver.execute("ROLLBACK"))


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Make the pool replace a connection the server has ended (a restart, a failover,
    pg_terminate_backend, idle_session_timeout) instead of lending it: our statements run on
    the driver, past the SQLAlchemy error handling that would have discarded it, and the same
    dead connections were lent again and again. The driver knows without a round trip."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the database server closed this connection")


def _on_statement(*_args: Any, **_kwargs: Any) -> None:
    count_statement()


def announce_statement(connection: Connection, sql: str, arguments: Sequence[Any]) -> None:
    """Tell the statement listeners (request counts, the bench's EXPLAIN capture) about a
    statement run on the driver directly, beside SQLAlchemy's own execution."""
    connection.dispatch.before_cursor_execute(connection, None, sql, tuple(arguments), None, False)


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, a busy timeout, foreign keys, and explicit BEGIN so writers can take the lock first."""

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit BEGIN would be deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "reset")
    def on_reset(dbapi_connection: Any, _record: Any, _state: Any) -> None:
        # The driver is in autocommit mode: only a BEGIN of ours opens a transaction, and one
        # left open (a task cancelled mid-commit, say) must not reach the next borrower.
        if dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get("read_only"):
            return  # each SELECT of a read-only connection runs on its own
        begin = "BEGIN IMMEDIATE" if options.get("sqlite_immediate") else "BEGIN"
        # Straight to the driver: one trip through aiosqlite's thread instead of the three a
        # SQLAlchemy cursor takes (open, execute, close). Counted like any other statement.
        announce_statement(connection, begin, ())
        connection.connection.dbapi_connection.run_async(
            lambda driver: driver.execute_fetchall(begin)
        )


@asynccontextmanager
async def write_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """Yield a session in one transaction that holds the write lock from its first statement.

    SQLite: BEGIN IMMEDIATE, so a balance check and its write cannot interleave with another
    writer. PostgreSQL: callers lock the rows they check with SELECT ... FOR UPDATE.
    Commits on success, rolls everything back on any exception.
    """
    sqlite = is_sqlite(engine)
    # SQLite has one writer at a time anyway. Queue this process's writers here, where they
    # wake as soon as the lock is free, instead of in SQLite's busy handler, which sleeps in
    # growing steps; other processes still meet BEGIN IMMEDIATE and the busy timeout.
    writers = sqlite_writer_lock(engine) if sqlite else contextlib.nullcontext()
    async with (
        writers,
        AsyncSession(bind=engine, expire_on_commit=False) as session,
        session.begin(),
    ):
        await session.connection(execution_options={"sqlite_immediate": sqlite})
        yield session


_WRITER_LOCKS: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()


def sqlite_writer_lock(engine: AsyncEngine) -> asyncio.Lock:
    """Return the lock this process's writers to the engine's SQLite database queue on."""
    lock = _WRITER_LOCKS.get(engine.sync_engine)
    if lock is None:
        lock = _WRITER_LOCKS[engine.sync_engine] = asyncio.Lock()
    return lock


# How every PostgreSQL read connection is set up, lent once or kept (db/parked_reads.py).
POSTGRES_READ_OPTIONS: dict[str, Any] = {"read_only": True, "isolation_level": "AUTOCOMMIT"}


@asynccontextmanager
async def read_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """Yield a connection for Core selects; nothing it does is committed.

    On PostgreSQL it runs in autocommit: each SELECT is its own transaction, as at READ
    COMMITTED each statement of a transaction sees its own snapshot anyway, and a read skips
    the BEGIN and ROLLBACK round trips (two of a one-statement read's three). SQLite's
    read-only connections skip BEGIN in _configure_sqlite. While the server runs, its PostgreSQL
    connections for reads are kept set up between requests (db/parked_reads.py).
    """
    parked = parked_reads(engine)
    if parked is not None:
        async with parked.lend(engine, _open_for_reads) as connection:
            yield connection
        return
    async with engine.connect() as connection:
        if is_sqlite(engine):
            await connection.execution_options(read_only=True)
        else:
            await connection.execution_options(**POSTGRES_READ_OPTIONS)
        yield connection


async def _open_for_reads(engine: AsyncEngine) -> AsyncConnection:
    """Return a PostgreSQL connection from the pool, set up as read_connection's are."""
    connection = await engine.connect()
    await connection.execution_options(**POSTGRES_READ_OPTIONS)
    return connection
