"""Webhook figures for /metrics, read from the database at scrape time, so they are the same
whichever process (server or `worker`) does the delivering."""

from __future__ import annotations

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import read_connection
from db.queries.webhook_reads import delivery_health
from domain.clock import Clock

DELIVERIES = Gauge(
    "webhook_deliveries", "Webhook deliveries by outcome (PENDING, SUCCEEDED, FAILED)", ["status"]
)
QUEUE_DEPTH = Gauge("webhook_queue_depth", "Webhook deliveries due now and not yet made")
OLDEST_AGE = Gauge(
    "webhook_oldest_undelivered_event_age_seconds",
    "Age of the oldest event still waiting for a delivery; 0 when none waits",
)
STATUSES = ("PENDING", "SUCCEEDED", "FAILED")


async def refresh(engine: AsyncEngine, clock: Clock) -> None:
    """Set the gauges from the database."""
    now = clock.now()
    async with read_connection(engine) as connection:
        health = await delivery_health(connection, now=now)
    for status in STATUSES:
        DELIVERIES.labels(status).set(health["by_status"].get(status, 0))
    QUEUE_DEPTH.set(health["due"])
    oldest = health["oldest"]
    OLDEST_AGE.set(max((now - oldest).total_seconds(), 0) if oldest else 0)
