"""Slow clients (issue 12 item 5): half-sent requests are timed out and cannot starve others.

A real `serve` process, because the guard lives in uvicorn's protocol, below the app.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.live import Live, live_server

SLOW_SOCKETS = 300
READ_TIMEOUT_SECONDS = 2
PATIENCE_SECONDS = 60  # far above the deadline: how long a test waits for the server's move
PROJECTS = "{ projects { totalCount } }"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    workdir: Path = tmp_path_factory.mktemp("slow")
    with live_server(
        f"sqlite+aiosqlite:///{workdir}/slow.db",
        workdir,
        REQUEST_READ_TIMEOUT=str(READ_TIMEOUT_SECONDS),
        MAX_CONNECTIONS="400",
    ) as server:
        yield server


def port_of(server: Live) -> int:
    return int(server.base_url.rsplit(":", 1)[1])


async def normal_query(client: httpx.AsyncClient, server: Live) -> int:
    response = await client.post(
        "/graphql", json={"query": PROJECTS}, headers={"Authorization": f"Bearer {server.key}"}
    )
    assert response.json()["data"]["projects"]["totalCount"] == 0
    return response.status_code


async def drip_headers(server: Live, stop: asyncio.Event) -> bytes:
    """Send a request's headers a few bytes at a time, never ending them; return the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(server))
    writer.write(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
    await writer.drain()
    try:
        while not stop.is_set():
            try:
                writer.write(b"X-Slow: a\r\n")
                await writer.drain()
            except ConnectionError:
                break
            try:
                return await asyncio.wait_for(reader.read(), 0.5)  # read() ends at close
            except TimeoutError:
                continue
        return b"(still open)"
    finally:
        writer.close()


async def test_normal_requests_are_answered_while_300_sockets_send_half_their_headers(
    guarded: Live,
) -> None:
    stop = asyncio.Event()
    slow = [asyncio.create_task(drip_headers(guarded, stop)) for _ in range(SLOW_SOCKETS)]
    async with httpx.AsyncClient(base_url=guarded.base_url, timeout=30) as client:
        await asyncio.sleep(0.5)  # every slow socket is connected and dripping
        assert not any(task.done() for task in slow)
        statuses = [await normal_query(client, guarded) for _ in range(20)]
        statuses += await asyncio.gather(*(normal_query(client, guarded) for _ in range(20)))
    assert statuses == [200] * 40
    answers = await asyncio.wait_for(asyncio.gather(*slow), PATIENCE_SECONDS)
    stop.set()
    # Each one was told 408 and closed, though it kept sending: the deadline is absolute.
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), {
        answer[:40] for answer in answers
    }
    assert b'"code": "REQUEST_TIMEOUT"' in answers[0]


async def test_a_request_whose_body_stalls_is_closed(guarded: Live) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(guarded))
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + guarded.key.encode() + b"\r\n"
        b'Content-Length: 100\r\n\r\n{"query":'
    )
    await writer.drain()
    closed_with = await asyncio.wait_for(reader.read(), PATIENCE_SECONDS)
    writer.close()
    assert b"200 OK" not in closed_with  # closed, not answered as if the body were whole
    async with httpx.AsyncClient(base_url=guarded.base_url) as client:
        assert await normal_query(client, guarded) == 200


async def test_connections_over_the_cap_are_refused_at_once(tmp_path: Path) -> None:
    with live_server(
        f"sqlite+aiosqlite:///{tmp_path}/cap.db",
        tmp_path,
        MAX_CONNECTIONS="10",
        REQUEST_READ_TIMEOUT="60",
    ) as server:
        held = [await asyncio.open_connection("127.0.0.1", port_of(server)) for _ in range(10)]
        reader, writer = await asyncio.open_connection("127.0.0.1", port_of(server))
        refused = await asyncio.wait_for(reader.read(), PATIENCE_SECONDS)
        writer.close()
        assert refused.startswith(b"HTTP/1.1 503"), refused
        assert b"SERVICE_UNAVAILABLE" in refused
        for _, held_writer in held:
            held_writer.close()
            await held_writer.wait_closed()
        await asyncio.sleep(0.2)  # the server sees them go
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            assert await normal_query(client, server) == 200
