"""Hostile receivers: an answer trickled a byte at a time is cut off at the attempt's deadline
(a failed attempt), a huge answer is not downloaded, and a slow endpoint holds no other
endpoint's deliveries (of any account) while it takes its time."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from domain.webhooks.sender import MAX_ANSWER_BYTES
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

WANTED = ["project.created"]  # not the client.created a first project also writes
BOUND_SECONDS = 30.0  # how long the test waits for something before giving up, not a timing


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "1")
    with receiver() as started:
        yield started


async def test_a_trickled_answer_past_the_deadline_is_a_timed_out_attempt(
    api: Api, hooks: Receiver
) -> None:
    hooks.script = ["trickle"]  # 200 at once, then a byte every 0.05 s for 20 s
    assert (await create_endpoint(api, hooks.url, eventTypes=WANTED))["userErrors"] == []
    await create_project(api)
    async with httpx.AsyncClient() as client:
        worker = worker_on_test_clock(api, client)  # a 0.5 s deadline
        assert await worker.run_once() == 1
        [cut_off] = await deliveries(api)
        assert cut_off["status"] == "PENDING"
        assert cut_off["attempts"] == [
            {
                "number": 1,
                "attemptedAt": cut_off["attempts"][0]["attemptedAt"],
                "statusCode": None,
                "error": "timed out after 0.5 s",
            }
        ]
        assert hooks.trickled_to_the_end == 0
        api.clock.advance(minutes=1)
        assert await worker.run_once() == 1  # the retry gets a plain 200
    [done] = await deliveries(api)
    assert done["status"] == "SUCCEEDED"
    assert [a["statusCode"] for a in done["attempts"]] == [None, 200]


async def test_a_huge_answer_is_not_downloaded(api: Api, hooks: Receiver) -> None:
    hooks.script = ["huge"]  # 200 and 64 MiB of body
    assert (await create_endpoint(api, hooks.url, eventTypes=WANTED))["userErrors"] == []
    await create_project(api)
    async with httpx.AsyncClient() as client:
        worker = worker_on_test_clock(api, client)
        worker.timeout = BOUND_SECONDS  # reading all of it would fit: the cap must stop it
        assert await worker.run_once() == 1
    [done] = await deliveries(api)
    assert done["status"] == "SUCCEEDED"
    assert [(a["statusCode"], a["error"]) for a in done["attempts"]] == [(200, None)]
    # The worker hung up after a few KB: the receiver could not hand over the rest (what it
    # did send is at most the kernel's socket buffers, far below 64 MiB).
    [sent] = hooks.huge_bytes_sent
    assert MAX_ANSWER_BYTES <= sent < hooks.huge_bytes // 2


async def test_a_slow_endpoint_holds_no_other_endpoint_of_any_account(
    api: Api, other_api: Api, hooks: Receiver
) -> None:
    hooks.script = ["trickle"]  # in flight until the test releases it
    assert (await create_endpoint(api, hooks.url, eventTypes=WANTED))["userErrors"] == []
    with receiver() as fast:
        created = await create_endpoint(other_api, fast.url, eventTypes=WANTED)
        assert created["userErrors"] == []
        await create_project(api)
        async with httpx.AsyncClient() as client:
            worker = worker_on_test_clock(api, client)
            worker.timeout, worker.poll_seconds = BOUND_SECONDS * 2, 0.05
            running = asyncio.create_task(worker.run_once())
            await _until(lambda: len(hooks.received) == 1, "the slow endpoint's request")
            await create_project(other_api)  # due while the slow attempt is in flight
            await _until(lambda: len(fast.received) == 1, "the other account's delivery")
            assert hooks.trickled_to_the_end == 0  # still trickling when the other arrived
            hooks.release.set()
            assert await running == 2
    assert hooks.trickled_to_the_end == 1
    for account in (api, other_api):
        [done] = await deliveries(account)
        assert done["status"] == "SUCCEEDED"


async def _until(condition: object, what: str) -> None:
    """Wait (in small steps, at most BOUND_SECONDS) until the condition holds."""
    for _ in range(int(BOUND_SECONDS / 0.02)):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")
