"""createWebhookEndpoint, updateWebhookEndpoint, deleteWebhookEndpoint, rotateWebhookSecret,
retryWebhookDelivery."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers import webhooks as resolve
from schema.errors import UserError, user_errors
from schema.mutations._shared import IDEMPOTENCY_KEY, INPUT, user_errors_field
from schema.types.webhooks import WebhookDelivery, WebhookEndpoint

EVENT_TYPES = strawberry.field(
    default_factory=list, description="Event types to receive, e.g. invoice.paid; [] for all."
)
SECRET = strawberry.field(
    description="The signing secret (whsec_...): shown only in this answer. Keep it."
)


ENDPOINT_ID = strawberry.field(description="The endpoint's id, `whe_...`.")
DESCRIPTION = strawberry.field(
    default=None, description="A note for people (e.g. which system receives it)."
)
ENDPOINT = strawberry.field(description="The endpoint as it now is; null when refused.")


@strawberry.input(description="A URL to receive the account's events.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="https, to a public address (http to loopback with WEBHOOK_ALLOW_PRIVATE=1)."
    )
    event_types: list[str] = EVENT_TYPES
    description: str | None = DESCRIPTION
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input(description="What to change on an endpoint; fields not given keep their value.")
class UpdateWebhookEndpointInput:
    endpoint_id: strawberry.ID = ENDPOINT_ID
    url: str | None = strawberry.field(
        default=None, description="The new URL, under the same rules as when created."
    )
    event_types: list[str] | None = strawberry.field(
        default=None, description="The new event types to receive; [] for all."
    )
    description: str | None = DESCRIPTION
    enabled: bool | None = strawberry.field(
        default=None, description="true re-enables an endpoint disabled after failures."
    )
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input(description="The endpoint to delete.")
class DeleteWebhookEndpointInput:
    endpoint_id: strawberry.ID = ENDPOINT_ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input(description="The endpoint whose signing secret is replaced.")
class RotateWebhookSecretInput:
    endpoint_id: strawberry.ID = ENDPOINT_ID
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.input(description="The delivery to make due now.")
class RetryWebhookDeliveryInput:
    delivery_id: strawberry.ID = strawberry.field(description="The delivery's id, `whd_...`.")
    idempotency_key: str | None = IDEMPOTENCY_KEY


@strawberry.type(description="The new endpoint and its secret, or why it was refused.")
class CreateWebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = ENDPOINT
    secret: str | None = SECRET
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The endpoint and its new secret, or why it was refused.")
class RotateWebhookSecretPayload:
    webhook_endpoint: WebhookEndpoint | None = ENDPOINT
    secret: str | None = SECRET
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The changed endpoint, or why it was refused.")
class UpdateWebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = ENDPOINT
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The deleted endpoint's id, or why it was refused.")
class DeleteWebhookEndpointPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The id of the endpoint deleted; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="The delivery, due now, or why it was refused.")
class RetryWebhookDeliveryPayload:
    delivery: WebhookDelivery | None = strawberry.field(
        description="The delivery as it now is; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


async def create_webhook_endpoint(
    info: Info[Any, Any], input: Annotated[CreateWebhookEndpointInput, INPUT]
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
    info: Info[Any, Any], input: Annotated[RotateWebhookSecretInput, INPUT]
) -> RotateWebhookSecretPayload:
    outcome = await resolve.rotate_secret(info, endpoint_id=input.endpoint_id)
    value = outcome.value
    return RotateWebhookSecretPayload(
        webhook_endpoint=value.endpoint if value else None,  # type: ignore[arg-type]
        secret=value.secret if value else None,
        user_errors=user_errors(outcome.errors),
    )


async def update_webhook_endpoint(
    info: Info[Any, Any], input: Annotated[UpdateWebhookEndpointInput, INPUT]
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
    info: Info[Any, Any], input: Annotated[DeleteWebhookEndpointInput, INPUT]
) -> DeleteWebhookEndpointPayload:
    outcome = await resolve.delete_endpoint(info, endpoint_id=input.endpoint_id)
    return DeleteWebhookEndpointPayload(
        deleted_id=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )


async def retry_webhook_delivery(
    info: Info[Any, Any], input: Annotated[RetryWebhookDeliveryInput, INPUT]
) -> RetryWebhookDeliveryPayload:
    outcome = await resolve.retry_delivery(info, delivery_id=input.delivery_id)
    return RetryWebhookDeliveryPayload(
        delivery=outcome.value,  # type: ignore[arg-type]
        user_errors=user_errors(outcome.errors),
    )
