"""Subscriptions over graphql-transport-ws with a real websocket client against real servers.

A payment recorded through another connection arrives as `projectUpdated` and as an event;
on PostgreSQL the payment goes through another server process (LISTEN/NOTIFY). Another
account's subscription sees none of it. A bad key in connection_init closes the socket.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.server.live import create_account, graphql, migrate, start_server, stop_server

WAIT_SECONDS = 30  # a bound on waiting for a message, not a timing assertion
CREATE_PROJECT = """mutation {
  createProject(input: {name: "Live", clientName: "C", currency: "USD"}) { project { id } } }"""
ADD_MILESTONE = """mutation($id: ID!) {
  addMilestone(input: {projectId: $id, name: "Probe"}) { milestone { id } } }"""
CREATE_INVOICE = """mutation($id: ID!) { createInvoice(input: {projectId: $id,
  lines: [{description: "Work", amount: "100.00"}]}) { invoice { id } } }"""
PAY = """mutation($id: ID!) { recordExternalPayment(input: {method: WIRE,
  allocations: [{invoiceId: $id, amount: "100.00"}]}) { payment { id } userErrors { message } } }"""
DEEP = (
    "subscription($id: ID!) { projectUpdated(projectId: $id) { "
    + "milestones { invoices { project { " * 6
    + "id"
    + " } } }" * 6
    + " } }"
)
PROJECT_UPDATED = """subscription($id: ID!) {
  projectUpdated(projectId: $id) { id balance { paidAmount outstandingAmount } } }"""
EVENTS = """subscription {
  events(types: ["payment.recorded", "project.created", "milestone.added"]) { type objectId } }"""


@pytest.fixture(params=["sqlite", "postgresql"])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, str, str]]:
    """Yield (listening server, writing server, key, other account's key)."""
    if request.param == "postgresql":
        url = str(request.getfixturevalue("postgres_urls")["api"])
    else:
        url = f"sqlite+aiosqlite:///{tmp_path}/live.db"
    migrate(url, tmp_path)
    key, other = create_account(url, tmp_path, "Live"), create_account(url, tmp_path, "Other")
    first, one = start_server(url, tmp_path, tmp_path / "a.log", RUN_WORKER="0")
    processes = [one]
    second = first
    try:
        if request.param == "postgresql":
            second, two = start_server(url, tmp_path, tmp_path / "b.log", RUN_WORKER="0")
            processes.append(two)
        yield first, second, key, other
    finally:
        for process in processes:
            stop_server(process)


async def _open(base_url: str, key: str) -> ClientConnection:
    socket = await connect(
        base_url.replace("http", "ws", 1) + "/graphql", subprotocols=["graphql-transport-ws"]
    )
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
    )
    return socket


async def _subscribe(socket: ClientConnection, id_: str, query: str, **variables: Any) -> None:
    payload = {"query": query, "variables": variables}
    await socket.send(json.dumps({"id": id_, "type": "subscribe", "payload": payload}))


async def _next(socket: ClientConnection) -> dict[str, Any]:
    """Return the next data message (pings answered, the ack skipped)."""
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == "ping":
                await socket.send(json.dumps({"type": "pong"}))
            elif message["type"] != "connection_ack":
                return dict(message)


async def test_a_payment_elsewhere_arrives_as_project_updated(
    servers: tuple[str, str, str, str],
) -> None:
    listening, writing, key, other_key = servers
    project = graphql(writing, key, CREATE_PROJECT)["createProject"]["project"]["id"]
    invoice = graphql(writing, key, CREATE_INVOICE, {"id": project})["createInvoice"]["invoice"]
    socket, other = await _open(listening, key), await _open(listening, other_key)
    try:
        # The limits of queries hold for subscriptions: nothing runs.
        await _subscribe(socket, "deep", DEEP, id=project)
        refused = await _next(socket)
        assert refused["type"] == "error" and refused["id"] == "deep"
        assert refused["payload"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
        await _subscribe(socket, "p", PROJECT_UPDATED, id=project)
        await _subscribe(socket, "e", EVENTS)
        await _subscribe(other, "e", EVENTS)
        # Probes: a change of each account's arrives, so both subscriptions are live.
        await asyncio.to_thread(graphql, writing, key, ADD_MILESTONE, {"id": project})
        assert {(await _next(socket))["id"] for _ in range(2)} == {"p", "e"}
        await asyncio.to_thread(graphql, writing, other_key, CREATE_PROJECT)
        assert (await _next(other))["payload"]["data"]["events"]["type"] == "project.created"

        paid = await asyncio.to_thread(graphql, writing, key, PAY, {"id": invoice["id"]})
        payment_id = paid["recordExternalPayment"]["payment"]["id"]
        got = {}
        while len(got) < 2:
            message = await _next(socket)
            assert message["type"] == "next", message
            got[message["id"]] = message["payload"]["data"]
        assert got["p"]["projectUpdated"] == {
            "id": project,
            "balance": {"paidAmount": "100.00", "outstandingAmount": "0.00"},
        }
        assert got["e"]["events"] == {"type": "payment.recorded", "objectId": payment_id}
        # The other account's next event is its own project, not the payment above.
        own = await asyncio.to_thread(graphql, writing, other_key, CREATE_PROJECT)
        message = await _next(other)
        assert message["payload"]["data"]["events"] == {
            "type": "project.created",
            "objectId": own["createProject"]["project"]["id"],
        }
    finally:
        await socket.close()
        await other.close()


async def test_a_bad_key_in_connection_init_closes_the_socket(
    servers: tuple[str, str, str, str],
) -> None:
    listening = servers[0]
    socket = await _open(listening, "mbk_not_a_key")
    with pytest.raises(ConnectionClosed) as closed:
        await _next(socket)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
