"""The level-batched executor: one pass per level of the query, not one per field per object.

graphql-core resolves a query one field of one object at a time, with a future for every
async field. This executor walks the validated query level by level instead: a scalar is an
attribute read, and a relation is one batched loader call for all the parents at its level
(resolvers/batches.py), or, for the fields without a batch, the field's own resolver. An
interface or union is completed per runtime type, the objects of each type together. What it
cannot answer exactly as graphql-core would (null where null is not allowed, introspection,
any exception) raises StepAside, and the query runs on the plain path instead.
"""

import asyncio
import inspect
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues

from db.queries.prefetched_rows import PREFETCHED
from resolvers.batches import load_for_parents
from schema.fast_leaves import complete_leaves, has_none, split_by_lengths
from schema.fast_plan import FastQueryPlan, FieldPlan, StepAside
from schema.fast_prefetch import prefetch_lookups
from schema.fast_values import is_included, resolver_arguments, runtime_type_name


class FastExecutor:
    def __init__(
        self,
        plan: FastQueryPlan,
        context: Any,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self.plan = plan
        self.context = context
        self.operation = operation
        self.fragments = fragments
        self.variables = variables
        self.info = SimpleNamespace(context=context)

    async def run(self) -> dict[str, Any]:
        root = self.plan.graphql_schema.query_type
        assert root is not None
        prefetched = await prefetch_lookups(self)
        try:
            results = await self.complete_objects([None], root, [self.operation.selection_set])
        finally:
            if prefetched is not None:
                PREFETCHED.reset(prefetched)
        return results[0]

    # -- fields -------------------------------------------------------------------------

    def collect(
        self, object_type: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """Return the fields to answer for an object of this type, by response key."""
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect_into(fields, object_type, selection_set, visited)
        return fields

    def _collect_into(
        self,
        fields: dict[str, list[FieldNode]],
        object_type: GraphQLObjectType,
        selection_set: SelectionSetNode,
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not is_included(selection, self.variables):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, object_type):
                    self._collect_into(fields, object_type, selection.selection_set, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, object_type):
                    self._collect_into(fields, object_type, fragment.selection_set, visited)

    def _applies(self, condition: str, object_type: GraphQLObjectType) -> bool:
        """Whether a fragment on `condition` applies to an object of `object_type`."""
        if condition == object_type.name:
            return True
        condition_type = self.plan.graphql_schema.get_type(condition)
        if isinstance(condition_type, GraphQLInterfaceType | GraphQLUnionType):
            return self.plan.graphql_schema.is_sub_type(condition_type, object_type)
        return False

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
        # A scalar is completed here and now; only relations and resolvers wait, and a task
        # per field (what gather makes of each) is paid only when two or more of them do.
        columns: dict[str, list[Any]] = {}
        waiting: dict[str, Coroutine[Any, Any, list[Any]]] = {}
        try:
            for key, nodes in fields.items():
                column = self.complete_field(objects, object_type, plans, nodes)
                if isinstance(column, list):
                    columns[key] = column
                else:
                    waiting[key] = column
        except BaseException:
            for coroutine in waiting.values():
                coroutine.close()
            raise
        if len(waiting) == 1:
            [(key, coroutine)] = waiting.items()
            columns[key] = await coroutine
        elif waiting:
            columns.update(zip(waiting, await asyncio.gather(*waiting.values()), strict=True))
        results: list[dict[str, Any]] = [{} for _ in objects]
        for key in fields:
            for result, value in zip(results, columns[key], strict=True):
                result[key] = value
        return results

    def complete_field(
        self,
        objects: list[Any],
        object_type: GraphQLObjectType,
        plans: dict[str, FieldPlan],
        nodes: list[FieldNode],
    ) -> list[Any] | Coroutine[Any, Any, list[Any]]:
        """Return the field's completed values, or a coroutine for them when it must wait."""
        name = nodes[0].name.value
        if name == "__typename":
            return [object_type.name] * len(objects)
        field_def = object_type.fields.get(name)
        plan = plans.get(name)
        if field_def is None or plan is None or plan.plain_only:
            raise StepAside  # introspection (__schema, __type) and the like
        selections = [node.selection_set for node in nodes if node.selection_set is not None]
        # A batched relation's loader takes no arguments: one given (balance(asOf:)) is resolved
        # by the field's own resolver.
        if plan.batched and not nodes[0].arguments:
            selected = self.selected_names(field_def.type, selections) if plan.keyed else ()
            return self.complete_batched(
                objects, object_type, field_def.type, selections, name, selected
            )
        if plan.resolver is None:
            raw = list(map(plan.read, objects))
            leaves = complete_leaves(raw, field_def.type)
            if leaves is not None:
                return leaves
            return self.complete(raw, field_def.type, selections, name)
        arguments = resolver_arguments(self.plan, field_def, nodes[0], plan, self.variables)
        return self.complete_resolved(plan, objects, arguments, field_def.type, selections, name)

    async def complete_batched(
        self,
        objects: list[Any],
        object_type: GraphQLObjectType,
        graphql_type: GraphQLOutputType,
        selections: list[SelectionSetNode],
        name: str,
        selected: Iterable[str],
    ) -> list[Any]:
        raw = await load_for_parents(self.context, object_type.name, name, objects, selected)
        return await self.complete(raw, graphql_type, selections, name)

    async def complete_resolved(
        self,
        plan: FieldPlan,
        objects: list[Any],
        arguments: dict[str, Any],
        graphql_type: GraphQLOutputType,
        selections: list[SelectionSetNode],
        name: str,
    ) -> list[Any]:
        raw = await self.call_resolver(plan, objects, arguments)
        return await self.complete(raw, graphql_type, selections, name)

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
        self, plan: FieldPlan, objects: list[Any], arguments: dict[str, Any]
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
        field_name: str,
    ) -> list[Any]:
        leaves = complete_leaves(values, graphql_type)
        if leaves is not None:
            return leaves
        if isinstance(graphql_type, GraphQLNonNull):
            if has_none(values):
                raise StepAside  # the plain path reports the error and nulls the parent
            return await self.complete(values, graphql_type.of_type, selections, field_name)
        present = [value for value in values if value is not None]
        if len(present) != len(values):
            completed = iter(await self.complete(present, graphql_type, selections, field_name))
            return [None if value is None else next(completed) for value in values]
        if isinstance(graphql_type, GraphQLList):
            lengths = [len(value) for value in values]
            flat = [item for value in values for item in value]
            inner = graphql_type.of_type
            completed_flat = await self.complete(flat, inner, selections, field_name)
            return list(split_by_lengths(completed_flat, lengths))
        if not values:
            return []
        if isinstance(graphql_type, GraphQLObjectType):
            return await self.complete_objects(values, graphql_type, selections)
        assert isinstance(graphql_type, GraphQLInterfaceType | GraphQLUnionType)
        return await self.complete_abstract(values, graphql_type, selections, field_name)

    async def complete_abstract(
        self,
        values: list[Any],
        abstract_type: GraphQLInterfaceType | GraphQLUnionType,
        selections: list[SelectionSetNode],
        field_name: str,
    ) -> list[Any]:
        """Complete interface or union values: the objects of each runtime type together."""
        schema = self.plan.graphql_schema
        groups: dict[str, list[int]] = {}
        for index, value in enumerate(values):
            name = runtime_type_name(self.plan, abstract_type, value, self.context, field_name)
            groups.setdefault(name, []).append(index)
        results: list[Any] = [None] * len(values)
        for name, indexes in groups.items():
            object_type = schema.get_type(name)
            if not isinstance(object_type, GraphQLObjectType) or not schema.is_sub_type(
                abstract_type, object_type
            ):
                raise StepAside  # the plain path reports the bad runtime type
            group = [values[index] for index in indexes]
            completed = await self.complete_objects(group, object_type, selections)
            for index, result in zip(indexes, completed, strict=True):
                results[index] = result
        return results
