"""The Query root."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import events as resolve_events
from resolvers import invoices as resolve_invoices
from resolvers import node as resolve_node
from resolvers import payments as resolve_payments
from resolvers import projects as resolve_projects
from resolvers import schedules as resolve_schedules
from resolvers import webhooks as resolve_webhooks
from schema.types.events import Event
from schema.types.invoices import Invoice
from schema.types.node import Node
from schema.types.pagination import Connection
from schema.types.payments import Payment
from schema.types.projects import Project
from schema.types.schedules import InvoiceSchedule
from schema.types.webhooks import WebhookEndpoint


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its id; null when unknown.")
    async def node(self, info: Info[Any, Any], id: strawberry.ID) -> Node | None:
        return await resolve_node.node(info, id)

    @strawberry.field
    async def project(self, info: Info[Any, Any], id: strawberry.ID) -> Project | None:
        return await resolve_projects.project(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The account's projects in creation order.")
    async def projects(
        self, info: Info[Any, Any], first: int | None = 20, after: str | None = None
    ) -> Connection[Project]:
        page = await resolve_projects.projects_page(info, first=first, after=after)
        return page  # type: ignore[return-value]

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
