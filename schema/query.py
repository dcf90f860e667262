"""The Query root."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import clients as resolve_clients
from resolvers import credit_notes as resolve_credit_notes
from resolvers import events as resolve_events
from resolvers import invoices as resolve_invoices
from resolvers import node as resolve_node
from resolvers import payments as resolve_payments
from resolvers import projects as resolve_projects
from resolvers import schedules as resolve_schedules
from resolvers import webhooks as resolve_webhooks
from schema.query_lists import ListQueries
from schema.types.clients import Client, ClientFilter, ClientOrder
from schema.types.credit_notes import CreditNote, Refund
from schema.types.events import Event
from schema.types.invoices import Invoice
from schema.types.node import Node
from schema.types.pagination import Connection
from schema.types.payments import Payment
from schema.types.projects import Project
from schema.types.schedules import InvoiceSchedule
from schema.types.webhooks import WebhookEndpoint


@strawberry.type
class Query(ListQueries):
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

    @strawberry.field(
        description="The account's events in commit order: poll with `after` = the last "
        "`endCursor` and none is ever missed or reordered."
    )
    async def events(
        self,
        info: Info[Any, Any],
        first: int | None = 20,
        after: str | None = None,
        types: Annotated[
            list[str] | None,
            strawberry.argument(description='Only these event types, e.g. ["invoice.paid"].'),
        ] = None,
        object_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only events about this object.")
        ] = None,
        occurred_after: Annotated[
            datetime | None,
            strawberry.argument(description="Only events that occurred after this time."),
        ] = None,
    ) -> Connection[Event]:
        page = await resolve_events.events_page(
            info,
            first=first,
            after=after,
            types=types,
            object_id=object_id,
            occurred_after=occurred_after,
        )
        return page  # type: ignore[return-value]

    @strawberry.field(description="The account's webhook endpoints in creation order.")
    async def webhook_endpoints(self, info: Info[Any, Any]) -> list[WebhookEndpoint]:
        return await resolve_webhooks.endpoints(info)  # type: ignore[return-value]

    @strawberry.field(description="The caller's credit note with this id; null when unknown.")
    async def credit_note(self, info: Info[Any, Any], id: strawberry.ID) -> CreditNote | None:
        return await resolve_credit_notes.credit_note(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The caller's refund with this id; null when unknown.")
    async def refund(self, info: Info[Any, Any], id: strawberry.ID) -> Refund | None:
        return await resolve_credit_notes.refund(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The caller's client with this id; null when unknown.")
    async def client(self, info: Info[Any, Any], id: strawberry.ID) -> Client | None:
        return await resolve_clients.client(info, id)  # type: ignore[return-value]

    @strawberry.field(
        description="The account's clients; page forward (first, after) or backward (last, before)."
    )
    async def clients(
        self,
        info: Info[Any, Any],
        first: Annotated[
            int | None, strawberry.argument(description="Page size forward, at most 100.")
        ] = None,
        after: Annotated[str | None, strawberry.argument(description="A cursor.")] = None,
        last: Annotated[
            int | None, strawberry.argument(description="Page size backward, at most 100.")
        ] = None,
        before: Annotated[str | None, strawberry.argument(description="A cursor.")] = None,
        filter: Annotated[
            ClientFilter | None, strawberry.argument(description="Which clients to list.")
        ] = None,
        order_by: Annotated[
            ClientOrder, strawberry.argument(description="The order of the list.")
        ] = ClientOrder.CREATED_AT,
    ) -> Connection[Client]:
        page = await resolve_clients.clients_page(
            info,
            first=first,
            after=after,
            last=last,
            before=before,
            search=filter.search if filter else None,
            order=order_by.name,
        )
        return page  # type: ignore[return-value]
