"""Grouping the rows and keys of a batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from operator import attrgetter
from typing import Any, TypeVar

V = TypeVar("V")
K = TypeVar("K", bound=Hashable)


def group_by(keys: Sequence[K], part: Callable[[K], Any]) -> dict[Any, list[K]]:
    groups: dict[Any, list[K]] = defaultdict(list)
    for key in keys:
        groups[part(key)].append(key)
    return groups


def by_attr(rows: Sequence[Any], attribute: str, make: Callable[[Any], V]) -> dict[str, list[V]]:
    groups: dict[str, list[V]] = defaultdict(list)
    key_of = attrgetter(attribute)
    for row in rows:
        groups[key_of(row)].append(make(row))
    return groups
