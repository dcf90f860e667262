"""At least once across crashes: SIGKILL the worker, and a server running the in-process
worker, while deliveries flow; after a restart every committed event reaches the receiver.

Duplicates are allowed (an attempt in flight at the kill is sent again once its lease runs
out), and each carries the same `webhook-id` and the same signed body.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from tests.postgres import database_beside
from tests.server.live import cli_env, create_account, graphql, migrate, start_server, stop_server
from tests.webhook_receiver import Receiver, receiver

EVENTS_BEFORE, EVENTS_BETWEEN = 30, 10
DEADLINE_SECONDS = 120  # a bound on waiting for deliveries, not a timing assertion
FAST = {
    "WEBHOOK_ALLOW_PRIVATE": "1",
    "WEBHOOK_LEASE_SECONDS": "1",
    "WEBHOOK_POLL_SECONDS": "0.1",
    "WEBHOOK_CONCURRENCY": "2",  # deliveries flow a few at a time, so a kill lands among them
}
CREATE_ENDPOINT = """mutation($url: String!) {
  createWebhookEndpoint(input: {url: $url}) { secret userErrors { message } } }"""
CREATE_PROJECT = """mutation($name: String!) {
  createProject(input: {name: $name, clientName: "C", currency: "USD"}) { project { id } } }"""
EVENT_IDS = """query($after: String) {
  events(first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }"""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        # Its own: the worker would also deliver the shared database's other deliveries.
        return database_beside(request.getfixturevalue("postgres_urls")["api"], "webhook_crash")
    return f"sqlite+aiosqlite:///{tmp_path}/webhooks.db"


@pytest.fixture
def slow_receiver() -> Iterator[Receiver]:
    with receiver() as started:
        started.default, started.hang_seconds = "hang", 0.05
        yield started


def _start_worker(database_url: str, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "server.cli", "worker"],
        env=cli_env(database_url, **FAST),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def _all_event_ids(base_url: str, key: str) -> list[str]:
    ids, after = [], None
    while True:
        page = graphql(base_url, key, EVENT_IDS, {"after": after})["events"]
        ids += [node["id"] for node in page["nodes"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            return ids


def test_every_committed_event_reaches_the_receiver_across_kills(
    database_url: str, slow_receiver: Receiver, tmp_path: Path
) -> None:
    migrate(database_url, tmp_path)
    key = create_account(database_url, tmp_path, "Hooks")
    # The API server writes; the deliveries are the worker's (the first two rounds).
    base_url, api = start_server(
        database_url, tmp_path, tmp_path / "api.log", RUN_WORKER="0", **FAST
    )
    processes = [api]
    try:
        created = graphql(base_url, key, CREATE_ENDPOINT, {"url": slow_receiver.url})
        secret = created["createWebhookEndpoint"]["secret"]
        for number in range(EVENTS_BEFORE):
            graphql(base_url, key, CREATE_PROJECT, {"name": f"P{number}"})

        worker = _start_worker(database_url, tmp_path)
        processes.append(worker)
        _wait_for(lambda: len(slow_receiver.received) >= 5, "the first deliveries")
        stop_server(worker, kill=True)
        killed_at = len(slow_receiver.received)
        for number in range(EVENTS_BETWEEN):
            graphql(base_url, key, CREATE_PROJECT, {"name": f"Q{number}"})

        # A server with the in-process worker, killed in its turn.
        _, serving = start_server(database_url, tmp_path, tmp_path / "serve.log", **FAST)
        processes.append(serving)
        _wait_for(lambda: len(slow_receiver.received) >= killed_at + 5, "more deliveries")
        stop_server(serving, kill=True)

        expected = set(_all_event_ids(base_url, key))
        # Each project's event, and the first project's client.created (its client "C").
        assert len(expected) == EVENTS_BEFORE + EVENTS_BETWEEN + 1
        assert len({r.headers["webhook-id"] for r in slow_receiver.received}) < len(expected)
        processes.append(_start_worker(database_url, tmp_path))
        _wait_for(
            lambda: {r.headers["webhook-id"] for r in slow_receiver.received} >= expected,
            "every event",
        )
    finally:
        for process in processes:
            stop_server(process, kill=True)
    bodies: dict[str, set[bytes]] = {}
    for request in list(slow_receiver.received):
        Webhook(secret).verify(request.body, request.headers)
        bodies.setdefault(request.headers["webhook-id"], set()).add(request.body)
    assert set(bodies) == expected
    assert all(len(versions) == 1 for versions in bodies.values())
