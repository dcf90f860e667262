"""Assembles the GraphQL schema."""

from functools import cache
from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
)
from strawberry.schema.config import StrawberryConfig

from schema.extensions import (
    AroundExecution,
    MaskUnexpectedErrors,
)
from schema.fastpath import FastQueries
from schema.limits import limit_rules
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALAR_MAP
from schema.subscription import Subscription
from schema.types.clients import Client
from schema.types.invoices import Invoice, InvoiceLine
from schema.types.payments import Allocation, Payment
from schema.types.projects import Milestone, Project
from schema.types.schedules import InvoiceSchedule, InvoiceScheduleItem

MAX_DEPTH = 10
# Introspection nests deeper than data: the standard query's TypeRef is nine `ofType` deep
# below __schema.types.fields.args.type (14 levels).
MAX_INTROSPECTION_DEPTH = 15
MAX_ALIASES = 30
MAX_TOKENS = 4000
# Query texts whose parsed documents are kept; the query lane (server/lane_documents.py) reads
# the same cache, so a text is parsed and validated once whichever path answers it.
PARSER_CACHE_SIZE = 256

# Depth and alias rules that read each fragment once (Strawberry's limiters expand every
# spread, exponential in a chain of fragments); built once, AroundExecution validates a
# document only once anyway.
LIMIT_RULES = limit_rules(
    max_depth=MAX_DEPTH, max_introspection_depth=MAX_INTROSPECTION_DEPTH, max_aliases=MAX_ALIASES
)


class BillingSchema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Log nothing here: refusals are expected, and MaskUnexpectedErrors logs the rest."""


@cache
def build_schema() -> strawberry.Schema:
    """Return the schema with its extensions (built once per process)."""
    return BillingSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            Project,
            Milestone,
            Invoice,
            InvoiceLine,
            InvoiceSchedule,
            InvoiceScheduleItem,
            Payment,
            Allocation,
            Client,
        ],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        extensions=[
            AroundExecution,
            MaskUnexpectedErrors,
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: AddValidationRules(LIMIT_RULES),
            FastQueries,
            lambda: ParserCache(maxsize=PARSER_CACHE_SIZE),
        ],
    )
