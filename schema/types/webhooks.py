"""Webhook endpoints, their deliveries and each delivery's attempts."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import webhooks as resolve
from resolvers.webhooks import EndpointView
from schema.types.events import Event
from schema.types.pagination import Connection


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
    id: strawberry.ID = strawberry.field(description="whd_...")
    status: WebhookDeliveryStatus
    event: Event
    attempt_count: int = strawberry.field(description="How many tries were begun.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next try is due; null unless PENDING."
    )
    created_at: datetime
    attempts: list[WebhookAttempt] = strawberry.field(description="Every try, oldest first.")


@strawberry.type(description="A URL that receives the account's events, signed.")
class WebhookEndpoint:
    id: strawberry.ID = strawberry.field(description="whe_...")
    url: str
    description: str | None
    event_types: list[str] = strawberry.field(description="The types it receives; [] for all.")
    enabled: bool = strawberry.field(
        description="False once it failed for three days; updateWebhookEndpoint turns it on."
    )
    created_at: datetime

    @strawberry.field(description="Its deliveries, oldest first.")
    async def deliveries(
        self,
        root: strawberry.Parent[EndpointView],
        info: Info[Any, Any],
        first: int | None = 20,
        after: str | None = None,
        status: WebhookDeliveryStatus | None = None,
    ) -> Connection[WebhookDelivery]:
        page = await resolve.deliveries_page(
            info,
            endpoint_id=root.id,
            first=first,
            after=after,
            status=None if status is None else status.name,
        )
        return page  # type: ignore[return-value]
