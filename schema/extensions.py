"""Schema extensions: masked unexpected errors, checks around execution, bounded validation."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
)
from strawberry.extensions import MaskErrors, SchemaExtension

from db.errors import is_transaction_conflict, is_unavailable
from resolvers.context import request_id_var
from schema.cost import MAX_COST, query_cost
from schema.documents import document_errors, select_operation, unstorable_text

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
        original = error.original_error
        code = (
            "SERVICE_UNAVAILABLE"
            if is_unavailable(original)
            else "TRANSACTION_CONFLICT"  # retried once already; sending it again is safe
            if is_transaction_conflict(original)
            else "INTERNAL"
        )
        masked.extensions = {"code": code, "requestId": request_id}
        return masked


class AroundExecution(SchemaExtension):
    """Everything done around executing an operation, in this order:

    - name the operation (and later its kinds of errors) for the request log and metrics;
    - refuse a document of several operations without `operationName` (GraphQL over HTTP:
      never guess which one was meant), or one naming an operation it does not have;
    - refuse NUL characters and lone surrogates in the variables: neither can be stored or
      sent back as UTF-8 (in the document's own literals, validation and the parser refuse
      them);
    - refuse, before anything runs, an operation whose static cost is over the limit;
    - report the cost, and with EXPOSE_QUERY_STATS the SQL statements and time, in
      `extensions`.

    One extension, not four: Strawberry builds and enters hooks for every extension on every
    request, and under load that machinery was about 15% of the server's time for payments.
    """

    cost: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        info = getattr(context.context, "extra", {}).get("request_info")
        if info is not None:
            _name_operation(context, info)
        if context.result is None:
            context.result = _operation_refusal(context)
        unstorable = unstorable_text(context.variables) if context.result is None else None
        if unstorable is not None:
            context.result = _refusal(
                f"Variable {unstorable} holds a NUL character (\\u0000) or a lone surrogate "
                "(\\ud800-\\udfff): text must be valid Unicode without NUL.",
                {"code": "INVALID", "field": unstorable},
            )
        if context.result is None:
            self.cost = _cost(context)
            if self.cost is not None and self.cost > MAX_COST:
                context.result = _refusal(
                    f"Query cost {self.cost} is over the limit of {MAX_COST}: ask for smaller "
                    "pages (`first`) or fewer nested lists.",
                    {"code": "QUERY_TOO_COSTLY", "cost": self.cost},
                )
        yield
        result = context.result
        if info is not None and result is not None and getattr(result, "errors", None):
            info["error_kinds"] = sorted(
                {"unexpected" if is_unexpected(e) else "graphql" for e in result.errors or ()}
            )

    def get_results(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        if self.cost is not None:
            results["cost"] = {"requested": self.cost, "limit": MAX_COST}
        context = self.execution_context.context
        if getattr(context, "extra", {}).get("expose_stats") and context.statements is not None:
            started = context.extra.get("started") or time.perf_counter()
            results["stats"] = {
                "sqlStatements": context.statements.count,
                "durationMs": round((time.perf_counter() - started) * 1000, 3),
            }
        return results


def _name_operation(context: Any, info: dict[str, Any]) -> None:
    info["operation"] = context.operation_name or _single_operation_name(context)
    try:
        info["operation_type"] = context.operation_type.value
    except RuntimeError:
        info["operation_type"] = None


def _single_operation_name(context: Any) -> str | None:
    document = context.graphql_document
    operation = select_operation(document, None) if document else None
    return operation.name.value if operation is not None and operation.name else None


def _cost(context: Any) -> int | None:
    """Return the static cost of the operation to run, None when there is none to run."""
    document = context.graphql_document
    operation = select_operation(document, context.operation_name) if document else None
    if operation is None or document is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return query_cost(context.schema._schema, operation, fragments, context.variables)


def _operation_refusal(context: Any) -> GraphQLExecutionResult | None:
    """Return the refusal of a request that does not say which one operation to run."""
    document = context.graphql_document
    # Strawberry's `operation_name` falls back to the first operation's: read what was sent.
    name = context._provided_operation_name
    if document is None or select_operation(document, name) is not None:
        return None
    if name is None:
        message = "The document has several operations: say which to run in `operationName`."
    else:
        message = f"The document has no operation named {name!r}."
    return _refusal(message, {"code": "BAD_REQUEST"})


def _refusal(message: str, extensions: dict[str, Any]) -> GraphQLExecutionResult:
    return GraphQLExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])


class BoundedValidation(SchemaExtension):
    """Refuse a document too large or with a NUL literal, else validate it; once per document.

    Replaces Strawberry's ValidationCache, which would validate before any check.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            context.pre_execution_errors = document_errors(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
        yield
