"""Subscriptions are bounded like queries (issue 16, outside tester's F3, F4, F7).

The cost, depth and alias limits refuse a subscription with an `error` message as they
refuse the same query; every refusal carries `extensions.code`; an account holds at most
SUBSCRIPTIONS_PER_ACCOUNT open subscriptions across its sockets, and completing or closing
frees the slots.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection

from tests.server.live import Live, create_account, graphql, live_server
from tests.server.test_subscriptions import CREATE_PROJECT, _next, _open, _subscribe

PER_ACCOUNT = 3
COSTLY_SELECTION = (
    "client { projects(first: 100) { nodes { client { projects(first: 100) { nodes {"
    " invoices(first: 100) { nodes { id number total } } } } } } } }"
)
EVENTS = "subscription { events { type objectId data } }"
CLOSE_TRIES = 200  # a bound on waiting for the server to see a socket close


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def limited(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Live, str]]:
    """Yield (a server allowing PER_ACCOUNT subscriptions per account, another account's key)."""
    workdir: Path = tmp_path_factory.mktemp(f"limits-{request.param}")
    if request.param == "postgresql":
        url = str(request.getfixturevalue("postgres_urls")["api"])
    else:
        url = f"sqlite+aiosqlite:///{workdir}/live.db"
    env = {"SUBSCRIPTIONS_PER_ACCOUNT": str(PER_ACCOUNT), "SUBSCRIPTION_SEND_TIMEOUT": "1"}
    with live_server(url, workdir, account=f"Limits {request.param}", **env) as server:
        yield server, create_account(url, workdir, f"Other {request.param}")


async def _opened(base_url: str, key: str) -> ClientConnection:
    socket = await _open(base_url, key)
    assert (await _next_any(socket))["type"] == "connection_ack"
    return socket


async def _next_any(socket: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(await socket.recv()))


async def _refused(socket: ClientConnection, id_: str, query: str) -> dict[str, Any]:
    """Subscribe; return the next message (a refusal: the operation runs in a task)."""
    await _subscribe(socket, id_, query)
    return await _next(socket)


async def _accepted(socket: ClientConnection, id_: str, query: str) -> dict[str, Any] | None:
    """Subscribe; return the limits' refusal, or None when the subscription was let start.
    The server answers a socket's messages in order and refuses past a limit right away, so
    a pong after the subscribe means it was let start."""
    await _subscribe(socket, id_, query)
    await socket.send(json.dumps({"type": "ping"}))
    message = await _next_any(socket)
    if message["type"] == "pong":
        return None
    assert (await _next_any(socket))["type"] == "pong"
    return message


def _codes(message: dict[str, Any] | None) -> list[str]:
    assert message is not None and message["type"] == "error", message
    return [error["extensions"]["code"] for error in message["payload"]]


async def test_the_query_limits_refuse_a_subscription_with_a_code(
    limited: tuple[Live, str],
) -> None:
    server, _ = limited
    project = graphql(server.base_url, server.key, CREATE_PROJECT)["createProject"]["project"]
    as_query = f'query {{ project(id: "{project["id"]}") {{ {COSTLY_SELECTION} }} }}'
    refused = _post(server, as_query)
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["QUERY_TOO_COSTLY"]
    socket = await _opened(server.base_url, server.key)
    try:
        costly = (
            f'subscription {{ projectUpdated(projectId: "{project["id"]}") '
            f"{{ {COSTLY_SELECTION} }} }}"
        )
        assert _codes(await _refused(socket, "costly", costly)) == ["QUERY_TOO_COSTLY"]
        two_fields = 'subscription { events { type } projectUpdated(projectId: "prj_x") { id } }'
        assert _codes(await _refused(socket, "two", two_fields)) == ["GRAPHQL_VALIDATION_FAILED"]
        # Refused ones hold no slot: the account's whole allowance is still there.
        for number in range(PER_ACCOUNT):
            assert await _accepted(socket, f"ok{number}", EVENTS) is None
    finally:
        await socket.close()


def _post(server: Live, query: str) -> dict[str, Any]:
    response = httpx.post(
        server.base_url + "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {server.key}"},
    )
    return dict(response.json())


async def test_an_account_holds_a_bounded_number_of_subscriptions_across_sockets(
    limited: tuple[Live, str],
) -> None:
    server, other_key = limited
    first, second = (
        await _opened(server.base_url, server.key),
        await _opened(server.base_url, server.key),
    )
    other = await _opened(server.base_url, other_key)
    try:
        assert await _accepted(first, "a", EVENTS) is None
        assert await _accepted(first, "b", EVENTS) is None
        assert await _accepted(second, "c", EVENTS) is None
        assert _codes(await _accepted(second, "d", EVENTS)) == ["LIMIT_EXCEEDED"]
        assert _codes(await _accepted(first, "e", EVENTS)) == ["LIMIT_EXCEEDED"]
        # Another account has its own allowance.
        assert await _accepted(other, "a", EVENTS) is None
        # Completing one frees its slot; closing a socket frees all of its.
        await first.send(json.dumps({"id": "a", "type": "complete"}))
        assert await _accepted(second, "d", EVENTS) is None
        await first.close()  # its slot is freed once the server has seen the close
        for _ in range(CLOSE_TRIES):
            if await _accepted(second, "e", EVENTS) is None:
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("a closed socket's subscription still counts")
        assert _codes(await _accepted(second, "f", EVENTS)) == ["LIMIT_EXCEEDED"]
        # The accepted ones are live.
        graphql(server.base_url, server.key, CREATE_PROJECT)
        assert {(await _next(second))["id"] for _ in range(PER_ACCOUNT)} == {"c", "d", "e"}
    finally:
        for socket in (first, second, other):
            await socket.close()
