"""A static cost computed from the query before anything runs.

Each field costs 1. A connection with `first: N` or `last: N` multiplies what is under its
edges/nodes by N (the larger when both are given, 20 when neither is); a plain list (a
project's milestones, an invoice's lines) multiplies what is under it by a fixed estimate of
10, or by its cap where one is enforced (an account's webhook endpoints). Fragments count as
if inlined, but each fragment is costed once per page size and remembered: a chain of
fragments that spread the previous one twice would otherwise take 2**n steps to cost.

Introspection (`__schema`, `__type`) is costed apart, on its own budget: its lists multiply
by what they hold in this schema (`types` by the number of types, `fields` by the most
fields a type has, ...), and the budget is 1.25 times what the standard introspection query
(GraphiQL's) costs, so that one passes and two aliased copies of it do not.
"""

from collections.abc import Mapping
from functools import cache
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
    get_introspection_query,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    parse,
    value_from_ast_untyped,
)

from domain.webhooks.endpoints import MAX_ENDPOINTS

LIST_ESTIMATE = 10
CAPPED_LISTS = {"webhookEndpoints": MAX_ENDPOINTS}
DEFAULT_PAGE = 20
MAX_COST = 50_000
MAX_INT = 2**31 - 1  # GraphQL's Int is 32-bit
INTROSPECTION_ROOTS = ("__schema", "__type")
# The standard query (GraphiQL's) with a quarter to spare for clients' variants of it: one
# introspection per request, not five aliased copies (each about 0.3 s of the event loop).
INTROSPECTION_BUDGET_FACTOR = 1.25


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        *,
        introspection: bool = False,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.fragment_costs: dict[tuple[str, int], int] = {}
        self.in_progress: set[str] = set()  # a cycle is refused by validation
        # Data or introspection: each costs only its own fields (the other's cost 0 or 1).
        self.introspection = introspection
        self.list_sizes = introspection_list_sizes(schema) if introspection else CAPPED_LISTS

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
        name = node.name.value
        if name in INTROSPECTION_ROOTS and not self.introspection:
            return 1
        if self.introspection and (parent is None or not parent.name.startswith("__")):
            if name not in INTROSPECTION_ROOTS:
                return 0  # a data field: the other walker's
            parent = self.schema.get_type("__Schema" if name == "__schema" else "__Type")
            return 1 + self.selection_cost(node.selection_set, parent, page)
        fields = getattr(parent, "fields", None) if parent is not None else None
        field = fields.get(node.name.value) if fields else None
        if field is None:
            return 1
        named = get_named_type(field.type)
        in_connection = parent is not None and parent.name.endswith("Connection")
        multiplier, child_page = 1, page
        if named.name.endswith("Connection"):
            child_page = self._page_size(node)
        elif isinstance(get_nullable_type(field.type), GraphQLList):
            multiplier = page if in_connection else self.list_sizes.get(name, LIST_ESTIMATE)
        return 1 + multiplier * self.selection_cost(node.selection_set, named, child_page)

    def _page_size(self, node: FieldNode) -> int:
        """The most rows a connection can return: the larger of `first` and `last` given."""
        sizes = []
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = value_from_ast_untyped(argument.value, dict(self.variables))
                # A value no Int can hold (a huge number, a bool) is the variable's own error,
                # reported when the variables are coerced: it is no page size to price.
                if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INT:
                    sizes.append(value)
        return max(sizes, default=DEFAULT_PAGE)


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


def introspection_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> int:
    """Return the cost of the operation's introspection fields (0 without any)."""
    walker = _Walker(schema, fragments, {}, introspection=True)
    return walker.selection_cost(operation.selection_set, schema.query_type, DEFAULT_PAGE)


@cache
def introspection_list_sizes(schema: GraphQLSchema) -> dict[str, int]:
    """Return, per list field of the introspection types, the most items it has here."""
    types = list(schema.type_map.values())

    def most(counts: list[int]) -> int:
        return max([1, *counts])

    field_maps = [t.fields for t in types if hasattr(t, "fields")]
    return {
        "types": len(types),
        "directives": len(schema.directives),
        "fields": most([len(f) for f in field_maps]),
        "inputFields": most([len(f) for f in field_maps]),
        "enumValues": most([len(getattr(t, "values", {})) for t in types]),
        "interfaces": most([len(getattr(t, "interfaces", ())) for t in types]),
        "possibleTypes": most(
            [len(schema.get_possible_types(t)) for t in types if is_abstract_type(t)]
        ),
        "args": most(
            [len(f.args) for m in field_maps for f in m.values() if hasattr(f, "args")]
            + [len(d.args) for d in schema.directives]
        ),
    }


@cache
def max_introspection_cost(schema: GraphQLSchema) -> int:
    """Return the introspection budget: 1.25 times the cost of the fullest standard query."""
    document = parse(
        get_introspection_query(
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            schema_description=True,
            input_value_deprecation=True,
        )
    )
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return int(INTROSPECTION_BUDGET_FACTOR * introspection_cost(schema, operation, fragments))
