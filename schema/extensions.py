"""Schema extensions: masked unexpected errors (with a code), checks around execution."""

import logging
import time
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationType,
)
from strawberry.extensions import MaskErrors, SchemaExtension

from db.errors import is_transaction_conflict, is_unavailable, unavailable_message
from resolvers.context import request_id_var
from resolvers.mutations import READ_ONLY_MESSAGE
from schema.cost import MAX_COST, introspection_cost, max_introspection_cost, query_cost
from schema.documents import document_errors, select_operation, unstorable_text
from schema.error_codes import give_codes

logger = logging.getLogger("milestone_billing.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """An error raised by our code that is not a deliberate GraphQLError."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Replace unexpected exceptions by "Unexpected error." and log them in full."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def _process_result(self, result: object) -> None:
        # Strawberry's own asks isinstance() of a runtime-checkable Protocol, which inspects
        # the result's attributes: about 3% of a trivial request's CPU. Same test, directly.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]
            give_codes(result.errors)  # type: ignore[attr-defined]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = request_id_var.get()
        where = ".".join(str(p) for p in error.path or ())
        masked = super().anonymise_error(error)
        original = error.original_error
        if is_unavailable(original):  # expected now and then: no traceback
            logger.warning(
                "database unavailable in %s (request %s): %r", where, request_id, original
            )
            masked.message = unavailable_message(original)
            masked.extensions = {"code": "SERVICE_UNAVAILABLE", "requestId": request_id}
        elif is_transaction_conflict(original):  # retried once already; sending again is safe
            logger.warning("transaction conflict in %s (request %s)", where, request_id)
            masked.extensions = {"code": "TRANSACTION_CONFLICT", "requestId": request_id}
        else:
            logger.error(
                "unexpected error in %s (request %s)",
                where,
                request_id,
                exc_info=original,
            )
            masked.extensions = {"code": "INTERNAL", "requestId": request_id}
        return masked


class AroundExecution(SchemaExtension):
    """Everything done around executing an operation, in this order:

    - name the operation (and later its kinds of errors) for the request log and metrics;
    - validate the document, once (schema.documents bounds what that may cost);
    - refuse a document of several operations without `operationName` (GraphQL over HTTP:
      never guess which one was meant), or one naming an operation it does not have;
    - refuse a mutation sent with a read-only key, before its variables are coerced (work
      proportional to them, wasted on a refusal);
    - refuse NUL characters and lone surrogates in the variables: neither can be stored or
      sent back as UTF-8 (in the document's own literals, validation and the parser refuse
      them);
    - refuse, before anything runs, an operation whose static cost is over the limit;
    - report the cost, and with EXPOSE_QUERY_STATS the SQL statements and time, in
      `extensions`.

    The refusals are pre-execution errors, so they hold over HTTP and the WebSocket alike.
    One extension, not four: Strawberry builds and enters hooks for every extension on every
    request, and under load that machinery was about 15% of the server's time for payments.
    """

    cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        # Validation, then the refusals, before anything runs and on every transport: a
        # refusal here is a pre-execution error, which HTTP answers like any other and a
        # graphql-transport-ws subscription as an `error` message (a result set in
        # on_execute would be ignored by Strawberry's subscription path, which always runs).
        # Validated once per document here: Strawberry's ValidationCache would validate
        # before any check, and schema.documents bounds what validation may cost.
        context = self.execution_context
        info = _request_info(context)
        if info is not None:
            _name_operation(context, info)
        if context.graphql_document is not None:
            context.pre_execution_errors = document_errors(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
            refusal = None if context.pre_execution_errors else self._refusal(context)
            if refusal is not None:
                context.pre_execution_errors = list(refusal.errors or ())
                if info is not None:
                    info["error_kinds"] = ["graphql"]
        yield

    def _refusal(self, context: Any) -> GraphQLExecutionResult | None:
        """Return the refusal of an operation that may not run, None when it may."""
        refusal = _operation_refusal(context) or _read_only_refusal(context)
        if refusal is not None:
            return refusal
        unstorable = unstorable_text(context.variables)
        if unstorable is not None:
            return _refusal(
                f"Variable {unstorable} holds a NUL character (\\u0000) or a lone surrogate "
                "(\\ud800-\\udfff): text must be valid Unicode without NUL.",
                {"code": "INVALID", "field": unstorable},
            )
        self.cost, introspection = _cost(context) or (None, 0)
        introspection_limit = max_introspection_cost(context.schema._schema)
        if self.cost is not None and self.cost > MAX_COST:
            return _refusal(
                f"Query cost {self.cost} is over the limit of {MAX_COST}: ask for smaller "
                "pages (`first`) or fewer nested lists.",
                {"code": "QUERY_TOO_COSTLY", "cost": self.cost},
            )
        if introspection > introspection_limit:
            return _refusal(
                f"Introspection cost {introspection} is over the limit of "
                f"{introspection_limit}: ask for the schema once per request.",
                {"code": "QUERY_TOO_COSTLY", "cost": introspection},
            )
        return None

    def on_execute(self) -> Iterator[None]:
        yield
        context = self.execution_context
        info = _request_info(context)
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


def _request_info(context: Any) -> dict[str, Any] | None:
    """Return the HTTP request's log and metrics entry (None over the WebSocket)."""
    info: dict[str, Any] | None = getattr(context.context, "extra", {}).get("request_info")
    return info


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


def _cost(context: Any) -> tuple[int, int] | None:
    """Return the static costs (data, introspection) of the operation to run, None when there
    is none to run."""
    document = context.graphql_document
    operation = select_operation(document, context.operation_name) if document else None
    if operation is None or document is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    schema = context.schema._schema
    return (
        query_cost(schema, operation, fragments, context.variables),
        introspection_cost(schema, operation, fragments),
    )


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


def _read_only_refusal(context: Any) -> GraphQLExecutionResult | None:
    """Return FORBIDDEN for each root field of a mutation sent with a read-only key."""
    caller = getattr(context.context, "caller", None)
    if caller is None or caller.can_write:
        return None
    document = context.graphql_document
    operation = select_operation(document, context._provided_operation_name) if document else None
    if operation is None or operation.operation != OperationType.MUTATION:
        return None
    keys = [
        (s.alias or s.name).value
        for s in operation.selection_set.selections
        if isinstance(s, FieldNode)
    ]
    forbidden = {"code": "FORBIDDEN"}
    errors = [GraphQLError(READ_ONLY_MESSAGE, extensions=forbidden, path=[k]) for k in keys]
    return GraphQLExecutionResult(
        data=None, errors=errors or [GraphQLError(READ_ONLY_MESSAGE, extensions=forbidden)]
    )


def _refusal(message: str, extensions: dict[str, Any]) -> GraphQLExecutionResult:
    return GraphQLExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])
