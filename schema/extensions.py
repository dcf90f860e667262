"""Schema extensions: masking of unexpected errors (with a request id), and query stats."""

from __future__ import annotations

import logging
import time
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

from resolvers.context import request_id_var

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
