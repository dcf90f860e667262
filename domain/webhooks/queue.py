"""Deliveries: queued with their event, claimed by a worker, settled after each attempt.

A claim moves the delivery's next attempt a lease ahead and counts the attempt in one short
transaction, so another worker cannot take it while it is in flight; a worker killed
mid-delivery leaves it due again when the lease runs out (at least once). The attempt's
outcome is written only if the delivery is still at that attempt.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import tuple_, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import write_session
from db.queries.webhooks import (
    CLAIMED,
    DUE,
    ENABLED_ENDPOINTS,
    FORGET_ATTEMPTS,
    FORGET_DELIVERIES,
    INSERT_ATTEMPT,
    INSERT_DELIVERY,
    SET_OUTCOME,
)
from db.statements import Statements, Write, session_statements
from db.tables import WebhookDelivery, WebhookEndpoint
from db.tables.columns import WHD
from domain.context import Caller
from domain.ids import new_id

MAX_ATTEMPTS = 11  # the last retry is about three days after the event
FIRST_RETRY_SECONDS = 5
MAX_DELAY_SECONDS = 24 * 3600
DISABLE_AFTER = timedelta(days=3)
LEASE = timedelta(seconds=60)  # six times an attempt's whole 10 s deadline (sender.py)


def retry_delay(attempt: int, *, jitter: random.Random) -> timedelta:
    """Return the wait after failed attempt `attempt` (1, 2, ...): 5 s, 20 s, 80 s, ... at
    most a day, each scaled by a random 0.8..1.2 so failing endpoints are not hit in step."""
    base = min(FIRST_RETRY_SECONDS * 4 ** (attempt - 1), MAX_DELAY_SECONDS)
    return timedelta(seconds=base * jitter.uniform(0.8, 1.2))


async def enabled_endpoints(*, db: Statements, caller: Caller) -> list[Any]:
    """Return the account's enabled endpoints (id, event_types) that deliveries are queued to."""
    return await db.rows(ENABLED_ENDPOINTS, {"account_id": caller.account_id})


def delivery_writes(
    *, account_id: str, endpoints: list[Any], events: list[dict[str, Any]]
) -> list[Write]:
    """Return the inserts queueing a delivery of each event to every endpoint that wants its
    type."""
    writes: list[Write] = []
    for endpoint in endpoints:
        wanted = set(json.loads(endpoint.event_types))
        for event in events:
            if wanted and event["type"] not in wanted:
                continue
            delivery = {
                "account_id": account_id,
                "id": new_id("whd"),
                "endpoint_id": endpoint.id,
                "event_id": event["id"],
                "status": "PENDING",
                "attempts": 0,
                "next_attempt_at": event["occurred_at"],
                "created_at": event["occurred_at"],
            }
            writes.append((INSERT_DELIVERY, delivery))
    return writes


async def forget_endpoint(*, session: AsyncSession, caller: Caller, endpoint_id: str) -> None:
    """Delete an endpoint's deliveries and their attempts (before the endpoint itself)."""
    parameters = {"account_id": caller.account_id, "endpoint": endpoint_id}
    await session.execute(FORGET_ATTEMPTS, parameters)
    await session.execute(FORGET_DELIVERIES, parameters)


@dataclass(frozen=True)
class Claim:
    """One attempt at one delivery, owned by the worker that claimed it."""

    account_id: str
    delivery_id: str
    attempt: int
    endpoint_id: str
    url: str
    secret: str
    event_id: str
    event_type: str
    occurred_at: datetime
    data: str


async def claim_due(
    *, engine: AsyncEngine, now: datetime, limit: int = 20, lease: timedelta = LEASE
) -> list[Claim]:
    """Return up to `limit` due deliveries, each now leased to this worker for one attempt."""
    async with write_session(engine) as session:
        keys = [tuple(row) for row in await session.execute(DUE, {"now": now, "limit": limit})]
        if not keys:
            return []
        await session.execute(
            update(WebhookDelivery)
            .where(tuple_(WHD.account_id, WHD.id).in_(keys))
            .values(attempts=WHD.attempts + 1, next_attempt_at=now + lease)
        )
        rows = await session.execute(CLAIMED.where(tuple_(WHD.account_id, WHD.id).in_(keys)))
        return [Claim(*row) for row in rows]  # type: ignore[call-arg]


async def settle(
    *,
    engine: AsyncEngine,
    claim: Claim,
    now: datetime,
    status_code: int | None,
    error: str | None,
    jitter: random.Random,
) -> str:
    """Record the attempt and return the delivery's status: SUCCEEDED, PENDING (a retry is
    scheduled) or FAILED (that was the last attempt)."""
    succeeded = status_code is not None and 200 <= status_code < 300
    if succeeded:
        status, next_at = "SUCCEEDED", now
    elif claim.attempt >= MAX_ATTEMPTS:
        status, next_at = "FAILED", now
    else:
        status, next_at = "PENDING", now + retry_delay(claim.attempt, jitter=jitter)
    async with write_session(engine) as session:
        changed = await session.execute(
            SET_OUTCOME.values(status=status, next_attempt_at=next_at),
            {
                "key_account": claim.account_id,
                "key_id": claim.delivery_id,
                "key_attempt": claim.attempt,
            },
        )
        if getattr(changed, "rowcount", 1) == 0:
            return "STALE"  # another worker took the delivery over after our lease ran out
        db = await session_statements(session)
        await db.execute((INSERT_ATTEMPT, _attempt(claim, now, status_code, error)))
        await _track_endpoint(
            session, claim, now=now, succeeded=succeeded, failed=status == "FAILED"
        )
    return status


def _attempt(
    claim: Claim, now: datetime, status_code: int | None, error: str | None
) -> dict[str, Any]:
    return {
        "account_id": claim.account_id,
        "id": new_id("wha"),
        "delivery_id": claim.delivery_id,
        "number": claim.attempt,
        "attempted_at": now,
        "status_code": status_code,
        "error": error[:500] if error else None,
    }


async def _track_endpoint(
    session: AsyncSession, claim: Claim, *, now: datetime, succeeded: bool, failed: bool
) -> None:
    """Remember since when the endpoint fails; disable it after three days of failures."""
    endpoint = await session.get(WebhookEndpoint, (claim.account_id, claim.endpoint_id))
    if endpoint is None:
        return
    if succeeded:
        endpoint.failing_since = None
    elif endpoint.failing_since is None:
        endpoint.failing_since = now
    if (
        failed
        and endpoint.failing_since is not None
        and now - endpoint.failing_since >= DISABLE_AFTER
    ):
        endpoint.enabled = False
