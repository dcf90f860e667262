"""`column IN <a list of keys>` as ONE bound parameter, whatever the list's length.

An expanding IN list renders a different statement for every list length, with a bound
parameter (and its processing) per key: slow for the 600-key batches a nested query makes,
and a fresh prepared statement each time on PostgreSQL. Here the keys travel as a single
parameter: an array on PostgreSQL (`= ANY($1)`) and a JSON array on SQLite (`json_each`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType, TypeDecorator, TypeEngine


class KeyList(TypeDecorator[Sequence[str]]):
    """A list of string keys: a text[] on PostgreSQL, a JSON array text on SQLite."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(String))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Sequence[str] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return list(value) if dialect.name == "postgresql" else json.dumps(list(value))


class AmongKeys(ColumnElement[bool]):
    """`column` is one of the keys in the bound parameter (or an array-valued expression:
    db/queries/prefetch.py filters on the keys of a level above)."""

    inherit_cache = True
    # No Boolean type: SQLite would render a boolean expression in WHERE as `(...) = 1`.
    type = NullType()  # type: ignore[assignment]
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("parameter", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], parameter: ColumnElement[Any]) -> None:
        self.column = column
        self.parameter = parameter


@compiles(AmongKeys, "postgresql")
def _among_postgresql(element: AmongKeys, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY({compiler.process(element.parameter, **kw)})"


@compiles(AmongKeys)
def _among_default(element: AmongKeys, compiler: SQLCompiler, **kw: Any) -> str:
    return (
        f"{compiler.process(element.column, **kw)} IN "
        f"(SELECT value FROM json_each({compiler.process(element.parameter, **kw)}))"
    )


def among(column: Any, name: str) -> AmongKeys:
    """Return `column IN :name`, with :name bound once to the whole list of keys."""
    return AmongKeys(column, bindparam(name, type_=KeyList()))
