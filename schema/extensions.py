"""Schema extensions: masking of unexpected errors (with a request id), and query stats."""

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

from resolvers.context import request_id_var
from schema.cost import MAX_COST, query_cost
from schema.documents import NUL_MESSAGE, document_errors, has_nul, select_operation

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
        operation = select_operation(document, context.operation_name) if document else None
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
    operation = select_operation(document, None) if document else None
    return operation.name.value if operation is not None and operation.name else None


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


class RefuseNulCharacters(SchemaExtension):
    """Refuse a NUL character in the variables: PostgreSQL cannot store or compare one.

    (A NUL in the document's own literals is refused with its validation.)
    """

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.result is None and has_nul(context.variables):
            context.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(NUL_MESSAGE, extensions={"code": "INVALID"})]
            )
        yield
