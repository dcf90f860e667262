"""Read-only queries answered by the level-batched executor (schema/fast_executor.py).

The executor answers a query exactly as graphql-core would, or raises and steps aside: then
the plain path answers, and nothing the fast path did is seen. Tests prove both give the same
bytes, on fixed documents, on the bench's shape suite and on documents generated from the
schema (tests/api/test_fast_path.py, tests/api/test_fast_path_generated.py).
"""

import logging
import os
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    OperationType,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from schema.documents import select_operation
from schema.fast_executor import FastExecutor
from schema.fast_plan import FastQueryPlan
from schema.fast_values import coerce_variables

__all__ = ["FastQueries", "FastQueryPlan"]

_DEBUG = bool(os.environ.get("FAST_PATH_DEBUG"))


class FastQueries(SchemaExtension):
    """Answer read-only queries with the FastExecutor; step aside for anything else."""

    plans: dict[int, FastQueryPlan] = {}

    async def on_execute(self) -> Any:
        context = self.execution_context
        document = context.graphql_document
        if context.result is None and document is not None and _enabled(context.context):
            operation = _query_operation(document, context.operation_name)
            if operation is not None:
                data = await self._answer(document, operation)
                if data is not None:
                    context.result = GraphQLExecutionResult(data=data, errors=None)
        yield

    async def _answer(
        self, document: DocumentNode, operation: OperationDefinitionNode
    ) -> dict[str, Any] | None:
        """Return the query's data, or None when the plain path must answer it."""
        context = self.execution_context
        plan = self._plan(context.schema)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        try:
            variables = coerce_variables(plan, operation, context.variables or {})
            executor = FastExecutor(plan, context.context, operation, fragments, variables)
            return await executor.run()
        except Exception:  # noqa: BLE001 - a read-only query can always run again
            if _DEBUG:
                logging.getLogger(__name__).exception("fast path stepped aside")
            return None

    def _plan(self, schema: Any) -> FastQueryPlan:
        plan = self.plans.get(id(schema))
        if plan is None:
            plan = self.plans[id(schema)] = FastQueryPlan(schema)
        return plan


def _enabled(context: Any) -> bool:
    return bool(getattr(context, "extra", {}).get("fast_queries", True))


def _query_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operation = select_operation(document, name)
    return operation if operation and operation.operation == OperationType.QUERY else None
