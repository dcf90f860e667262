"""What the fast executor knows about the schema, worked out once per schema."""

import inspect
from operator import attrgetter
from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import StrawberryObjectDefinition

from resolvers.batches import BATCHED_FIELDS, SELECTION_KEYED


class StepAside(Exception):
    """This query is left to the plain executor."""


class FieldPlan:
    """How to produce one field of one object type."""

    __slots__ = (
        "field",
        "python_name",
        "read",
        "resolver",
        "arguments",
        "wants_info",
        "wants_root",
        "batched",
        "keyed",
        "plain_only",
    )

    def __init__(self, type_name: str, field: Any, names: NameConverter) -> None:
        self.field = field
        self.python_name: str = field.python_name
        self.read = attrgetter(self.python_name)  # in C, for every object of a level
        self.batched = (type_name, names.from_field(field)) in BATCHED_FIELDS
        self.keyed = (type_name, names.from_field(field)) in SELECTION_KEYED
        self.resolver = field.base_resolver.wrapped_func if field.base_resolver else None
        self.arguments = list(field.arguments)
        parameters = inspect.signature(self.resolver).parameters if self.resolver else {}
        self.wants_info = "info" in parameters
        self.wants_root = "root" in parameters
        # A field extension may reshape the arguments or wrap the resolver: the plain path.
        self.plain_only = bool(field.extensions)


class FastQueryPlan:
    """The per-schema facts the executor needs, computed once."""

    def __init__(self, schema: strawberry.Schema) -> None:
        self.schema = schema
        self.graphql_schema = schema._schema
        self.scalar_registry = schema.schema_converter.scalar_registry
        self.fields: dict[str, dict[str, FieldPlan]] = {}
        names = schema.config.name_converter
        for type_name, graphql_type in schema._schema.type_map.items():
            definition = schema.get_type_by_name(type_name)
            if isinstance(graphql_type, GraphQLObjectType) and isinstance(
                definition, StrawberryObjectDefinition
            ):
                self.fields[type_name] = {
                    names.from_field(f): FieldPlan(type_name, f, names) for f in definition.fields
                }
