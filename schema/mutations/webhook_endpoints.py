"""createWebhookEndpoint, updateWebhookEndpoint, deleteWebhookEndpoint, rotateWebhookSecret,
retryWebhookDelivery."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from resolvers import webhooks as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY
from schema.types.webhooks import WebhookDelivery, WebhookEndpoint

EVENT_TYPES = strawberry.field(
    default_factory=list, description="Event types to receive, e.g. invoice.paid; [] for all."
)
SECRET = strawberry.field(
    description="The signing secret (whsec_...): shown only in this answer. Keep it."
)


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="https, to a public address (http to loopback with WEBHOOK_ALLOW_PRIVATE=1)."
    )
    event_types: list[str] = EVENT_TYPES
    description: str | None = None
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input
class UpdateWebhookEndpointInput:
    endpoint_id: strawberry.ID
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    enabled: bool | None = strawberry.field(
        default=None, description="true re-enables an endpoint disabled after failures."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input
class DeleteWebhookEndpointInput:
    endpoint_id: strawberry.ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input
class RotateWebhookSecretInput:
    endpoint_id: strawberry.ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input
class RetryWebhookDeliveryInput:
    delivery_id: strawberry.ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type
class CreateWebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None
    secret: str | None = SECRET
    user_errors: list[UserError]


@strawberry.type
class RotateWebhookSecretPayload:
    webhook_endpoint: WebhookEndpoint | None
    secret: str | None = SECRET
    user_errors: list[UserError]


@strawberry.type
class UpdateWebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None
    user_errors: list[UserError]


@strawberry.type
class DeleteWebhookEndpointPayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class RetryWebhookDeliveryPayload:
    delivery: WebhookDelivery | None
    user_errors: list[UserError]


async def create_webhook_endpoint(
    info: Info[Any, Any], input: CreateWebhookEndpointInput
) -> CreateWebhookEndpointPayload:
    outcome = await resolve.create_endpoint(
        info, url=input.url, event_types=input.event_types, description=input.description
    )
    value = outcome.value
    return CreateWebhookEndpointPayload(
        webhook_endpoint=value.endpoint if value else None,  # type: ignore[arg-type]
        secret=value.secret if value else None,
        user_errors=user_errors(outcome.errors),
    )


async def rotate_webhook_secret(
    info: Info[Any, Any], input: RotateWebhookSecretInput
) -> RotateWebhookSecretPayload:
    outcome = await resolve.rotate_secret(info, endpoint_id=input.endpoint_id)
    value = outcome.value
    return RotateWebhookSecretPayload(
        webhook_endpoint=value.endpoint if value else None,  # type: ignore[arg-type]
        secret=value.secret if value else None,
        user_errors=user_errors(outcome.errors),
    )


async def update_webhook_endpoint(
    info: Info[Any, Any], input: UpdateWebhookEndpointInput
) -> UpdateWebhookEndpointPayload:
    outcome = await resolve.update_endpoint(
        info,
        endpoint_id=input.endpoint_id,
        url=input.url,
        event_types=input.event_types,
        description=input.description,
        enabled=input.enabled,
    )
    return UpdateWebhookEndpointPayload(
        webhook_endpoint=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )


async def delete_webhook_endpoint(
    info: Info[Any, Any], input: DeleteWebhookEndpointInput
) -> DeleteWebhookEndpointPayload:
    outcome = await resolve.delete_endpoint(info, endpoint_id=input.endpoint_id)
    return DeleteWebhookEndpointPayload(
        deleted_id=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )


async def retry_webhook_delivery(
    info: Info[Any, Any], input: RetryWebhookDeliveryInput
) -> RetryWebhookDeliveryPayload:
    outcome = await resolve.retry_delivery(info, delivery_id=input.delivery_id)
    return RetryWebhookDeliveryPayload(
        delivery=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
