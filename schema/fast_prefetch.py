"""The tree of batched selects a query will run, known before it runs (PostgreSQL only).

A lookup by id (`payment(id:)`, `project(id:)`, `node(id:)`, ...) and the relations below it
that a plain batched select answers (a payment's allocations, their invoices, an invoice's
lines, a project's first page of invoices, ...) are read from the document and its variables,
and db/queries/prefetch.py fetches them all in one statement before the executor starts. The
loaders then find their rows there; any relation not listed here runs its own statement as
before, so a tree that is only partly known still saves what it can.

Only below lookups: below a list's page (the deep graph's eleven projects and their thousands
of rows) the one statement cost PostgreSQL more CPU than the level-by-level ones it saved
(its rows built into arrays of records: 40 against 22 ms for the deep graph), so a list's
relations run level by level as before.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.execution.values import get_argument_values

from db.engine import ON_CITUS, read_connection
from db.queries import balances, invoices, payments, projects
from db.queries.prefetch import Level, prefetch
from db.queries.prefetched_rows import PREFETCHED
from db.queries.rows import PreparedSelect
from domain.ids import prefix_of
from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from resolvers.projects import balance_parts

if TYPE_CHECKING:
    from contextvars import Token

    from schema.fast_executor import FastExecutor

# Deeper or wider trees are not worth one statement's planning: they are rare, and the levels
# past these run as before.
MAX_LEVELS = 12

# Root lookups by id: the GraphQL type and the select its loader runs.
_BY_PREFIX: dict[str, tuple[str, PreparedSelect]] = {
    "prj": ("Project", projects._PROJECTS_BY_IDS),
    "ms": ("Milestone", projects._MILESTONES_BY_IDS),
    "inv": ("Invoice", invoices._INVOICES_BY_IDS),
    "lin": ("InvoiceLine", invoices._LINES_BY_IDS),
    "pay": ("Payment", payments._PAYMENTS_BY_ID),
}
_ROOTS = {"project": "prj", "invoice": "inv", "payment": "pay"}


@dataclass(frozen=True)
class _Edge:
    """A relation its loader answers with one select keyed by `parent_column` of the parent."""

    select: PreparedSelect
    parent_column: str
    child_type: str


_EDGES: dict[tuple[str, str], _Edge] = {
    ("Project", "milestones"): _Edge(projects._MILESTONES_BY_PROJECT, "id", "Milestone"),
    ("Milestone", "project"): _Edge(projects._PROJECTS_BY_IDS, "project_id", "Project"),
    ("Milestone", "invoices"): _Edge(invoices._INVOICES_BY_MILESTONE, "id", "Invoice"),
    ("Invoice", "lines"): _Edge(invoices._LINES_BY_INVOICE, "id", "InvoiceLine"),
    ("Invoice", "project"): _Edge(projects._PROJECTS_BY_IDS, "project_id", "Project"),
    ("Invoice", "allocations"): _Edge(payments._ALLOCATIONS_BY_INVOICE, "id", "Allocation"),
    ("InvoiceLine", "milestone"): _Edge(projects._MILESTONES_BY_IDS, "milestone_id", "Milestone"),
    ("Payment", "allocations"): _Edge(payments._ALLOCATIONS_BY_PAYMENT, "id", "Allocation"),
    ("Allocation", "invoice"): _Edge(invoices._INVOICES_BY_IDS, "invoice_id", "Invoice"),
}


# The fields below which the planner finds a select to add to a lookup's.
_NESTING_NAMES = frozenset({name for _, name in _EDGES} | {"invoices", "balance"})
# Per operation (by identity: the lane keeps each document's AST), whether it selects any of
# them below its root fields; bounded, as the plain path parses every request anew.
_MAY_NEST: dict[int, tuple[OperationDefinitionNode, bool]] = {}
_MAY_NEST_SIZE = 1024


def _may_nest(executor: "FastExecutor") -> bool:
    """Whether the operation selects a relation the planner could add below a root field
    (directives and type conditions aside: when it selects none, no plan has two levels)."""
    operation = executor.operation
    known = _MAY_NEST.get(id(operation))
    if known is not None and known[0] is operation:
        return known[1]
    names: set[str] = set()
    seen: set[str] = set()
    pending = [
        selection.selection_set
        for selection in operation.selection_set.selections
        if isinstance(selection, FieldNode) and selection.selection_set is not None
    ]
    pending += _fragment_sets(operation.selection_set, executor, seen)
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            inner = getattr(selection, "selection_set", None)  # a field's, an inline fragment's
            if inner is not None:
                pending.append(inner)
        pending += _fragment_sets(selection_set, executor, seen)
    if len(_MAY_NEST) >= _MAY_NEST_SIZE:
        _MAY_NEST.clear()
    nests = not names.isdisjoint(_NESTING_NAMES)
    _MAY_NEST[id(operation)] = (operation, nests)
    return nests


def _fragment_sets(
    selection_set: SelectionSetNode, executor: "FastExecutor", seen: set[str]
) -> list[SelectionSetNode]:
    """Return the selection sets of the named fragments spread in `selection_set`, once each."""
    found = []
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = executor.fragments.get(selection.name.value)
            if fragment is not None:
                found.append(fragment.selection_set)
    return found


class _Planner:
    def __init__(self, executor: "FastExecutor") -> None:
        self.executor = executor
        self.schema = executor.plan.graphql_schema
        self.levels: list[Level] = []
        self.root_keys: dict[int, list[str]] = {}

    def level(self, level: Level) -> int | None:
        """Return the index of the level (an equal one is shared), None past MAX_LEVELS."""
        if level in self.levels:
            return self.levels.index(level)
        if len(self.levels) >= MAX_LEVELS:
            return None
        self.levels.append(level)
        return len(self.levels) - 1

    def attach(
        self,
        select: PreparedSelect,
        parent: int,
        column: str,
        parameters: tuple[tuple[str, Any], ...] = (),
    ) -> int | None:
        """Return the level of `select` keyed by `column` of the rows of level `parent`."""
        return self.level(Level(select, parent, column, parameters))

    def roots(self) -> None:
        """Plan the lookups by id among the query's root fields, and what is below them."""
        query = self.schema.query_type
        assert query is not None
        fields = self.executor.collect(query, [self.executor.operation.selection_set])
        for nodes in fields.values():
            name = nodes[0].name.value
            if name != "node" and name not in _ROOTS:
                continue
            key = self.arguments(query, nodes[0]).get("id")
            if not isinstance(key, str):
                continue
            found = _BY_PREFIX.get(prefix_of(key) if name == "node" else _ROOTS[name])
            if found is None:
                continue
            type_name, root_select = found
            index = self.level(Level(root_select))
            if index is not None:
                self.root_keys.setdefault(index, []).append(key)
                self.below(type_name, index, _selections(nodes))

    def below(self, type_name: str, parent: int, selections: list[SelectionSetNode]) -> None:
        """Plan the relations selected on the objects of level `parent` (of `type_name`)."""
        object_type = self.schema.get_type(type_name)
        if not isinstance(object_type, GraphQLObjectType) or not selections:
            return
        for nodes in self.executor.collect(object_type, selections).values():
            name = nodes[0].name.value
            if (type_name, name) == ("Project", "invoices"):
                self.invoice_page(object_type, parent, nodes)
            elif (type_name, name) == ("Project", "balance") and not nodes[0].arguments:
                field_type = object_type.fields[name].type
                parts = balance_parts(self.executor.selected_names(field_type, _selections(nodes)))
                today = (("today", self.executor.context.loaders.today),)
                self.attach(balances._balances(parts), parent, "id", today)
            elif (edge := _EDGES.get((type_name, name))) and not nodes[0].arguments:
                index = self.attach(edge.select, parent, edge.parent_column)
                if index is not None:
                    self.below(edge.child_type, index, _selections(nodes))

    def invoice_page(
        self, project_type: GraphQLObjectType, parent: int, nodes: list[FieldNode]
    ) -> None:
        """A project's first page of invoices (and its count), as resolvers/invoices.py asks."""
        arguments = self.arguments(project_type, nodes[0])
        first = arguments.get("first", DEFAULT_PAGE_SIZE)
        if any(arguments.get(name) is not None for name in ("after", "last", "before")):
            return
        if not isinstance(first, int) or not 0 <= first <= MAX_PAGE_SIZE:
            return
        status = arguments.get("status")
        by_status = status is not None
        own: tuple[tuple[str, Any], ...] = (("status", str(status)),) if by_status else ()
        connection = self.schema.get_type("InvoiceConnection")
        assert isinstance(connection, GraphQLObjectType)
        fields = self.executor.collect(connection, _selections(nodes))
        page = invoices._invoice_pages(by_status, False)
        index = self.attach(page, parent, "id", (("limit", first + 1), *own))
        if index is not None:
            self.below("Invoice", index, _node_selections(self, fields))
        if "totalCount" in {field[0].name.value for field in fields.values()}:
            self.attach(invoices._invoice_counts(by_status), parent, "id", own)

    def arguments(self, parent_type: GraphQLObjectType, node: FieldNode) -> dict[str, Any]:
        field = parent_type.fields[node.name.value]
        return get_argument_values(field, node, self.executor.variables)


