"""Named tuple rows: one type per list of column names, converting the driver's values."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from functools import cache, partial
from typing import Any

Processor = Callable[[Any], Any] | None


@cache
def row_type(names: tuple[str, ...]) -> Any:
    """Return the named tuple type for one list of column names."""
    return namedtuple("ResultRow", names)  # noqa: PYI024


def converted_row_maker(columns: tuple[tuple[str, Processor], ...]) -> Callable[[Any], Any]:
    """Rows converted when made, as SQLAlchemy's are: a select built per call may be read by
    index or unpacked by code written for SQLAlchemy's rows."""
    make = maker_of(row_type(tuple(name for name, _ in columns)))
    convert = [convert for _, convert in columns]
    if not any(convert):
        return make
    return lambda row: make([c(v) if c else v for c, v in zip(convert, row, strict=True)])


def converting_row_type(columns: tuple[tuple[str, Processor], ...]) -> Any:
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


def maker_of(row_class: type[tuple[Any, ...]]) -> Callable[[Any], Any]:
    """Return a function making a `row_class` from a driver's row.

    tuple.__new__ bound to the class: a named tuple's `_make` is a Python function (it checks
    the length, which a compiled statement's rows always have), a cost paid per row of every
    nested page.
    """
    return partial(tuple.__new__, row_class)
