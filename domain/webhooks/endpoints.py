"""Webhook endpoints: a URL, the event types it wants, and the secret its deliveries are
signed with (shown once, when made or rotated)."""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.statements import lock_in_session
from db.tables import WebhookDelivery, WebhookEndpoint
from db.tables.columns import WHE
from domain.context import Caller
from domain.errors import DomainError, ErrorCode
from domain.events.types import EVENT_TYPES
from domain.ids import new_id
from domain.lookup import get_owned
from domain.validation import clean_text
from domain.webhooks.addresses import check_url, resolve
from domain.webhooks.queue import forget_endpoint

SECRET_BYTES = 24
# Endpoints an account may have. `webhookEndpoints` is a plain list: the query cost counts it
# as this many (schema/cost.py), so a query listing every endpoint's deliveries is bounded.
MAX_ENDPOINTS = 20


def private_allowed() -> bool:
    """WEBHOOK_ALLOW_PRIVATE=1 lets webhooks reach private and loopback addresses (tests)."""
    return os.environ.get("WEBHOOK_ALLOW_PRIVATE", "").strip() in ("1", "true", "yes")


def new_secret() -> str:
    """Return a Standard Webhooks secret: `whsec_` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def event_types_of(endpoint: WebhookEndpoint) -> list[str]:
    return list(json.loads(endpoint.event_types))


async def checked_url(url: str) -> str:
    """Return the URL once it and every address its name resolves to pass the checks."""
    allow = private_allowed()
    target = check_url(url, allow_private=allow)
    await resolve(target, allow_private=allow)
    return target.url


def checked_types(event_types: Sequence[str]) -> str:
    for index, name in enumerate(event_types):
        if name not in EVENT_TYPES:
            raise DomainError(
                ErrorCode.INVALID, ["eventTypes", str(index)], f"Unknown event type {name!r}."
            )
    return json.dumps(sorted(set(event_types)))


async def create_endpoint(
    *,
    session: AsyncSession,
    caller: Caller,
    url: str,
    event_types: Sequence[str],
    description: str | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Return the new endpoint and its secret (the only time the secret is shown)."""
    await _check_room_for_one_more(session, caller)
    endpoint = WebhookEndpoint(
        account_id=caller.account_id,
        id=new_id("whe"),
        url=await checked_url(url),
        description=clean_text(description, field="description", max_length=500, required=False),
        event_types=checked_types(event_types),
        secret=new_secret(),
        created_at=caller.clock.now(),
    )
    session.add(endpoint)
    await session.flush()
    return endpoint, endpoint.secret


async def _check_room_for_one_more(session: AsyncSession, caller: Caller) -> None:
    """Refuse a new endpoint past MAX_ENDPOINTS; concurrent creates of one account take turns
    (PostgreSQL: an advisory lock; SQLite's writer already holds the database)."""
    await lock_in_session(session, f"webhook-endpoints:{caller.account_id}")
    count = await session.scalar(
        select(func.count()).select_from(WebhookEndpoint).where(WHE.account_id == caller.account_id)
    )
    if (count or 0) >= MAX_ENDPOINTS:
        raise DomainError(
            ErrorCode.INVALID,
            "url",
            f"An account may have at most {MAX_ENDPOINTS} webhook endpoints; delete one first.",
        )


async def get_endpoint(
    *, session: AsyncSession, caller: Caller, endpoint_id: str, field: str = "endpointId"
) -> WebhookEndpoint:
    """Return the caller's endpoint, or raise NOT_FOUND."""
    return await get_owned(
        WebhookEndpoint,
        session=session,
        caller=caller,
        id_=endpoint_id,
        field=field,
        noun="webhook endpoint",
        lock=True,
    )


async def update_endpoint(
    *,
    session: AsyncSession,
    caller: Caller,
    endpoint_id: str,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    """Return the endpoint with the given fields changed; enabling it clears its failures."""
    endpoint = await get_endpoint(session=session, caller=caller, endpoint_id=endpoint_id)
    if url is not None:
        endpoint.url = await checked_url(url)
    if event_types is not None:
        endpoint.event_types = checked_types(event_types)
    if description is not None:
        endpoint.description = clean_text(
            description, field="description", max_length=500, required=False
        )
    if enabled is not None:
        endpoint.enabled = enabled
        endpoint.failing_since = None
    await session.flush()
    return endpoint


async def rotate_secret(
    *, session: AsyncSession, caller: Caller, endpoint_id: str
) -> tuple[WebhookEndpoint, str]:
    """Return the endpoint and its new secret; deliveries from now on are signed with it."""
    endpoint = await get_endpoint(session=session, caller=caller, endpoint_id=endpoint_id)
    endpoint.secret = new_secret()
    await session.flush()
    return endpoint, endpoint.secret


async def delete_endpoint(*, session: AsyncSession, caller: Caller, endpoint_id: str) -> str:
    """Return the id of the deleted endpoint; its deliveries and their attempts go with it."""
    endpoint = await get_endpoint(session=session, caller=caller, endpoint_id=endpoint_id)
    await forget_endpoint(session=session, caller=caller, endpoint_id=endpoint.id)
    await session.delete(endpoint)
    await session.flush()
    return endpoint.id


async def retry_delivery(*, session: AsyncSession, caller: Caller, delivery_id: str) -> str:
    """Return the delivery's id, due again now (a FAILED one gets one more attempt)."""
    delivery = await get_owned(
        WebhookDelivery,
        session=session,
        caller=caller,
        id_=delivery_id,
        field="deliveryId",
        noun="webhook delivery",
        lock=True,
    )
    delivery.status = "PENDING"
    delivery.next_attempt_at = caller.clock.now()
    await session.flush()
    return delivery.id
