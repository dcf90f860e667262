"""Webhook endpoints and deliveries: the mutations' frames and the reads behind the types."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from strawberry.types import Info

from db.engine import read_connection
from db.queries import webhook_reads as queries
from domain.webhooks import endpoints as service
from resolvers.context import context_of
from resolvers.events import EventView
from resolvers.mutations import Outcome, run_write
from resolvers.pagination import Page, decode_cursor, make_page, page_size


@dataclass(frozen=True, slots=True)
class EndpointView:
    id: str
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> EndpointView:
        types = json.loads(row.event_types)
        return cls(row.id, row.url, row.description, types, row.enabled, row.created_at)


@dataclass(frozen=True, slots=True)
class AttemptView:
    number: int
    attempted_at: datetime
    status_code: int | None
    error: str | None


@dataclass(slots=True)
class DeliveryView:
    id: str
    status: str
    attempt_count: int
    next_attempt_at: datetime | None
    created_at: datetime
    event: EventView
    attempts: list[AttemptView] = field(default_factory=list)


@dataclass(frozen=True)
class EndpointWithSecret:
    endpoint: EndpointView | None
    secret: str | None


async def endpoints(info: Info[Any, Any], ids: Sequence[str] | None = None) -> list[EndpointView]:
    context = context_of(info)
    async with read_connection(context.engine) as connection:
        rows = await queries.endpoints(connection, account_id=context.caller.account_id, ids=ids)
    return [EndpointView.from_row(row) for row in rows]


async def _endpoint(info: Info[Any, Any], id_: str | None) -> EndpointView | None:
    if id_ is None:
        return None
    found = await endpoints(info, [id_])
    return found[0] if found else None


async def _with_secret(info: Info[Any, Any], outcome: Outcome[Any]) -> Outcome[EndpointWithSecret]:
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    endpoint, secret = outcome.value
    view = await _endpoint(info, endpoint.id)
    return Outcome(value=EndpointWithSecret(view, secret))


async def create_endpoint(
    info: Info[Any, Any], *, url: str, event_types: list[str], description: str | None
) -> Outcome[EndpointWithSecret]:
    outcome = await run_write(
        info,
        lambda session, caller: service.create_endpoint(
            session=session,
            caller=caller,
            url=url,
            event_types=event_types,
            description=description,
        ),
    )
    return await _with_secret(info, outcome)


async def rotate_secret(info: Info[Any, Any], *, endpoint_id: str) -> Outcome[EndpointWithSecret]:
    outcome = await run_write(
        info,
        lambda session, caller: service.rotate_secret(
            session=session, caller=caller, endpoint_id=endpoint_id
        ),
    )
    return await _with_secret(info, outcome)


async def update_endpoint(info: Info[Any, Any], **changes: Any) -> Outcome[EndpointView]:
    outcome = await run_write(
        info,
        lambda session, caller: service.update_endpoint(session=session, caller=caller, **changes),
    )
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    return Outcome(value=await _endpoint(info, outcome.value.id))


async def delete_endpoint(info: Info[Any, Any], *, endpoint_id: str) -> Outcome[str]:
    return await run_write(
        info,
        lambda session, caller: service.delete_endpoint(
            session=session, caller=caller, endpoint_id=endpoint_id
        ),
    )


async def retry_delivery(info: Info[Any, Any], *, delivery_id: str) -> Outcome[DeliveryView]:
    outcome = await run_write(
        info,
        lambda session, caller: service.retry_delivery(
            session=session, caller=caller, delivery_id=delivery_id
        ),
    )
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    return Outcome(value=await delivery(info, str(outcome.value)))


async def delivery(info: Info[Any, Any], delivery_id: str) -> DeliveryView | None:
    """Return one delivery of the caller's, with its attempts."""
    context = context_of(info)
    account_id = context.caller.account_id
    async with read_connection(context.engine) as connection:
        rows = await queries.delivery_by_id(
            connection, account_id=account_id, delivery_id=delivery_id
        )
        views = [_delivery(row) for row in rows]
        await _attach_attempts(connection, account_id, views)
    return views[0] if views else None


def _delivery(row: Any) -> DeliveryView:
    data = json.loads(row.data)
    event = EventView(row.event_id, 0, row.type, row.object_id, row.occurred_at, data)
    next_at = row.next_attempt_at if row.status == "PENDING" else None
    return DeliveryView(row.id, row.status, row.attempt_count, next_at, row.created_at, event)


async def _attach_attempts(connection: Any, account_id: str, views: list[DeliveryView]) -> None:
    attempts = await queries.attempts_of(
        connection, account_id=account_id, delivery_ids=[view.id for view in views]
    )
    by_delivery: dict[str, list[AttemptView]] = defaultdict(list)
    for row in attempts:
        by_delivery[row.delivery_id].append(
            AttemptView(row.number, row.attempted_at, row.status_code, row.error)
        )
    for view in views:
        view.attempts = by_delivery[view.id]


async def deliveries_page(
    info: Info[Any, Any],
    *,
    endpoint_id: str,
    first: int | None,
    after: str | None,
    status: str | None,
) -> Page[DeliveryView]:
    """Return one page of an endpoint's deliveries, oldest first, each with its attempts."""
    context = context_of(info)
    size = page_size(first)
    keyset = decode_cursor(after) if after else None
    account_id = context.caller.account_id
    async with read_connection(context.engine) as connection:
        rows = await queries.delivery_page(
            connection,
            account_id=account_id,
            endpoint_id=endpoint_id,
            status=status,
            after=keyset,
            limit=size + 1,
        )
        views = [_delivery(row) for row in rows]
        await _attach_attempts(connection, account_id, views[:size])

    async def count_total() -> int:
        async with read_connection(context.engine) as connection:
            return await queries.count_deliveries(
                connection, account_id=account_id, endpoint_id=endpoint_id, status=status
            )

    return make_page(views, size=size, after=after, count_total=count_total)
