"""Depth and alias limits as validation rules that read each fragment once.

Strawberry's QueryDepthLimiter and MaxAliasesLimiter expand every fragment spread where it
appears, so a chain of fragments that each spread the previous one twice costs 2**n: 30
levels in a 1 KB document never finish. Here a fragment's depth and alias count are worked
out once and remembered, so a check costs one pass over the document, whatever it expands to.
"""

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)


class FragmentMeasure:
    """Folds a number over a document's selections, each fragment's number computed once."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.known: dict[str, int] = {}
        self.in_progress: set[str] = set()  # a cycle is reported by NoFragmentCyclesRule

    def of_selections(self, selection_set: SelectionSetNode | None) -> int:
        raise NotImplementedError

    def of_spread(self, spread: FragmentSpreadNode) -> int:
        name = spread.name.value
        if name in self.known:
            return self.known[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:
            return 0
        self.in_progress.add(name)
        value = self.of_selections(fragment.selection_set)
        self.in_progress.discard(name)
        self.known[name] = value
        return value


class FieldLevels(FragmentMeasure):
    """How many levels of fields a selection set nests (introspection fields do not count)."""

    counts_introspection = False

    def of_selections(self, selection_set: SelectionSetNode | None) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__") and not self.counts_introspection:
                    continue
                levels = 1 + self.of_selections(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                levels = self.of_spread(selection)
            elif isinstance(selection, InlineFragmentNode):
                levels = self.of_selections(selection.selection_set)
            else:
                continue
            deepest = max(deepest, levels)
        return deepest


class AllFieldLevels(FieldLevels):
    """How many levels of fields a selection set nests, introspection fields included."""

    counts_introspection = True


class AliasCount(FragmentMeasure):
    """How many aliased fields a selection set has once its fragments are expanded."""

    def of_selections(self, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                total += self.of_spread(selection)
                continue
            if isinstance(selection, FieldNode) and selection.alias:
                total += 1
            if isinstance(selection, FieldNode | InlineFragmentNode):
                total += self.of_selections(selection.selection_set)
        return total


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def depth_limit_rule(max_depth: int, max_introspection_depth: int) -> type[ValidationRule]:
    """Return a rule refusing an operation with a field nested deeper than `max_depth`
    (the root field is depth 0), or with introspection (`__type { ofType { ofType ...`)
    deeper than `max_introspection_depth`, which GraphiQL's own introspection query needs."""

    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            fragments = _fragments(context.document)
            levels, all_levels = FieldLevels(fragments), AllFieldLevels(fragments)
            for operation in _operations(context.document):
                depth = levels.of_selections(operation.selection_set) - 1
                deepest = all_levels.of_selections(operation.selection_set) - 1
                if deepest > max_introspection_depth:
                    depth, max_depth_of = deepest, max_introspection_depth
                else:
                    max_depth_of = max_depth
                if depth > max_depth_of:
                    name = operation.name.value if operation.name else "anonymous"
                    context.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth_of} "
                            f"(it nests {depth} levels below its root field).",
                            operation,
                            extensions={"code": "QUERY_TOO_DEEP"},
                        )
                    )

    return DepthLimit


def alias_limit_rule(max_aliases: int) -> type[ValidationRule]:
    """Return a rule refusing a document with more than `max_aliases` aliased fields."""

    class AliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            count = AliasCount(_fragments(context.document))
            total = sum(count.of_selections(o.selection_set) for o in _operations(context.document))
            if total > max_aliases:
                context.report_error(
                    GraphQLError(
                        f"{total} aliases found. Allowed: {max_aliases}",
                        extensions={"code": "QUERY_TOO_LARGE"},
                    )
                )

    return AliasLimit


def limit_rules(*, max_depth: int, max_introspection_depth: int, max_aliases: int) -> list[Any]:
    """Return the depth and alias rules, built once per process."""
    return [
        depth_limit_rule(max_depth, max_introspection_depth),
        alias_limit_rule(max_aliases),
    ]
