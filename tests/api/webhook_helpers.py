"""Webhook endpoints through GraphQL, and a worker on the test's clock (no real waiting)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from db.migrate import upgrade_to_head
from domain.webhooks.worker import Worker
from tests.api.billing_helpers import USER_ERRORS
from tests.conftest import BACKENDS, Api
from tests.postgres import database_beside


@pytest.fixture(scope="module", params=BACKENDS)
def own_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A migrated database for one test module alone: a worker delivers every account's due
    webhooks, so in the session's shared database it would send the other tests' ones too."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    if request.param == "postgresql":
        url = database_beside(request.getfixturevalue("postgres_urls")["api"], module)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp(module)}/{module}.db"
    upgrade_to_head(url)
    return url


@pytest.fixture(scope="module", name="engine")
async def engine_of_its_own(own_database_url: str) -> AsyncIterator[AsyncEngine]:
    """`engine` for the module that imports it, on `own_database_url`."""
    engine = create_engine(own_database_url)
    yield engine
    await engine.dispose()


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