def _selections(nodes: Sequence[FieldNode]) -> list[SelectionSetNode]:
    return [node.selection_set for node in nodes if node.selection_set is not None]


def _node_selections(planner: _Planner, fields: dict[str, list[FieldNode]]) -> list[Any]:
    """Return the selections on a connection's nodes, from `nodes` and `edges { node }`."""
    selections = []
    for nodes in fields.values():
        name = nodes[0].name.value
        if name == "nodes":
            selections += _selections(nodes)
        elif name == "edges":
            edge_type = planner.schema.get_type("InvoiceEdge")
            assert isinstance(edge_type, GraphQLObjectType)
            for edge_nodes in planner.executor.collect(edge_type, _selections(nodes)).values():
                if edge_nodes[0].name.value == "node":
                    selections += _selections(edge_nodes)
    return selections


async def prefetch_lookups(executor: "FastExecutor") -> "Token[Any] | None":
    """Fetch, in one statement, the query's lookups by id and the selects below them, and
    serve them to the loaders; return the token that ends it, or None when fewer than two
    selects are known (nothing to save)."""
    loaders = executor.context.loaders
    if loaders.engine.dialect.name != "postgresql":
        return None  # SQLite's statements are calls in this process, not round trips
    if not _may_nest(executor):
        return None
    planner = _Planner(executor)
    planner.roots()
    if len(planner.levels) < 2:
        return None
    async with read_connection(loaders.engine) as connection:
        if connection.info.get(ON_CITUS):
            return None  # its coordinator plans this statement across every shard
        fetched = await prefetch(
            connection,
            account_id=loaders.account_id,
            levels=planner.levels,
            root_keys=planner.root_keys,
        )
    return PREFETCHED.set(fetched)
