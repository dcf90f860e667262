"""Reading webhook endpoints, their deliveries (with each delivery's event) and attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.rows import select_rows
from db.queries.webhooks import EVENTS
from db.tables import WebhookDelivery
from db.tables.columns import EVT, WHA, WHD, WHE

ENDPOINT_COLUMNS = (
    WHE.id,
    WHE.url,
    WHE.description,
    WHE.event_types,
    WHE.enabled,
    WHE.created_at,
)


async def endpoints(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str] | None = None
) -> list[Any]:
    """Return the account's endpoints (or those of `ids`) in creation order."""
    statement = select(*ENDPOINT_COLUMNS).where(WHE.account_id == account_id)
    if ids is not None:
        statement = statement.where(WHE.id.in_(list(ids)))
    return await select_rows(connection, statement.order_by(WHE.created_at, WHE.id))


def _deliveries_where(account_id: str, endpoint_id: str, status: str | None) -> list[Any]:
    conditions = [WHD.account_id == account_id, WHD.endpoint_id == endpoint_id]
    if status is not None:
        conditions.append(WHD.status == status)
    return conditions


def _deliveries() -> Any:
    return select(
        WHD.id,
        WHD.status,
        WHD.attempts.label("attempt_count"),
        WHD.next_attempt_at,
        WHD.created_at,
        EVT.id.label("event_id"),
        EVT.type,
        EVT.object_id,
        EVT.occurred_at,
        EVT.data,
    ).join(EVENTS, and_(EVT.account_id == WHD.account_id, EVT.id == WHD.event_id))


async def delivery_by_id(
    connection: AsyncConnection, *, account_id: str, delivery_id: str
) -> list[Any]:
    """Return the delivery (one row, or none) with its event."""
    statement = _deliveries().where(WHD.account_id == account_id, WHD.id == delivery_id)
    return await select_rows(connection, statement)


async def delivery_page(
    connection: AsyncConnection,
    *,
    account_id: str,
    endpoint_id: str,
    status: str | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[Any]:
    """Return up to `limit` deliveries of the endpoint, oldest first, with their events."""
    statement = _deliveries().where(*_deliveries_where(account_id, endpoint_id, status))
    if after is not None:
        created_at, id_ = after
        statement = statement.where(
            or_(WHD.created_at > created_at, and_(WHD.created_at == created_at, WHD.id > id_))
        )
    statement = statement.order_by(WHD.created_at, WHD.id).limit(limit)
    return await select_rows(connection, statement)


async def count_deliveries(
    connection: AsyncConnection, *, account_id: str, endpoint_id: str, status: str | None
) -> int:
    statement = (
        select(func.count())
        .select_from(WebhookDelivery)
        .where(*_deliveries_where(account_id, endpoint_id, status))
    )
    return int(await connection.scalar(statement) or 0)


async def attempts_of(
    connection: AsyncConnection, *, account_id: str, delivery_ids: Sequence[str]
) -> list[Any]:
    """Return the attempts of these deliveries, in order."""
    if not delivery_ids:
        return []
    statement = (
        select(WHA.delivery_id, WHA.number, WHA.attempted_at, WHA.status_code, WHA.error)
        .where(WHA.account_id == account_id, WHA.delivery_id.in_(list(delivery_ids)))
        .order_by(WHA.delivery_id, WHA.number)
    )
    return await select_rows(connection, statement)


async def delivery_health(connection: AsyncConnection, *, now: datetime) -> dict[str, Any]:
    """Return, across accounts, deliveries by status, how many are due, and the oldest
    undelivered event's time (None when none waits)."""
    by_status: dict[str, int] = dict(
        (await connection.execute(select(WHD.status, func.count()).group_by(WHD.status))).all()
    )
    pending = WHD.status == "PENDING"
    due = await connection.scalar(
        select(func.count()).select_from(WebhookDelivery).where(pending, WHD.next_attempt_at <= now)
    )
    oldest = await connection.scalar(
        select(func.min(EVT.occurred_at))
        .select_from(WebhookDelivery)
        .join(EVENTS, and_(EVT.account_id == WHD.account_id, EVT.id == WHD.event_id))
        .where(pending)
    )
    return {"by_status": by_status, "due": int(due or 0), "oldest": oldest}
