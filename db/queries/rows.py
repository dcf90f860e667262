"""Running the hot statements: rows as named tuples, prepared selects and writes on the driver.

A nested screen runs a handful of statements that return thousands of rows. Two costs of
SQLAlchemy's generic path dominate there, so the read models' batch queries avoid them:
- reading an attribute of SQLAlchemy's Row goes through its key map (about 0.3 us); a named
  tuple's attribute is a C-level index (about 0.03 us);
- each execute compiles (from its cache), binds, wraps the driver's cursor and processes every
  row; a PreparedSelect compiles once per dialect and runs on the driver's own connection
  (aiosqlite's execute_fetchall, asyncpg's fetch), applying only the conversions its columns
  need, when an attribute is read: a batch of allocations carries five timestamps a row
  that most screens never show. Statement listeners (the request's statement count, the
  bench's EXPLAIN capture) see it like any other statement.

The hot write, recording a payment, uses the same machinery: a PreparedWrite is an insert or
update compiled once, run on SQLite's driver inside the caller's transaction (db/statements.py
runs a whole transaction of them in one trip).
"""

from __future__ import annotations

import re
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal_column
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement, Executable, Select
from sqlalchemy.sql.dml import UpdateBase

from db.engine import announce_statement
from db.queries.prefetched_rows import PREFETCHED
from db.queries.row_types import (
    Processor,
    converted_row_maker,
    converting_row_type,
    maker_of,
    row_type,
)


async def select_rows(
    connection: AsyncConnection,
    statement: PreparedSelect | Executable,
    parameters: Mapping[str, Any] | None = None,
) -> list[Any]:
    """Return every row of `statement` as a named tuple with the statement's column names."""
    if isinstance(statement, PreparedSelect):
        return await statement.rows(connection, parameters or {})
    # Only on read connections: in a write, SQLAlchemy's first statement is what opens the
    # transaction on asyncpg (a FOR UPDATE run on the driver before it would lock nothing).
    shaped = shaped_select(statement, connection.dialect) if _reading(connection) else None
    if shaped is not None:
        prepared, extracted = shaped
        return await prepared.rows(connection, parameters or {}, extracted)
    result = await connection.execute(statement, parameters or {})
    make = maker_of(row_type(tuple(result.keys())))
    return [make(row) for row in result.all()]


_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")


def is_one_of(column: ColumnElement[Any], values: Sequence[str]) -> ColumnElement[bool]:
    """`column IN ('A', 'B')` with our own enum constants written into the SQL.

    An expanding IN parameter is rendered anew at every execution; constants can be compiled
    once. Only upper-case identifiers are accepted, so nothing outside the code reaches here.
    """
    for value in values:
        if not _CONSTANT.match(value):
            raise ValueError(f"not an enum constant: {value!r}")
    return column.in_([literal_column(f"'{value}'") for value in values])


@dataclass(frozen=True)
class _Compiled:
    sql: str
    bind_order: tuple[tuple[str, Processor], ...]
    construct: Callable[..., MutableMapping[str, Any]]
    make_row: Callable[[Any], Any]

    def arguments(
        self, parameters: Mapping[str, Any], extracted: Sequence[Any] | None = None
    ) -> list[Any]:
        """Return the driver's positional arguments for `parameters` (and, for a statement
        built per call, the literal values of that call's statement), converted for it."""
        if extracted is None:
            values = self.construct(dict(parameters))
        else:
            values = self.construct(dict(parameters), extracted_parameters=extracted)
        return [
            values[name] if processor is None else processor(values[name])
            for name, processor in self.bind_order
        ]


class _Prepared:
    """A statement built once at import and compiled once per dialect."""

    def __init__(
        self,
        statement: Select[Any] | UpdateBase,
        column_keys: Sequence[str] | None = None,
        cache_key: Any = None,
    ) -> None:
        self.statement = statement
        self._column_keys = column_keys
        self._cache_key = cache_key
        self._compiled: dict[str, _Compiled] = {}

    def _result_columns(self) -> tuple[tuple[str, Any], ...]:
        return ()

    def compiled(self, dialect: Dialect) -> _Compiled:
        prepared = self._compiled.get(dialect.name)
        if prepared is None:
            prepared = self._compiled[dialect.name] = self._compile(dialect)
        return prepared

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(
            dialect=dialect, column_keys=self._column_keys, cache_key=self._cache_key
        )
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("expanding parameters cannot be prepared: use is_one_of()")
        bind_order = tuple(
            (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in compiled.positiontup or ()
        )
        conversions = tuple(
            (name, column_type.dialect_impl(dialect).result_processor(dialect, None))
            for name, column_type in self._result_columns()
        )
        make_row = (
            converted_row_maker(conversions)
            if self._cache_key is not None
            else maker_of(converting_row_type(conversions))
        )
        return _Compiled(compiled.string, bind_order, compiled.construct_params, make_row)

    async def _run_on_driver(
        self,
        connection: AsyncConnection,
        parameters: Mapping[str, Any],
        extracted: Sequence[Any] | None = None,
    ) -> tuple[_Compiled, Sequence[Any]]:
        """Run the statement on the driver's connection; return what it fetched."""
        dialect = connection.dialect
        prepared = self.compiled(dialect)
        arguments = prepared.arguments(parameters, extracted)
        sync_connection = connection.sync_connection
        assert sync_connection is not None
        announce_statement(sync_connection, prepared.sql, arguments)
        # The pool connection the AsyncConnection holds; get_raw_connection() would spend a
        # greenlet switch to hand back the same object.
        driver = sync_connection.connection.driver_connection
        assert driver is not None
        if dialect.name != "sqlite":
            try:
                return prepared, await driver.fetch(prepared.sql, *arguments)
            except Exception as error:
                raise postgres_error(sync_connection, prepared.sql, arguments, error) from error
        try:
            return prepared, await driver.execute_fetchall(prepared.sql, arguments)
        except sqlite3.Error as error:
            raise sqlalchemy_error(prepared.sql, arguments, error) from error


class PreparedSelect(_Prepared):
    """A select built once at import, compiled once per dialect, run on the driver."""

    statement: Select[Any]

    def __init__(self, statement: Select[Any], cache_key: Any = None) -> None:
        super().__init__(statement, cache_key=cache_key)

    def _result_columns(self) -> tuple[tuple[str, Any], ...]:
        return tuple((name, c.type) for name, c in self.statement.selected_columns.items())

    async def rows(
        self,
        connection: AsyncConnection,
        parameters: Mapping[str, Any],
        extracted: Sequence[Any] | None = None,
    ) -> list[Any]:
        """Return the statement's rows for `parameters`, as named tuples."""
        prefetched = PREFETCHED.get()
        if prefetched is not None and extracted is None:
            rows: list[Any] | None = prefetched.rows_for(self, parameters)
            if rows is not None:
                return rows
        prepared, fetched = await self._run_on_driver(connection, parameters, extracted)
        make = prepared.make_row
        return [make(row) for row in fetched]


class PreparedWrite(_Prepared):
    """An insert or update built once, run in the connection's write transaction.

    On SQLite it goes to the driver in one round trip through aiosqlite's thread, where
    SQLAlchemy's cursor wrapper takes several; on PostgreSQL SQLAlchemy runs it, because
    asyncpg's transaction opens on SQLAlchemy's first statement.
    """

    def __init__(self, statement: UpdateBase, *, columns: Sequence[str] | None = None) -> None:
        super().__init__(statement, column_keys=columns)

    async def execute(
        self, connection: AsyncConnection, parameters: Mapping[str, Any], *, begun: bool = False
    ) -> None:
        """Run the write in the connection's transaction (on PostgreSQL on the driver too,
        once `begun` says a statement through SQLAlchemy has opened it)."""
        if begun or connection.dialect.name == "sqlite":
            await self._run_on_driver(connection, parameters)
        else:
            await connection.execute(self.statement, dict(parameters))


def sqlalchemy_error(sql: str, arguments: Sequence[Any], error: sqlite3.Error) -> StatementError:
    """Return the exception SQLAlchemy would raise for a driver error (IntegrityError, ...)."""
    return DBAPIError.instance(sql, arguments, error, sqlite3.Error)


def postgres_error(
    connection: Connection, sql: str, arguments: Sequence[Any], error: Exception
) -> Exception:
    """Return the exception SQLAlchemy would raise for an asyncpg error (IntegrityError, a
    deadlock's DBAPIError with its sqlstate, ...); any other exception as it is."""
    dbapi = connection.dialect.loaded_dbapi
    try:
        # The adapter's own translation, as SQLAlchemy's cursor applies it.
        connection.connection.dbapi_connection._handle_exception(error)  # type: ignore[union-attr]
    except dbapi.Error as adapted:
        return DBAPIError.instance(sql, arguments, adapted, dbapi.Error)
    except Exception as other:
        return other
    return error


def _reading(connection: AsyncConnection) -> bool:
    """Whether the connection is read_connection's: no transaction of ours to open."""
    sync_connection = connection.sync_connection
    return sync_connection is not None and bool(
        sync_connection.get_execution_options().get("read_only")
    )


# Selects built per call (a list's filters and cursor, a report's day), by dialect and shape:
# SQLAlchemy's cache key says when two are the same statement but for their literal values,
# so each shape is compiled once and every call runs on the driver like a PreparedSelect.
SHAPE_CACHE_SIZE = 512
_SHAPES: OrderedDict[tuple[str, Any], PreparedSelect | None] = OrderedDict()


def shaped_select(
    statement: Executable, dialect: Dialect
) -> tuple[PreparedSelect, Sequence[Any]] | None:
    """Return the prepared select of the statement's shape and the statement's own literal
    values, or None for a statement SQLAlchemy's own execution must run."""
    if not isinstance(statement, Select):
        return None
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return None
    key = (dialect.name, cache_key.key)
    if key in _SHAPES:
        prepared = _SHAPES[key]
    else:
        prepared = _SHAPES[key] = _prepare_shape(statement, cache_key, dialect)
        if len(_SHAPES) > SHAPE_CACHE_SIZE:
            _SHAPES.popitem(last=False)
    return None if prepared is None else (prepared, cache_key.bindparams)


def _prepare_shape(
    statement: Select[Any], cache_key: Any, dialect: Dialect
) -> PreparedSelect | None:
    """Return the shape's prepared select, None when its rows would not read as SQLAlchemy's
    (an expanding IN, result names that are not the selected columns' keys)."""
    prepared = PreparedSelect(statement, cache_key=cache_key)
    try:
        prepared.compiled(dialect)
    except ValueError:
        return None
    result_names = [c.keyname for c in statement.compile(dialect=dialect)._result_columns]
    return prepared if result_names == list(statement.selected_columns.keys()) else None
