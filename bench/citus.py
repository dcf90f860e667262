"""`make bench-citus`: S1, S3 and S4 on a three-node Citus cluster beside plain PostgreSQL.

Both databases get the same small dataset (bench/dataset.py, same seed); the Citus one is
migrated and distributed (`milestone-billing distribute`) before the load. Calls alternate
between the two apps in-process (bench/measure.py), so both see the same load on the machine.
Every node is a throwaway cluster without fsync (tests/postgres.py), plain PostgreSQL too.

- S1: the first 50 projects with balances and milestones (one request);
- S3: recordExternalPayment of 1.00 on an open invoice, sequential;
- S4: one project's balance and first 20 invoices.

Environment: BENCH_N rounds (default 200, after 20 warm-up).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from sqlalchemy import text

from bench.asgi import InProcessClient
from bench.dataset import SMALL, build_postgres, create_bench_key
from bench.measure import alternate
from bench.queries import PAY, S1, S4
from bench.run import graphql_body, middle_project
from db.distribute import distribute
from db.engine import create_engine
from db.migrate import upgrade_to_head
from server.app import create_app
from server.settings import Settings
from tests.citus import citus_cluster, citus_installed
from tests.postgres import postgres_bindir, throwaway_cluster

Call = Callable[[], Awaitable[object]]


async def load(url: str, *, citus: bool) -> str:
    """Migrate (and on Citus distribute) `url`, load the small dataset; return the account."""
    if citus:
        await asyncio.to_thread(upgrade_to_head, url)
        engine = create_engine(url)
        try:
            await distribute(engine)
        finally:
            await engine.dispose()
    return (await build_postgres(url, SMALL)).account_id


async def scenario_calls(
    url: str, account_id: str, stack: contextlib.AsyncExitStack
) -> dict[str, Call]:
    """Return one call per scenario against an in-process app on `url`."""
    engine = create_engine(url)
    stack.push_async_callback(engine.dispose)
    client = InProcessClient(
        create_app(Settings(database_url=url), engine=engine),
        api_key=await create_bench_key(url, account_id),
    )
    async with engine.connect() as connection:
        open_invoices = list(
            await connection.scalars(
                text(
                    "SELECT id FROM invoice WHERE account_id = :a AND status IN "
                    "('OPEN', 'PARTIALLY_PAID') AND total - amount_paid >= 100000 ORDER BY id"
                ),
                {"a": account_id},
            )
        )
    s1 = graphql_body(S1)
    s4 = graphql_body(S4, {"id": await middle_project(engine, account_id)})
    counter = itertools.count()

    async def post(body: bytes) -> dict[str, Any]:
        status, raw = await client.post(body)
        parsed = orjson.loads(raw)
        if status != 200 or parsed.get("errors"):
            raise RuntimeError(f"HTTP {status}: {raw[:300]!r}")
        return dict(parsed["data"])

    async def s3() -> None:
        n = next(counter)
        allocation = {"invoiceId": open_invoices[n % len(open_invoices)], "amount": "1.00"}
        variables = {
            "input": {"method": "WIRE", "reference": f"citus-{n}", "allocations": [allocation]}
        }
        payload = (await post(graphql_body(PAY, variables)))["recordExternalPayment"]
        if payload["userErrors"]:
            raise RuntimeError(f"userErrors: {payload['userErrors']}")

    return {"S1": lambda: post(s1), "S3": s3, "S4": lambda: post(s4)}


async def run() -> int:
    bindir = postgres_bindir()
    if bindir is None or not citus_installed(bindir):
        print("Citus is not installed (make citus): nothing to measure", file=sys.stderr)
        return 1
    rounds = int(os.environ.get("BENCH_N", "200"))
    with (
        throwaway_cluster(bindir, databases=("bench",)) as plain,
        citus_cluster(bindir, databases=("bench",)) as citus,
    ):
        accounts = {"postgresql": await load(plain["bench"], citus=False)}
        accounts["citus"] = await load(citus["bench"], citus=True)
        urls = {"postgresql": plain["bench"], "citus": citus["bench"]}
        async with contextlib.AsyncExitStack() as stack:
            calls = {name: await scenario_calls(urls[name], accounts[name], stack) for name in urls}
            # Same answers first: the distributed database holds the same books.
            for scenario in ("S1", "S4"):
                if await calls["postgresql"][scenario]() != await calls["citus"][scenario]():
                    print(f"{scenario}: Citus answers differently", file=sys.stderr)
                    return 1
            print(f"{'':4} {'PostgreSQL median / p95':>26} {'Citus median / p95':>22} {'ratio':>6}")
            for scenario in ("S1", "S3", "S4"):
                measured = await alternate(
                    [(name, calls[name][scenario]) for name in urls],
                    n=rounds,
                    warmup=20,
                    budget_s=60,
                )
                plain_ms, citus_ms = (measured.samples[name] for name in urls)
                print(
                    f"{scenario:4} {plain_ms.median_ms:>12.2f} / {plain_ms.p95_ms:<7.2f} ms"
                    f" {citus_ms.median_ms:>10.2f} / {citus_ms.p95_ms:<7.2f} ms"
                    f" {citus_ms.median_ms / plain_ms.median_ms:>5.2f}x"
                    f"  ({measured.rounds} rounds){'  ' + measured.note if measured.note else ''}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
