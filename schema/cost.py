"""A static cost computed from the query before anything runs.

Each field costs 1. A connection with `first: N` multiplies what is under its edges/nodes by N
(20 when `first` is not given); a plain list (a project's milestones, an invoice's lines)
multiplies what is under it by a fixed estimate of 10. Fragments count as if inlined, but
each fragment is costed once per page size and remembered: a chain of fragments that spread
the previous one twice would otherwise take 2**n steps to cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    value_from_ast_untyped,
)

LIST_ESTIMATE = 10
DEFAULT_PAGE = 20
MAX_COST = 50_000


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.fragment_costs: dict[tuple[str, int], int] = {}
        self.in_progress: set[str] = set()  # a cycle is refused by validation

    def selection_cost(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None, page: int
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                type_name = (
                    selection.type_condition.name.value if selection.type_condition else None
                )
                inner = self.schema.get_type(type_name) if type_name else parent
                total += self.selection_cost(selection.selection_set, inner, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment_cost(selection.name.value, page)
        return total

    def fragment_cost(self, name: str, page: int) -> int:
        key = (name, page)
        if key in self.fragment_costs:
            return self.fragment_costs[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:
            return 0
        self.in_progress.add(name)
        inner = self.schema.get_type(fragment.type_condition.name.value)
        cost = self.selection_cost(fragment.selection_set, inner, page)
        self.in_progress.discard(name)
        self.fragment_costs[key] = cost
        return cost

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType | None, page: int) -> int:
        fields = getattr(parent, "fields", None) if parent is not None else None
        field = fields.get(node.name.value) if fields else None
        if field is None:
            return 1
        named = get_named_type(field.type)
        in_connection = parent is not None and parent.name.endswith("Connection")
        multiplier, child_page = 1, page
        if named.name.endswith("Connection"):
            child_page = self._first(node)
        elif isinstance(get_nullable_type(field.type), GraphQLList):
            multiplier = page if in_connection else LIST_ESTIMATE
        return 1 + multiplier * self.selection_cost(node.selection_set, named, child_page)

    def _first(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value == "first":
                value = value_from_ast_untyped(argument.value, dict(self.variables))
                if isinstance(value, int) and value >= 0:
                    return value
        return DEFAULT_PAGE


def query_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None,
) -> int:
    """Return the static cost of one operation."""
    root = (
        schema.mutation_type
        if operation.operation.value == "mutation"
        else schema.subscription_type
        if operation.operation.value == "subscription"
        else schema.query_type
    )
    walker = _Walker(schema, fragments, variables or {})
    return walker.selection_cost(operation.selection_set, root, DEFAULT_PAGE)
