"""Subscriptions over graphql-transport-ws with a real websocket client against real servers.

A payment recorded through another connection arrives as `projectUpdated` and as an event;
on PostgreSQL the payment goes through another server process (LISTEN/NOTIFY). Another
account's subscription sees none of it. A bad key in connection_init closes the socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.server.live import create_account, graphql, migrate, start_server, stop_server

WAIT_SECONDS = 30  # a bound on waiting for a message, not a timing assertion
PROBES, PROBE_SECONDS = 10, 3
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


async def _until_live(socket: ClientConnection, ids: set[str], probe: Callable[[], Any]) -> None:
    """Make a change with `probe` until each subscription in `ids` has told of one."""
    told: set[str] = set()
    for _ in range(PROBES):
        await asyncio.to_thread(probe)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(PROBE_SECONDS):  # websockets' recv may be cancelled
                while told != ids:
                    told.add((await _next(socket))["id"])
                return
    raise AssertionError(f"only {told} of {ids} told of {PROBES} changes")


def _tells_of_a_probe(data: dict[str, Any]) -> bool:
    if "events" in data:
        return bool(data["events"]["type"] == "milestone.added")
    return bool(data["projectUpdated"]["balance"]["paidAmount"] == "0.00")


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
        # A subscription sees what commits after the server has read where the account's
        # events stand, which a loaded server may do after a first probe: probe until live.
        await _until_live(
            socket, {"p", "e"}, lambda: graphql(writing, key, ADD_MILESTONE, {"id": project})
        )
        await _until_live(other, {"e"}, lambda: graphql(writing, other_key, CREATE_PROJECT))

        paid = await asyncio.to_thread(graphql, writing, key, PAY, {"id": invoice["id"]})
        payment_id = paid["recordExternalPayment"]["payment"]["id"]
        got: dict[str, Any] = {}
        while len(got) < 2:
            message = await _next(socket)
            assert message["type"] == "next", message
            data = message["payload"]["data"]
            if not _tells_of_a_probe(data):  # a late answer to a probe is skipped
                got[message["id"]] = data
        assert got["p"]["projectUpdated"] == {
            "id": project,
            "balance": {"paidAmount": "100.00", "outstandingAmount": "0.00"},
        }
        assert got["e"]["events"] == {"type": "payment.recorded", "objectId": payment_id}
        # The other account sees its own projects (the probes and this one), not the payment.
        own = await asyncio.to_thread(graphql, writing, other_key, CREATE_PROJECT)
        own_id = own["createProject"]["project"]["id"]
        while (event := (await _next(other))["payload"]["data"]["events"])["objectId"] != own_id:
            assert event["type"] == "project.created", event
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
