"""Webhook endpoints through GraphQL, and a worker on the test's clock (no real waiting)."""

from __future__ import annotations

import random
from typing import Any

import httpx

from domain.webhooks.worker import Worker
from tests.api.billing_helpers import USER_ERRORS
from tests.conftest import Api

CREATE_ENDPOINT = f"""
mutation($input: CreateWebhookEndpointInput!) {{
  createWebhookEndpoint(input: $input) {{
    webhookEndpoint {{ id url eventTypes enabled }} secret {USER_ERRORS}
  }}
}}"""

DELIVERIES = """
query($status: WebhookDeliveryStatus) {
  webhookEndpoints {
    id enabled
    deliveries(status: $status) {
      nodes {
        id status attemptCount nextAttemptAt
        event { id type objectId }
        attempts { number attemptedAt statusCode error }
      }
    }
  }
}"""


async def create_endpoint(api: Api, url: str, **fields: Any) -> dict[str, Any]:
    """Return the createWebhookEndpoint payload, success or not."""
    data = await api.gql(CREATE_ENDPOINT, {"input": {"url": url, **fields}})
    return dict(data["createWebhookEndpoint"])


async def deliveries(api: Api, status: str | None = None) -> list[dict[str, Any]]:
    """Return the deliveries of the account's first endpoint."""
    data = await api.gql(DELIVERIES, {"status": status}, key="read")
    return list(data["webhookEndpoints"][0]["deliveries"]["nodes"])


def worker_on_test_clock(api: Api, client: httpx.AsyncClient) -> Worker:
    return Worker(
        engine=api.engine,
        clock=api.clock,
        client=client,
        jitter=random.Random(7),
        daily=False,
        timeout=0.5,
    )
