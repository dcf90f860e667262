"""A query's batched selects, level under level, fetched in one statement on PostgreSQL.

A nested query runs one batched select per relation and level (payment -> its allocations ->
their invoices), each waiting for the one above it. On PostgreSQL every select is a round trip
to another process on the same cores, and time follows their number. When the executor knows
the tree of relations before it starts (schema/fast_prefetch.py), this module runs the same
selects as one statement: each level is a CTE whose keys are the column of the level above
(`key = ANY(CAST((SELECT array_agg(column) FROM parent) AS VARCHAR[]))`), each level comes
back as one array of its rows in its own order, and each row is converted exactly as its own
select's would be.

The rows are then served by PreparedSelect.rows to the loaders, which run as before: a select
asked for with the same parameters and keys among those fetched gets the fetched rows of
those keys (the rows a select for only those keys returns, in the same order), and anything
else runs its own statement. So the answer cannot differ from the level-by-level one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, cast

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement, Select, visitors
from sqlalchemy.sql.elements import BindParameter

from db.queries.keys import AmongKeys, KeyList
from db.queries.rows import PreparedSelect

_ORDER = "prefetch_n"


@dataclass(frozen=True)
class Level:
    """One batched select of the tree: its keys are given (a root) or are `parent_column` of
    the rows of level `parent`."""

    select: PreparedSelect
    parent: int | None = None
    parent_column: str = ""
    # Parameters of the select besides the account and the keys (a page's limit, a status).
    parameters: tuple[tuple[str, Any], ...] = ()

    @property
    def shape(self) -> tuple[PreparedSelect, int | None, str, tuple[str, ...]]:
        """What the statement depends on: the level without its parameters' values."""
        return self.select, self.parent, self.parent_column, tuple(n for n, _ in self.parameters)


@cache
def columns_of(select: PreparedSelect) -> tuple[tuple[str, ...], int]:
    """Return the select's column names and the index of the one its keys filter on."""
    names = tuple(select.statement.selected_columns.keys())
    keys = {str(f.column.name) for f in _key_filters(select.statement)} & set(names)
    if len(keys) != 1:
        raise ValueError("a prefetched select returns the one column its keys filter on")
    return names, names.index(keys.pop())


@dataclass
class _Fetched:
    parameters: dict[str, Any]
    keys: frozenset[Any]
    key_index: int
    rows: list[Any]

    def rows_for(self, parameters: Mapping[str, Any]) -> list[Any] | None:
        if any(parameters.get(name) != value for name, value in self.parameters.items()):
            return None
        wanted = parameters.get("ids")
        if wanted is None or parameters.keys() != self.parameters.keys() | {"ids"}:
            return None
        wanted_set = set(wanted)
        if not wanted_set <= self.keys:
            return None
        index = self.key_index
        return [row for row in self.rows if row[index] in wanted_set]


class Prefetched:
    """The rows of one request's prefetched selects, served in place of their statements."""

    def __init__(self) -> None:
        self._by_select: dict[int, list[_Fetched]] = {}

    def add(self, select: PreparedSelect, fetched: _Fetched) -> None:
        self._by_select.setdefault(id(select), []).append(fetched)

    def rows_for(self, select: PreparedSelect, parameters: Mapping[str, Any]) -> list[Any] | None:
        """Return the select's rows for `parameters` from what was fetched, or None."""
        for fetched in self._by_select.get(id(select), ()):
            rows = fetched.rows_for(parameters)
            if rows is not None:
                return rows
        return None


async def prefetch(
    connection: AsyncConnection,
    *,
    account_id: str,
    levels: Sequence[Level],
    root_keys: Mapping[int, Sequence[str]],
) -> Prefetched:
    """Return the rows of every level, fetched in one statement."""
    statement = _statement(tuple(level.shape for level in levels))
    parameters: dict[str, Any] = {"account_id": account_id}
    for index, root in root_keys.items():
        parameters[f"keys_{index}"] = list(root)
    for index, level in enumerate(levels):
        parameters.update({f"l{index}_{name}": value for name, value in level.parameters})
    (arrays,) = await statement.rows(connection, parameters)
    prefetched = Prefetched()
    dialect = connection.dialect
    fetched_rows: list[list[Any]] = []
    for index, level in enumerate(levels):
        make = level.select.compiled(dialect).make_row
        rows = [make(record[:-1]) for record in arrays[index] or ()]
        fetched_rows.append(rows)
        key_index = columns_of(level.select)[1]
        if level.parent is None:
            fetched_keys = frozenset(root_keys[index])
        else:
            column = columns_of(levels[level.parent].select)[0].index(level.parent_column)
            fetched_keys = frozenset(row[column] for row in fetched_rows[level.parent])
        own = {"account_id": account_id, **dict(level.parameters)}
        prefetched.add(level.select, _Fetched(own, fetched_keys, key_index, rows))
    return prefetched


@lru_cache(maxsize=256)
def _statement(
    shapes: tuple[tuple[PreparedSelect, int | None, str, tuple[str, ...]], ...],
) -> PreparedSelect:
    """Return the one statement of these levels (built and compiled once per tree)."""
    ctes: list[Any] = []
    for index, (level_select, parent, parent_column, names) in enumerate(shapes):
        statement = level_select.statement
        keys: ColumnElement[Any]
        if parent is None:
            keys = bindparam(f"keys_{index}", type_=KeyList())
        else:
            # Cast: `ANY((SELECT ...))` would read as a subquery of arrays, not an array.
            parent_keys = select(func.array_agg(ctes[parent].c[parent_column])).scalar_subquery()
            keys = sql_cast(parent_keys, KeyList())
        statement = _renamed(statement, f"l{index}_", set(names), keys)
        order = func.row_number().over(order_by=statement._order_by_clauses or None)
        ctes.append(statement.add_columns(order.label(_ORDER)).cte(f"l{index}"))
    arrays = [
        select(func.array_agg(aggregate_order_by(literal_column(cte.name), cte.c[_ORDER])))
        .select_from(cte)
        .scalar_subquery()
        .label(f"l{index}")
        for index, cte in enumerate(ctes)
    ]
    return PreparedSelect(select(*arrays))


def _key_filters(statement: Select[Any]) -> list[AmongKeys]:
    """Return the select's `among(column, "ids")` filters (a balance has one per figure)."""
    found = {id(e): e for e in visitors.iterate(statement) if isinstance(e, AmongKeys)}
    if any(among_keys.parameter.key != "ids" for among_keys in found.values()):
        raise ValueError("a prefetched select's keys are its `ids`")
    return list(found.values())


def _renamed(
    statement: Select[Any],
    prefix: str,
    names: set[str],
    keys: ColumnElement[Any],
) -> Select[Any]:
    """Return the select filtering on `keys` (a root's own parameter, or an array of the level
    above's column) and with its own parameters prefixed (two levels may both have a
    `limit`)."""

    def replace(element: Any, **_: Any) -> Any:
        if isinstance(element, AmongKeys):
            return AmongKeys(element.column, keys)
        if isinstance(element, BindParameter) and element.key in names:
            return bindparam(prefix + element.key, type_=element.type)
        return None

    no_options: dict[str, Any] = {}
    replaced: Any = visitors.replacement_traverse(statement, no_options, replace)
    return cast("Select[Any]", replaced)
