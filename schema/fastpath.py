"""A level-batched executor for read-only queries, behind the same schema and permissions.

graphql-core resolves a query one field of one object at a time, with a future for every
async field; for nested balance screens that bookkeeping costs far more than the SQL. This
executor walks the validated query level by level instead: a scalar is an attribute read, and
a relation is one batched loader call for all the parents at its level (resolvers/batches.py),
or, for the few fields without a batch, the field's own resolver. What it cannot answer exactly
as graphql-core would (interfaces, null where null is not allowed, any exception) makes it
step aside, and the query runs on the plain path: tests prove both give the same response.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    VariableNode,
    value_from_ast,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.enum import StrawberryEnumDefinition

from resolvers.batches import BATCHED_FIELDS, SELECTION_KEYED, load_for_parents
from schema.documents import select_operation


class StepAside(Exception):
    """This query is left to the plain executor."""


class _FieldPlan:
    """How to produce one field of one object type."""

    __slots__ = (
        "python_name",
        "resolver",
        "arguments",
        "wants_info",
        "wants_root",
        "batched",
        "keyed",
    )

    def __init__(self, type_name: str, field: Any, names: NameConverter) -> None:
        self.python_name: str = field.python_name
        self.batched = (type_name, names.from_field(field)) in BATCHED_FIELDS
        self.keyed = (type_name, names.from_field(field)) in SELECTION_KEYED
        self.resolver = field.base_resolver.wrapped_func if field.base_resolver else None
        self.arguments = {names.from_argument(argument): argument for argument in field.arguments}
        parameters = inspect.signature(self.resolver).parameters if self.resolver else {}
        self.wants_info = "info" in parameters
        self.wants_root = "root" in parameters


class FastQueryPlan:
    """The per-schema facts the executor needs, computed once."""

    def __init__(self, schema: strawberry.Schema) -> None:
        self.schema = schema
        self.fields: dict[str, dict[str, _FieldPlan]] = {}
        names = schema.config.name_converter
        for type_name, graphql_type in schema._schema.type_map.items():
            definition = schema.get_type_by_name(type_name)
            if isinstance(graphql_type, GraphQLObjectType) and isinstance(
                definition, StrawberryObjectDefinition
            ):
                self.fields[type_name] = {
                    names.from_field(f): _FieldPlan(type_name, f, names) for f in definition.fields
                }


class FastExecutor:
    def __init__(
        self,
        plan: FastQueryPlan,
        context: Any,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.plan = plan
        self.context = context
        self.operation = operation
        self.fragments = fragments
        self.variables = variables
        self.info = SimpleNamespace(context=context)

    async def run(self) -> dict[str, Any]:
        root = self.plan.schema._schema.query_type
        assert root is not None
        results = await self.complete_objects([None], root, [self.operation.selection_set])
        return results[0]

    # -- fields -------------------------------------------------------------------------

    def collect(
        self, object_type: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        for selection_set in selection_sets:
            self._collect_into(fields, object_type, selection_set, set())
        return fields

    def _collect_into(
        self,
        fields: dict[str, list[FieldNode]],
        object_type: GraphQLObjectType,
        selection_set: SelectionSetNode,
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or condition.name.value == object_type.name:
                    self._collect_into(fields, object_type, selection.selection_set, visited)
                elif condition.name.value not in self.plan.fields:
                    raise StepAside  # an interface or union condition
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                if fragment.type_condition.name.value == object_type.name:
                    self._collect_into(fields, object_type, fragment.selection_set, visited)
                elif fragment.type_condition.name.value not in self.plan.fields:
                    raise StepAside

    def _included(self, node: Any) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                raise StepAside  # @defer, @stream and friends
            argument = next((a for a in directive.arguments if a.name.value == "if"), None)
            value = self._literal(argument.value) if argument else None
            if not isinstance(value, bool):
                raise StepAside
            if (name == "skip") == value:
                return False
        return True

    def _literal(self, node: Any) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        return value_from_ast(node, _BOOLEAN)

    def arguments(self, field_def: Any, node: FieldNode, plan: _FieldPlan) -> dict[str, Any]:
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        values: dict[str, Any] = {}
        for name, argument_def in field_def.args.items():
            value: Any = Undefined
            if name in given:
                ast = given[name]
                if isinstance(ast, VariableNode):
                    if ast.name.value in self.variables:
                        value = self.variables[ast.name.value]
                        if value is not None:
                            value = _parse_variable(argument_def.type, value)
                else:
                    value = value_from_ast(ast, argument_def.type, dict(self.variables))
                    if value is Undefined:
                        raise StepAside
            if value is Undefined:
                value = argument_def.default_value
            if value is Undefined:
                continue
            strawberry_argument = plan.arguments.get(name)
            if strawberry_argument is None:
                raise StepAside
            values[strawberry_argument.python_name] = _to_python(strawberry_argument, value)
        return values

    # -- completion ---------------------------------------------------------------------

    async def complete_objects(
        self,
        objects: list[Any],
        object_type: GraphQLObjectType,
        selection_sets: Sequence[SelectionSetNode],
    ) -> list[dict[str, Any]]:
        fields = self.collect(object_type, selection_sets)
        plans = self.plan.fields.get(object_type.name)
        if plans is None:
            raise StepAside
        keys = list(fields)
        columns = await asyncio.gather(
            *(self.complete_field(objects, object_type, plans, fields[key]) for key in keys)
        )
        results: list[dict[str, Any]] = [{} for _ in objects]
        for key, column in zip(keys, columns, strict=True):
            for result, value in zip(results, column, strict=True):
                result[key] = value
        return results

    async def complete_field(
        self,
        objects: list[Any],
        object_type: GraphQLObjectType,
        plans: dict[str, _FieldPlan],
        nodes: list[FieldNode],
    ) -> list[Any]:
        name = nodes[0].name.value
        if name == "__typename":
            return [object_type.name] * len(objects)
        field_def = object_type.fields.get(name)
        plan = plans.get(name)
        if field_def is None or plan is None:
            raise StepAside  # introspection (__schema, __type) and the like
        selections = [node.selection_set for node in nodes if node.selection_set is not None]
        if plan.batched:
            selected = self.selected_names(field_def.type, selections) if plan.keyed else ()
            raw = await load_for_parents(self.context, object_type.name, name, objects, selected)
        elif plan.resolver is None:
            python_name = plan.python_name
            raw = [getattr(obj, python_name) for obj in objects]
        else:
            raw = await self.call_resolver(plan, objects, self.arguments(field_def, nodes[0], plan))
        return await self.complete(raw, field_def.type, selections)

    def selected_names(
        self, graphql_type: GraphQLOutputType, selections: list[SelectionSetNode]
    ) -> set[str]:
        """Return the names of the fields selected on an object-typed field."""
        while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
            graphql_type = graphql_type.of_type
        if not isinstance(graphql_type, GraphQLObjectType):
            raise StepAside
        fields = self.collect(graphql_type, selections)
        return {nodes[0].name.value for nodes in fields.values()}

    async def call_resolver(
        self, plan: _FieldPlan, objects: list[Any], arguments: dict[str, Any]
    ) -> list[Any]:
        resolver = plan.resolver
        assert resolver is not None

        def call(obj: Any) -> Any:
            extra: dict[str, Any] = dict(arguments)
            if plan.wants_info:
                extra["info"] = self.info
            if plan.wants_root:
                extra["root"] = obj
            return resolver(obj, **extra)

        calls = [call(obj) for obj in objects]
        if calls and inspect.isawaitable(calls[0]):
            return list(await asyncio.gather(*calls))
        return calls

    async def complete(
        self,
        values: list[Any],
        graphql_type: GraphQLOutputType,
        selections: list[SelectionSetNode],
    ) -> list[Any]:
        if isinstance(graphql_type, GraphQLNonNull):
            if any(value is None for value in values):
                raise StepAside  # the plain path reports the error and nulls the parent
            return await self.complete(values, graphql_type.of_type, selections)
        present = [value for value in values if value is not None]
        if len(present) != len(values):
            completed = iter(await self.complete(present, graphql_type, selections))
            return [None if value is None else next(completed) for value in values]
        if isinstance(graphql_type, GraphQLList):
            lengths = [len(value) for value in values]
            flat = [item for value in values for item in value]
            completed_flat = await self.complete(flat, graphql_type.of_type, selections)
            return list(_split(completed_flat, lengths))
        if isinstance(graphql_type, GraphQLEnumType):
            names = _enum_names(graphql_type)
            return [
                names[value] if value in names else graphql_type.serialize(value)
                for value in values
            ]
        if isinstance(graphql_type, GraphQLScalarType):
            serialize = graphql_type.serialize
            return [serialize(value) for value in values]
        if isinstance(graphql_type, GraphQLObjectType):
            if not values:
                return []
            return await self.complete_objects(values, graphql_type, selections)
        raise StepAside  # interfaces and unions need a runtime type


_ENUM_NAMES: dict[str, dict[Any, str]] = {}


def _enum_names(enum_type: GraphQLEnumType) -> dict[Any, str]:
    """Return {internal value: GraphQL name}; a dict lookup instead of a serialize call."""
    names = _ENUM_NAMES.get(enum_type.name)
    if names is None:
        names = _ENUM_NAMES[enum_type.name] = {
            value.value: name for name, value in enum_type.values.items()
        }
    return names


def _split(items: list[Any], lengths: list[int]) -> Iterator[list[Any]]:
    start = 0
    for length in lengths:
        yield items[start : start + length]
        start += length


def _parse_variable(graphql_type: Any, value: Any) -> Any:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    if isinstance(graphql_type, GraphQLScalarType | GraphQLEnumType):
        return graphql_type.parse_value(value)
    raise StepAside  # lists and input objects are left to the plain path


def _to_python(argument: Any, value: Any) -> Any:
    kind = argument.type
    inner = getattr(kind, "of_type", None)  # Optional[X]
    definition = getattr(inner or kind, "__strawberry_definition__", None) or getattr(
        inner or kind, "_enum_definition", None
    )
    if isinstance(definition, StrawberryEnumDefinition) and value is not None:
        return definition.wrapped_cls(value)
    return value


_BOOLEAN = GraphQLNonNull(GraphQLBoolean)


class FastQueries(SchemaExtension):
    """Answer read-only queries with the FastExecutor; step aside for anything else."""

    plans: dict[int, FastQueryPlan] = {}

    async def on_execute(self) -> Any:
        context = self.execution_context
        document = context.graphql_document
        if context.result is None and document is not None and _enabled(context.context):
            operation = _query_operation(document, context.operation_name)
            if operation is not None:
                plan = self._plan(context.schema)
                fragments = {
                    d.name.value: d
                    for d in document.definitions
                    if isinstance(d, FragmentDefinitionNode)
                }
                executor = FastExecutor(
                    plan, context.context, operation, fragments, context.variables or {}
                )
                try:
                    data = await executor.run()
                except Exception:  # noqa: BLE001 - a read-only query can always run again
                    pass
                else:
                    context.result = GraphQLExecutionResult(data=data, errors=None)
        yield

    def _plan(self, schema: Any) -> FastQueryPlan:
        plan = self.plans.get(id(schema))
        if plan is None:
            plan = self.plans[id(schema)] = FastQueryPlan(schema)
        return plan


def _enabled(context: Any) -> bool:
    return bool(getattr(context, "extra", {}).get("fast_queries", True))


def _query_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operation = select_operation(document, name)
    return operation if operation and operation.operation == OperationType.QUERY else None
