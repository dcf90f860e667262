"""SUM that cannot overflow 64 bits on either backend.

PostgreSQL's SUM(bigint) is numeric (exact, any size; the driver gives a Decimal). SQLite's
SUM of integers raises "integer overflow" past 2**63, and then every query reading that
aggregate fails until the rows change. There it is summed in two halves (below and above
10**9), each far from overflowing, and the digits are joined as text. Readers call int() on
the figure, which takes a Decimal, an int or that text alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

_HALF = 1_000_000_000


class ExactInteger(TypeDecorator[int]):
    """An integer that arrives as a Decimal (PostgreSQL) or as text (SQLite)."""

    impl = String  # no conversion on the way in; int() below takes either
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(value)


class exact_sum(FunctionElement[int]):  # noqa: N801 (SQL function names are lower case)
    """SUM(x) of non-negative integers, exact however large the total."""

    type = ExactInteger()
    name = "exact_sum"
    inherit_cache = True


@compiles(exact_sum)
def _sum(element: exact_sum, compiler: Any, **kw: Any) -> str:
    return f"SUM({compiler.process(element.clauses, **kw)})"


@compiles(exact_sum, "sqlite")
def _sqlite_sum(element: exact_sum, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    low = f"SUM(({value}) % {_HALF})"
    high = f"SUM(({value}) / {_HALF}) + {low} / {_HALF}"
    # NULL when there are no rows, like SUM.
    return f"CASE WHEN COUNT({value}) > 0 THEN printf('%d%09d', {high}, {low} % {_HALF}) END"
