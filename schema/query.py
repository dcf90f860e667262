"""The Query root."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import clients as resolve_clients
from resolvers import credit_notes as resolve_credit_notes
from resolvers import invoices as resolve_invoices
from resolvers import node as resolve_node
from resolvers import payments as resolve_payments
from resolvers import projects as resolve_projects
from resolvers import schedules as resolve_schedules
from schema.query_lists import ListQueries
from schema.query_reports import ReportQueries
from schema.types.clients import Client
from schema.types.credit_notes import CreditNote, Refund
from schema.types.invoices import Invoice
from schema.types.node import Node
from schema.types.payments import Payment
from schema.types.projects import Project
from schema.types.schedules import InvoiceSchedule


@strawberry.type
class Query(ListQueries, ReportQueries):
    @strawberry.field(description="Any object by its id; null when unknown.")
    async def node(self, info: Info[Any, Any], id: strawberry.ID) -> Node | None:
        return await resolve_node.node(info, id)

    @strawberry.field
    async def project(self, info: Info[Any, Any], id: strawberry.ID) -> Project | None:
        return await resolve_projects.project(info, id)  # type: ignore[return-value]

    @strawberry.field
    async def invoice(self, info: Info[Any, Any], id: strawberry.ID) -> Invoice | None:
        return await resolve_invoices.invoice(info, id)  # type: ignore[return-value]

    @strawberry.field
    async def invoice_schedule(
        self, info: Info[Any, Any], id: strawberry.ID
    ) -> InvoiceSchedule | None:
        return await resolve_schedules.schedule(info, id)  # type: ignore[return-value]

    @strawberry.field
    async def payment(self, info: Info[Any, Any], id: strawberry.ID) -> Payment | None:
        return await resolve_payments.payment(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The caller's credit note with this id; null when unknown.")
    async def credit_note(self, info: Info[Any, Any], id: strawberry.ID) -> CreditNote | None:
        return await resolve_credit_notes.credit_note(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The caller's refund with this id; null when unknown.")
    async def refund(self, info: Info[Any, Any], id: strawberry.ID) -> Refund | None:
        return await resolve_credit_notes.refund(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The caller's client with this id; null when unknown.")
    async def client(self, info: Info[Any, Any], id: strawberry.ID) -> Client | None:
        return await resolve_clients.client(info, id)  # type: ignore[return-value]
