"""Running the hot read statements: rows as named tuples, prepared selects on the driver.

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
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import literal_column
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement, Executable, Select

Processor = Callable[[Any], Any] | None


async def select_rows(
    connection: AsyncConnection,
    statement: PreparedSelect | Executable,
    parameters: Mapping[str, Any] | None = None,
) -> list[Any]:
    """Return every row of `statement` as a named tuple with the statement's column names."""
    if isinstance(statement, PreparedSelect):
        return await statement.rows(connection, parameters or {})
    result = await connection.execute(statement, parameters or {})
    make = row_type(tuple(result.keys()))._make
    return [make(row) for row in result.all()]


@cache
def row_type(names: tuple[str, ...]) -> Any:
    """Return the named tuple type for one list of column names."""
    return namedtuple("ResultRow", names)  # noqa: PYI024


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


class PreparedSelect:
    """A select built once at import, compiled once per dialect, run on the driver."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("expanding parameters cannot be prepared: use is_one_of()")
        bind_order = tuple(
            (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in compiled.positiontup or ()
        )
        conversions = {
            name: column.type.dialect_impl(dialect).result_processor(dialect, None)
            for name, column in self.statement.selected_columns.items()
        }
        make_row = _converting_row_type(tuple(conversions.items()))._make
        return _Compiled(compiled.string, bind_order, compiled.construct_params, make_row)

    async def rows(self, connection: AsyncConnection, parameters: Mapping[str, Any]) -> list[Any]:
        """Return the statement's rows for `parameters`, as named tuples."""
        dialect = connection.dialect
        prepared = self._compiled.get(dialect.name)
        if prepared is None:
            prepared = self._compiled[dialect.name] = self._compile(dialect)
        values = prepared.construct(dict(parameters))
        arguments = [
            values[name] if processor is None else processor(values[name])
            for name, processor in prepared.bind_order
        ]
        sync_connection = connection.sync_connection
        assert sync_connection is not None
        sync_connection.dispatch.before_cursor_execute(
            sync_connection, None, prepared.sql, tuple(arguments), None, False
        )
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        if dialect.name == "sqlite":
            fetched: Sequence[Any] = await driver.execute_fetchall(prepared.sql, arguments)
        else:
            fetched = await driver.fetch(prepared.sql, *arguments)
        make = prepared.make_row
        return [make(row) for row in fetched]


def _converting_row_type(columns: tuple[tuple[str, Processor], ...]) -> Any:
    """A named tuple whose attributes convert the driver's value on read (index access does not)."""
    base = row_type(tuple(name for name, _ in columns))
    converting = {
        name: _converted(index, convert)
        for index, (name, convert) in enumerate(columns)
        if convert is not None
    }
    if not converting:
        return base
    return type("ConvertingRow", (base,), {"__slots__": (), **converting})


def _converted(index: int, convert: Callable[[Any], Any]) -> property:
    def read(row: tuple[Any, ...]) -> Any:
        return convert(tuple.__getitem__(row, index))

    return property(read)
