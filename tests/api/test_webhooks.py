"""Webhooks end to end: a real receiver on loopback fails, times out and recovers; signatures
verified with the Standard Webhooks library; FAILED after the last attempt; retry by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from standardwebhooks import Webhook

from domain.webhooks.queue import MAX_ATTEMPTS
from tests.api.billing_helpers import USER_ERRORS, create_project
from tests.api.webhook_helpers import (
    create_endpoint,
    deliveries,
    engine_of_its_own,  # noqa: F401 (this module's own database: the worker serves every account)
    own_database_url,  # noqa: F401
    worker_on_test_clock,
)
from tests.conftest import Api
from tests.webhook_receiver import Receiver, receiver


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "1")
    with receiver() as started:
        yield started


async def test_a_failing_then_hanging_receiver_gets_the_event_on_the_third_try(
    api: Api, hooks: Receiver
) -> None:
    created = await create_endpoint(api, hooks.url, eventTypes=["project.created"])
    assert created["userErrors"] == []
    secret = created["secret"]
    assert secret.startswith("whsec_")
    listed = await api.gql("{ webhookEndpoints { id url eventTypes enabled } }")
    assert listed["webhookEndpoints"] == [created["webhookEndpoint"]]
    assert "secret" not in json.dumps(listed)

    hooks.script = [500, "hang"]
    project_id = await create_project(api)
    await add_ignored_event(api, project_id)
    async with httpx.AsyncClient() as client:
        worker = worker_on_test_clock(api, client)
        assert await worker.run_once() == 1
        [first] = await deliveries(api)
        assert first["status"] == "PENDING" and first["attempts"][0]["statusCode"] == 500
        retry_at = datetime.fromisoformat(first["nextAttemptAt"])
        assert timedelta(seconds=0) < retry_at - api.clock.now() <= timedelta(seconds=10)
        assert await worker.run_once() == 0  # not due yet: nothing is sent early
        api.clock.advance(seconds=10)
        assert await worker.run_once() == 1  # the receiver hangs past the timeout
        api.clock.advance(hours=1)
        assert await worker.run_once() == 1
    [done] = await deliveries(api)
    assert done["status"] == "SUCCEEDED" and done["nextAttemptAt"] is None
    assert [a["statusCode"] for a in done["attempts"]] == [500, None, 200]
    assert "timed out" in done["attempts"][1]["error"]
    assert done["event"]["objectId"] == project_id

    assert len(hooks.received) == 3
    ids = {request.headers["webhook-id"] for request in hooks.received}
    assert ids == {done["event"]["id"]}
    for request in hooks.received:
        payload = Webhook(secret).verify(request.body, request.headers)
        assert payload["type"] == "project.created"
        assert payload["data"]["id"] == project_id
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(hooks.received[0].body + b" ", hooks.received[0].headers)


async def add_ignored_event(api: Api, project_id: str) -> None:
    """An event of a type the endpoint did not ask for: it gets no delivery."""
    await api.gql(
        "mutation($input: AddMilestoneInput!) { addMilestone(input: $input) { milestone { id } } }",
        {"input": {"projectId": project_id, "name": "Deposit"}},
    )


RETRY = f"""
mutation($id: ID!) {{
  retryWebhookDelivery(input: {{deliveryId: $id}}) {{ delivery {{ id status }} {USER_ERRORS} }}
}}"""
ENABLE = f"""
mutation($id: ID!) {{
  updateWebhookEndpoint(input: {{endpointId: $id, enabled: true}}) {{
    webhookEndpoint {{ id enabled }} {USER_ERRORS}
  }}
}}"""


async def test_failed_after_the_last_attempt_then_retried_by_hand(
    api: Api, hooks: Receiver
) -> None:
    # One delivery: createProject also writes client.created for a client it creates.
    created = await create_endpoint(api, hooks.url, eventTypes=["project.created"])
    hooks.default = 503
    await create_project(api)
    api.clock.advance(minutes=2)
    waiting = _metrics((await api.client.get("/metrics")).text)
    assert waiting["webhook_queue_depth"] >= 1
    assert waiting["webhook_oldest_undelivered_event_age_seconds"] >= 120
    async with httpx.AsyncClient() as client:
        worker = worker_on_test_clock(api, client)
        attempts = 0
        while (await deliveries(api))[0]["status"] == "PENDING":
            attempts += await worker.run_once()
            api.clock.advance(days=1)
        assert attempts == MAX_ATTEMPTS
        [failed] = await deliveries(api, "FAILED")
        assert [a["number"] for a in failed["attempts"]] == list(range(1, MAX_ATTEMPTS + 1))
        span = datetime.fromisoformat(
            failed["attempts"][-1]["attemptedAt"]
        ) - datetime.fromisoformat(failed["attempts"][0]["attemptedAt"])
        assert span >= timedelta(days=3)
        # Failing for three days disables the endpoint: nothing more is sent to it.
        assert (await api.gql("{ webhookEndpoints { enabled } }"))["webhookEndpoints"] == [
            {"enabled": False}
        ]
        retried = (await api.gql(RETRY, {"id": failed["id"]}))["retryWebhookDelivery"]
        assert retried["delivery"] == {"id": failed["id"], "status": "PENDING"}
        hooks.default = 204
        assert await worker.run_once() == 0
        endpoint_id = created["webhookEndpoint"]["id"]
        enabled = (await api.gql(ENABLE, {"id": endpoint_id}))["updateWebhookEndpoint"]
        assert enabled["webhookEndpoint"]["enabled"] is True
        assert await worker.run_once() == 1
    [done] = await deliveries(api)
    assert done["status"] == "SUCCEEDED"
    assert done["attempts"][-1]["statusCode"] == 204
    after = _metrics((await api.client.get("/metrics")).text)
    assert after['webhook_deliveries{status="SUCCEEDED"}'] >= 1
    assert len(hooks.received) == MAX_ATTEMPTS + 1


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hooks",
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://[::1]/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://192.168.1.10/hooks",
        "ftp://example.com/hooks",
    ],
)
async def test_private_and_plain_http_urls_are_refused(api: Api, url: str) -> None:
    created = await create_endpoint(api, url)
    assert created["webhookEndpoint"] is None and created["secret"] is None
    assert created["userErrors"][0]["field"] == ["url"]
    assert created["userErrors"][0]["code"] == "INVALID"
    assert (await api.gql("{ webhookEndpoints { id } }"))["webhookEndpoints"] == []


def _metrics(text: str) -> dict[str, float]:
    """Return the Prometheus samples of the text by name (with labels)."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples
