"""Completing scalar and enum values (and lists of them), for a whole level at once.

The executor completes these without awaiting anything: a leaf's value is already in its
parent, so it needs no coroutine, and none is made for it.
"""

from collections.abc import Iterator
from itertools import repeat
from operator import is_
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
)

from schema.fast_plan import StepAside
from schema.fast_values import enum_names

_STRINGS = (GraphQLString, GraphQLID)


def complete_leaves(values: list[Any], graphql_type: GraphQLOutputType) -> list[Any] | None:
    """Return the values of a scalar or enum field (or a list of them) completed, or None when
    the field's type holds objects."""
    named = graphql_type
    while isinstance(named, GraphQLNonNull | GraphQLList):
        named = named.of_type
    if not isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return None
    return _leaves(values, graphql_type)


def has_none(values: list[Any]) -> bool:
    """Whether any of the values is None (by identity, in C: `None in values` would call each
    value's __eq__)."""
    return any(map(is_, values, repeat(None)))


def _leaves(values: list[Any], graphql_type: GraphQLOutputType) -> list[Any]:
    if isinstance(graphql_type, GraphQLNonNull):
        if has_none(values):
            raise StepAside  # the plain path reports the error and nulls the parent
        graphql_type = graphql_type.of_type
    elif has_none(values):
        present = [value for value in values if value is not None]
        completed = iter(_leaves(present, graphql_type))
        return [None if value is None else next(completed) for value in values]
    if isinstance(graphql_type, GraphQLList):
        lengths = [len(value) for value in values]
        flat = [item for value in values for item in value]
        return list(split_by_lengths(_leaves(flat, graphql_type.of_type), lengths))
    if isinstance(graphql_type, GraphQLEnumType):
        names = enum_names(graphql_type)
        return [
            names[value] if value in names else graphql_type.serialize(value) for value in values
        ]
    if graphql_type in _STRINGS and all(map(isinstance, values, repeat(str))):
        return values  # what serialize_string and serialize_id return for a str: itself
    serialize = graphql_type.serialize  # type: ignore[union-attr]
    return [serialize(value) for value in values]


def split_by_lengths(items: list[Any], lengths: list[int]) -> Iterator[list[Any]]:
    start = 0
    for length in lengths:
        yield items[start : start + length]
        start += length
