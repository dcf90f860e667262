"""Assembles the GraphQL schema."""

from __future__ import annotations

from functools import cache

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from schema.extensions import MaskUnexpectedErrors, QueryStats
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALAR_MAP
from schema.types.invoices import Invoice, InvoiceLine
from schema.types.payments import Allocation, Payment
from schema.types.projects import Milestone, Project
from schema.types.schedules import InvoiceSchedule, InvoiceScheduleItem


@cache
def build_schema() -> strawberry.Schema:
    """Return the schema with its extensions (built once per process)."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[
            Project,
            Milestone,
            Invoice,
            InvoiceLine,
            InvoiceSchedule,
            InvoiceScheduleItem,
            Payment,
            Allocation,
        ],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        extensions=[
            MaskUnexpectedErrors,
            QueryStats,
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )
