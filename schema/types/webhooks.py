"""Webhook endpoints, their deliveries and each delivery's attempts."""

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import webhooks as resolve
from resolvers.webhooks import EndpointView
from schema.types.events import Event
from schema.types.pagination import After, Connection, First


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Not delivered yet; will be tried.")
    SUCCEEDED = strawberry.enum_value("SUCCEEDED", description="The endpoint answered 2xx.")
    FAILED = strawberry.enum_value("FAILED", description="Every attempt failed; retry by hand.")


@strawberry.type(description="One try at a delivery.")
class WebhookAttempt:
    number: int = strawberry.field(description="1 for the first try, then 2, 3, ...")
    attempted_at: datetime = strawberry.field(description="When the request was sent.")
    status_code: int | None = strawberry.field(
        description="The endpoint's HTTP status; null when it did not answer."
    )
    error: str | None = strawberry.field(
        description="Why there was no answer (timeout, refused address, ...)."
    )


@strawberry.type(description="One event on its way to one endpoint (at least once).")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="The delivery's id, `whd_...`.")
    status: WebhookDeliveryStatus = strawberry.field(
        description="PENDING until the endpoint answers 2xx (SUCCEEDED) or the last try fails."
    )
    event: Event = strawberry.field(description="The event this delivery carries.")
    attempt_count: int = strawberry.field(description="How many tries were begun.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next try is due; null unless PENDING."
    )
    created_at: datetime = strawberry.field(
        description="When the delivery was queued (UTC, ISO 8601), with its event's commit."
    )
    attempts: list[WebhookAttempt] = strawberry.field(description="Every try, oldest first.")


@strawberry.type(description="A URL that receives the account's events, signed.")
class WebhookEndpoint:
    id: strawberry.ID = strawberry.field(description="The endpoint's id, `whe_...`.")
    url: str = strawberry.field(
        description="The https URL events are POSTed to, signed per Standard Webhooks."
    )
    description: str | None = strawberry.field(
        description="A note for people (e.g. which system receives it); null if none."
    )
    event_types: list[str] = strawberry.field(description="The types it receives; [] for all.")
    enabled: bool = strawberry.field(
        description="False once it failed for three days; updateWebhookEndpoint turns it on."
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC, ISO 8601).")

    @strawberry.field(description="Its deliveries, oldest first.")
    async def deliveries(
        self,
        root: strawberry.Parent[EndpointView],
        info: Info[Any, Any],
        first: First = 20,
        after: After = None,
        status: Annotated[
            WebhookDeliveryStatus | None,
            strawberry.argument(description="Only deliveries in this status; all when not given."),
        ] = None,
    ) -> Connection[WebhookDelivery]:
        page = await resolve.deliveries_page(
            info,
            endpoint_id=root.id,
            first=first,
            after=after,
            status=None if status is None else status.name,
        )
        return page  # type: ignore[return-value]
