"""Schema extensions: masking of unexpected errors (with a request id), and query stats."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    StringValueNode,
    Visitor,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema.schema import validate_document

from resolvers.context import request_id_var
from schema.cost import MAX_COST, query_cost

logger = logging.getLogger("milestone_billing.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """An error raised by our code that is not a deliberate GraphQLError."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Replace unexpected exceptions by "Unexpected error." and log them in full."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = request_id_var.get()
        logger.error(
            "unexpected error in %s (request %s)",
            ".".join(str(p) for p in error.path or ()),
            request_id,
            exc_info=error.original_error,
        )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL", "requestId": request_id}
        return masked


class QueryStats(SchemaExtension):
    """With EXPOSE_QUERY_STATS, report the SQL statements and time a request took."""

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        if not getattr(context, "extra", {}).get("expose_stats") or context.statements is None:
            return {}
        started = context.extra.get("started") or time.perf_counter()
        return {
            "stats": {
                "sqlStatements": context.statements.count,
                "durationMs": round((time.perf_counter() - started) * 1000, 3),
            }
        }


class CostLimit(SchemaExtension):
    """Refuse, before anything runs, an operation whose static cost is over the limit."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = _operation(document, context.operation_name) if document else None
        if operation is not None and document is not None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            self.cost = query_cost(context.schema._schema, operation, fragments, context.variables)
            if self.cost > MAX_COST:
                context.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"Query cost {self.cost} is over the limit of {MAX_COST}: ask for "
                            "smaller pages (`first`) or fewer nested lists.",
                            extensions={"code": "QUERY_TOO_COSTLY", "cost": self.cost},
                        )
                    ],
                )
        yield

    def get_results(self) -> dict[str, Any]:
        cost = getattr(self, "cost", None)
        return {} if cost is None else {"cost": {"requested": cost, "limit": MAX_COST}}


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


class OperationInfo(SchemaExtension):
    """Tell the request log and metrics which operation ran and whether it had errors."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        info = getattr(context.context, "extra", {}).get("request_info")
        if info is not None:
            info["operation"] = context.operation_name or _single_operation_name(context)
            try:
                info["operation_type"] = context.operation_type.value
            except RuntimeError:
                info["operation_type"] = None
        yield
        result = context.result
        if info is not None and result is not None and getattr(result, "errors", None):
            info["error_kinds"] = sorted(
                {"unexpected" if is_unexpected(e) else "graphql" for e in result.errors or ()}
            )


def _single_operation_name(context: Any) -> str | None:
    document = context.graphql_document
    operation = _operation(document, None) if document else None
    return operation.name.value if operation is not None and operation.name else None


MAX_SELECTIONS = 300
MAX_FRAGMENTS = 50


class BoundedValidation(SchemaExtension):
    """Validate with a cache, after refusing a document with too many selections or fragments.

    graphql-core's validation (overlapping-fields checks) grows quadratically with repeated
    selections and runs on the event loop: a few thousand tokens could stall every request.
    This replaces Strawberry's ValidationCache, which would validate before any check.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            selections, fragments = _count_selections(document)
            if selections > MAX_SELECTIONS or fragments > MAX_FRAGMENTS:
                context.pre_execution_errors = [
                    GraphQLError(
                        f"The document has {selections} selections and {fragments} fragments; "
                        f"at most {MAX_SELECTIONS} and {MAX_FRAGMENTS} are accepted.",
                        extensions={"code": "QUERY_TOO_LARGE"},
                    )
                ]
            else:
                context.pre_execution_errors = _validate(
                    context.schema._schema, document, context.validation_rules
                )
        yield


_VALIDATED: OrderedDict[tuple[int, DocumentNode], list[GraphQLError]] = OrderedDict()
VALIDATION_CACHE_SIZE = 256


def _validate(schema: Any, document: DocumentNode, rules: Any) -> list[GraphQLError]:
    """Return the validation errors of a document, remembered per (schema, document).

    The depth and alias limiters build their rule classes anew for every request, so the
    rules cannot be part of the key; they are the same for every request of a schema.
    """
    key = (id(schema), document)
    errors = _VALIDATED.get(key)
    if errors is None:
        errors = list(validate_document(schema, document, rules))
        _VALIDATED[key] = errors
        if len(_VALIDATED) > VALIDATION_CACHE_SIZE:
            _VALIDATED.popitem(last=False)
    else:
        _VALIDATED.move_to_end(key)
    return errors


def _count_selections(document: DocumentNode) -> tuple[int, int]:
    counter = _SelectionCounter()
    visit(document, counter)
    return counter.selections, counter.fragments


class _SelectionCounter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.selections = 0
        self.fragments = 0

    def enter_field(self, *_args: Any) -> None:
        self.selections += 1

    def enter_fragment_spread(self, *_args: Any) -> None:
        self.selections += 1

    def enter_inline_fragment(self, *_args: Any) -> None:
        self.selections += 1

    def enter_fragment_definition(self, *_args: Any) -> None:
        self.fragments += 1


class RefuseNulCharacters(SchemaExtension):
    """Refuse a NUL character in any string input: PostgreSQL cannot store or compare one."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.result is None and (
            _has_nul(context.variables) or (document is not None and _document_has_nul(document))
        ):
            context.result = GraphQLExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "Strings may not contain the NUL character (\\u0000).",
                        extensions={"code": "INVALID"},
                    )
                ],
            )
        yield


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _document_has_nul(document: DocumentNode) -> bool:
    found = False

    class Finder(Visitor):
        def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
            nonlocal found
            found = found or "\x00" in node.value

    visit(document, Finder())
    return found
