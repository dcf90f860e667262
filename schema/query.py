"""The Query root."""

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
from schema.query_reports import ReportQueries
from schema.types.clients import Client
from schema.types.credit_notes import CreditNote, Refund
from schema.types.events import Event
from schema.types.invoices import Invoice
from schema.types.node import Node
from schema.types.pagination import After, Connection, First
from schema.types.payments import Payment
from schema.types.projects import Project
from schema.types.schedules import InvoiceSchedule
from schema.types.webhooks import WebhookEndpoint


def id_of(what: str) -> Any:
    """Return the `id` argument of a lookup, its description naming the id's prefix."""
    return strawberry.argument(description=f"The id of the {what}.")


@strawberry.type(
    description="What can be read: your account's objects by id, and lists of them. Every "
    "object belongs to the account of the API key; another account's id reads as null."
)
class Query(ListQueries, ReportQueries):
    @strawberry.field(description="Any object by its id; null when unknown.")
    async def node(
        self, info: Info[Any, Any], id: Annotated[strawberry.ID, id_of("object, any type")]
    ) -> Node | None:
        return await resolve_node.node(info, id)

    @strawberry.field(description="The project with this id; null when unknown.")
    async def project(
        self, info: Info[Any, Any], id: Annotated[strawberry.ID, id_of("project, `prj_...`")]
    ) -> Project | None:
        return await resolve_projects.project(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The invoice with this id; null when unknown.")
    async def invoice(
        self, info: Info[Any, Any], id: Annotated[strawberry.ID, id_of("invoice, `inv_...`")]
    ) -> Invoice | None:
        return await resolve_invoices.invoice(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The billing plan with this id; null when unknown.")
    async def invoice_schedule(
        self, info: Info[Any, Any], id: Annotated[strawberry.ID, id_of("billing plan, `is_...`")]
    ) -> InvoiceSchedule | None:
        return await resolve_schedules.schedule(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The payment with this id; null when unknown.")
    async def payment(
        self, info: Info[Any, Any], id: Annotated[strawberry.ID, id_of("payment, `pay_...`")]
    ) -> Payment | None:
        return await resolve_payments.payment(info, id)  # type: ignore[return-value]

    @strawberry.field(
        description="The account's events in commit order: poll with `after` = the last "
        "`endCursor` and none is ever missed or reordered."
    )
    async def events(
        self,
        info: Info[Any, Any],
        first: First = 20,
        after: After = None,
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
    async def credit_note(
        self, info: Info[Any, Any], id: Annotated[strawberry.ID, id_of("credit note, `cn_...`")]
    ) -> CreditNote | None:
        return await resolve_credit_notes.credit_note(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The caller's refund with this id; null when unknown.")
    async def refund(
        self, info: Info[Any, Any], id: Annotated[strawberry.ID, id_of("refund, `ref_...`")]
    ) -> Refund | None:
        return await resolve_credit_notes.refund(info, id)  # type: ignore[return-value]

    @strawberry.field(description="The caller's client with this id; null when unknown.")
    async def client(
        self, info: Info[Any, Any], id: Annotated[strawberry.ID, id_of("client, `cli_...`")]
    ) -> Client | None:
        return await resolve_clients.client(info, id)  # type: ignore[return-value]
