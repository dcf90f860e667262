"""Two workers at once never send the same attempt twice (PostgreSQL: FOR UPDATE SKIP LOCKED;
SQLite: one writer at a time), and between them deliver everything."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.api.billing_helpers import create_project
from tests.api.webhook_helpers import (
    create_endpoint,
    deliveries,
    engine_of_its_own,  # noqa: F401 (this module's own database: the worker serves every account)
    own_database_url,  # noqa: F401
    worker_on_test_clock,
)
from tests.conftest import Api
from tests.webhook_receiver import Receiver, receiver

EVENTS = 45


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "1")
    with receiver() as started:
        started.default, started.hang_seconds = "hang", 0.02
        yield started


async def test_two_workers_share_the_deliveries_without_sending_one_twice(
    api: Api, hooks: Receiver
) -> None:
    wanted = ["project.created"]  # not the first project's client.created
    assert (await create_endpoint(api, hooks.url, eventTypes=wanted))["userErrors"] == []
    for _ in range(EVENTS):
        await create_project(api)
    async with httpx.AsyncClient() as one, httpx.AsyncClient() as two:
        first, second = worker_on_test_clock(api, one), worker_on_test_clock(api, two)
        first.timeout = second.timeout = 10.0  # a loaded machine must not turn into failures
        made = await asyncio.gather(first.run_once(), second.run_once())
    assert sum(made) == EVENTS
    sent = Counter(request.headers["webhook-id"] for request in hooks.received)
    assert len(sent) == EVENTS and set(sent.values()) == {1}
    listed = await deliveries(api)
    assert len(listed) == min(EVENTS, 20)  # the first page
    assert all(d["status"] == "SUCCEEDED" and d["attemptCount"] == 1 for d in listed)
