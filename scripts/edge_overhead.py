"""Measure the process edge (issue 14): per-request overhead, pool churn, cold start.

    python scripts/edge_overhead.py overhead [DATABASE_URL]   # { __typename } via raw ASGI
    python scripts/edge_overhead.py churn DATABASE_URL        # connections opened, 32 clients
    python scripts/edge_overhead.py coldstart [DATABASE_URL]  # `serve` start to first answer

A throwaway SQLite database is made when no URL is given. Numbers print as JSON lines.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db.engine import create_engine, write_session  # noqa: E402
from db.migrate import upgrade_to_head  # noqa: E402
from domain.accounts.service import create_account, create_api_key  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from domain.context import Role  # noqa: E402
from server.app import create_app  # noqa: E402
from server.settings import Settings  # noqa: E402


async def new_key(url: str) -> str:
    engine = create_engine(url)
    try:
        async with write_session(engine) as session:
            account = await create_account(session=session, name="edge", clock=SystemClock())
            return await create_api_key(
                session=session, account_id=account.id, role=Role.READ, clock=SystemClock()
            )
    finally:
        await engine.dispose()


def asgi_request(body: bytes, key: str) -> tuple[dict[str, Any], Any]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "server": ("test", 80),
        "client": ("127.0.0.1", 1),
        "headers": [
            (b"host", b"test"),
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {key}".encode()),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return scope, receive


async def overhead(url: str, rounds: int = 7, per_round: int = 1000) -> dict[str, Any]:
    key = await new_key(url)
    app = create_app(Settings(database_url=url))
    body = json.dumps({"query": "{ __typename }"}).encode()
    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async with app.router.lifespan_context(app):
        medians = []
        for _ in range(rounds):
            times = []
            for _ in range(per_round):
                scope, receive = asgi_request(body, key)
                started = time.perf_counter()
                await app(scope, receive, send)
                times.append(time.perf_counter() - started)
            medians.append(statistics.median(times) * 1e6)
    assert set(statuses) == {200}, set(statuses)
    return {"typename_us_median": round(statistics.median(medians), 1), "rounds": medians}


async def churn(url: str, clients: int = 32, requests: int = 60) -> dict[str, Any]:
    key = await new_key(url)
    app = create_app(Settings(database_url=url))
    engine = app.state.milestone_billing.engine
    opened = 0

    def on_connect(*_args: Any) -> None:
        nonlocal opened
        opened += 1

    event.listen(engine.sync_engine, "connect", on_connect)
    query = {"query": "{ projects(first: 20) { nodes { name balance { paidAmount } } } }"}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        headers = {"Authorization": f"Bearer {key}"}

        async def one_client() -> None:
            for _ in range(requests):
                answer = await client.post("/graphql", json=query, headers=headers)
                assert answer.status_code == 200, answer.text

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        seconds = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": clients * requests,
        "connections_opened": opened,
        "req_per_s": round(clients * requests / seconds),
    }


def coldstart(url: str, runs: int = 5) -> dict[str, Any]:
    key = asyncio.run(new_key(url))
    times = []
    for _ in range(runs):
        port = 18000 + int(time.time() * 1000) % 1000
        env = {"DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(port), "PATH": "/usr/bin"}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    answer = httpx.post(
                        f"http://127.0.0.1:{port}/graphql",
                        json={"query": "{ __typename }"},
                        headers={"Authorization": f"Bearer {key}"},
                        timeout=1,
                    )
                    if answer.status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.01)
            times.append(time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait()
    return {"coldstart_s_median": round(statistics.median(times), 3), "runs": times}


def main() -> None:
    what = sys.argv[1]
    url = sys.argv[2] if len(sys.argv) > 2 else ""
    if not url:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/edge.db"
    upgrade_to_head(url)
    if what == "overhead":
        print(json.dumps(asyncio.run(overhead(url))))
    elif what == "churn":
        print(json.dumps(asyncio.run(churn(url))))
    else:
        print(json.dumps(coldstart(url)))


if __name__ == "__main__":
    main()
