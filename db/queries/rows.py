"""Rows as named tuples: the read models touch every column of thousands of rows a request.

Reading an attribute of SQLAlchemy's Row goes through its key map (about 0.3 us); a named
tuple's attribute is a C-level index (about 0.03 us). One tuple type per column list.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable


async def select_rows(
    connection: AsyncConnection, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> list[Any]:
    """Return every row of `statement` as a named tuple with the statement's column names."""
    result = await connection.execute(statement, parameters or {})
    make = _row_type(tuple(result.keys()))._make
    return [make(row) for row in result.all()]


@cache
def _row_type(names: tuple[str, ...]) -> Any:
    return namedtuple("ResultRow", names)  # noqa: PYI024
