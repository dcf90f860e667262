"""A live PostgreSQL server whose database ended its connections, or with a small pool.

The outside tester's cases: after the database ended every idle connection of the server
(pg_terminate_backend, as a failover or idle_session_timeout does), the server answered every
request with SERVICE_UNAVAILABLE until /healthz happened to run; with DATABASE_POOL_SIZE=2, the
read connection kept set up between requests left writes none, and each waited out the pool.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import httpx

from tests.server.live import live_server

LOOKUP = "query($id: ID!) { projects(first: 5) { nodes { id } } project(id: $id) { id name } }"
CREATE = "mutation($name: String!) { createClient(input: {name: $name}) { client { id } } }"


def answered(base_url: str, key: str, query: str, variables: dict[str, object]) -> bool:
    response = httpx.post(
        f"{base_url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    return response.status_code == 200 and not response.json().get("errors")


async def end_every_idle_connection(url: str) -> int:
    admin = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return int(
            await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                "datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle' "
                "AND query NOT LIKE 'LISTEN%'"
            )
        )
    finally:
        await admin.close()


def test_the_server_answers_again_once_the_database_ended_its_connections(
    postgres_urls: dict[str, str], tmp_path: Path
) -> None:
    url = postgres_urls["scratch"]
    with live_server(url, tmp_path) as live:
        variables = {"id": "prj_none"}
        with ThreadPoolExecutor(24) as pool:  # about twenty connections open and kept
            busy = list(pool.map(lambda _: answered(live.base_url, live.key, LOOKUP, variables),
                                 range(48)))  # fmt: skip
        assert all(busy)
        assert asyncio.run(end_every_idle_connection(url)) >= 2
        time.sleep(1)
        with ThreadPoolExecutor(24) as pool:
            list(pool.map(lambda _: answered(live.base_url, live.key, LOOKUP, variables),
                          range(48)))  # fmt: skip
        time.sleep(6)  # past the API-key cache: the key is read from the database again
        # No /healthz in between: the pool itself must have replaced what was lost.
        assert [answered(live.base_url, live.key, LOOKUP, variables) for _ in range(5)] == [
            True
        ] * 5
        assert answered(live.base_url, live.key, CREATE, {"name": "After the failover"})


def test_a_pool_of_two_still_writes_and_answers_healthz(
    postgres_urls: dict[str, str], tmp_path: Path
) -> None:
    with live_server(postgres_urls["scratch"], tmp_path, DATABASE_POOL_SIZE="2") as live:
        for number in range(3):
            assert answered(live.base_url, live.key, LOOKUP, {"id": "prj_none"})
            assert answered(live.base_url, live.key, CREATE, {"name": f"Small pool {number}"})
            assert httpx.get(f"{live.base_url}/healthz", timeout=30).status_code == 200
