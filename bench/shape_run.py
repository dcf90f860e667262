"""`make bench-shapes`: the shape suite (bench/shapes.py) against PostGraphile, payments at 8 and
32 clients on both backends, and our server's RSS over many requests.

Every shape runs at 1, 8 and 32 keep-alive clients, ours and PostGraphile's alternated in
blocks on the same PostgreSQL data; reported as ratios of req/s (ours / PostGraphile, above 1
is faster) with both p95s. Environment:
- BENCH_QUICK=1      fewer requests, one round (for development on a shared machine)
- BENCH_ROUNDS       blocks per shape and client count for each server (default 3; quick 1)
- BENCH_RSS_REQUESTS requests between the two RSS readings (default 100,000; quick 5,000)
- BENCH_SHAPES       comma-separated shape names to measure (default: all)
- BENCH_PARTS        comma-separated parts to run: shapes, rss, cold, payments (default: all)
- BENCH_WORKERS      comma-separated worker counts (default: 1 and one per core); ours runs
                     `serve --workers N`, PostGraphile `--cluster-workers N`, on the same cores
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import cold_start, dataset, peer, servers
from bench.httpclient import HttpConnection, post_request
from bench.load import Load, closed_loop, rss_kib
from bench.pg import Cluster, postgres_bindir
from bench.queries import PAY
from bench.run import CACHE, LOGS, Options, Report, graphql_body, middle_project, prepare_small
from bench.shape_table import CLIENT_COUNTS, table
from bench.shapes import SHAPES, Ids, Shape
from db.engine import create_engine

RESULTS = Path(__file__).resolve().parent / "shapes_results.json"
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
ROUNDS = int(os.environ.get("BENCH_ROUNDS") or (1 if QUICK else 3))
REQUESTS = {1: 60, 8: 200, 32: 320} if QUICK else {1: 300, 8: 1000, 32: 1600}
BLOCK_S = 4.0 if QUICK else 10.0
WORKER_COUNTS = tuple(
    int(n) for n in (os.environ.get("BENCH_WORKERS") or f"1,{os.cpu_count() or 1}").split(",")
)
ONLY = {name for name in os.environ.get("BENCH_SHAPES", "").split(",") if name}
PARTS = set((os.environ.get("BENCH_PARTS") or "shapes,rss,cold,payments").split(","))
RSS_REQUESTS = int(os.environ.get("BENCH_RSS_REQUESTS") or (5_000 if QUICK else 100_000))


def say(message: str) -> None:
    print(message, flush=True)


def no_errors(status: int, body: bytes) -> None:
    if b'"errors"' in body:
        raise RuntimeError(f"GraphQL errors: {body[:300]!r}")


async def ask(port: int, query: str, variables: dict[str, Any], auth: dict[str, str]) -> Any:
    connection = HttpConnection(servers.HOST, port)
    try:
        request = post_request(servers.HOST, port, "/graphql", graphql_body(query, variables), auth)
        status, body = await connection.send(request)
    finally:
        await connection.close()
    parsed = json.loads(body)
    if status != 200 or parsed.get("errors"):
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    return parsed["data"]


async def dataset_ids(url: str, account_id: str) -> Ids:
    engine = create_engine(url)
    try:
        project = await middle_project(engine, account_id)
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT i.id AS invoice, a.payment_id AS payment FROM invoice i "
                        "JOIN allocation a ON a.account_id = i.account_id AND a.invoice_id = i.id "
                        "WHERE i.account_id = :a AND i.project_id = :p ORDER BY i.id LIMIT 1"
                    ),
                    {"a": account_id, "p": project},
                )
            ).one()
            other = await connection.scalar(
                text("SELECT id FROM project WHERE account_id = :a AND id <> :p ORDER BY id"),
                {"a": account_id, "p": project},
            )
    finally:
        await engine.dispose()
    return Ids(account_id, project, str(other), row.invoice, row.payment)


async def peer_node_ids(port: int, ids: Ids) -> Ids:
    query = """query($a: String!, $p: String!, $i: String!) {
      p: projectByAccountIdAndId(accountId: $a, id: $p) { nodeId }
      i: invoiceByAccountIdAndId(accountId: $a, id: $i) { nodeId } }"""
    data = await ask(port, query, {"a": ids.account, "p": ids.project, "i": ids.invoice}, {})
    return Ids(**{**ids.__dict__, "peer_project_node": data["p"]["nodeId"],
                  "peer_invoice_node": data["i"]["nodeId"]})  # fmt: skip


async def measure_shape(
    shape: Shape, ids: Ids, ours: servers.Server, theirs: servers.Server | None, key: str
) -> dict[str, Any]:
    """Return the shape's req/s and p95 for both servers at each client count."""
    auth = {"Authorization": f"Bearer {key}"}
    documents = {"ours": (ours.port, shape.query, shape.variables(ids), auth)}
    if theirs is not None:
        documents["peer"] = (theirs.port, shape.peer_query, shape.peer_variables(ids), {})
    for port, query, variables, headers in documents.values():
        await ask(port, query, variables, headers)  # each answers without errors first
    requests = {
        name: (port, graphql_body(query, variables), headers)
        for name, (port, query, variables, headers) in documents.items()
    }
    row: dict[str, Any] = {"shape": shape.name}
    for clients in CLIENT_COUNTS:
        loads: dict[str, list[Load]] = {name: [] for name in requests}
        for _ in range(ROUNDS):
            for name, (port, body, headers) in requests.items():
                raw = post_request(servers.HOST, port, "/graphql", body, headers)
                loads[name].append(
                    await closed_loop(
                        port, itertools.repeat(raw).__next__, total=REQUESTS[clients],
                        clients=clients, max_s=BLOCK_S, check=no_errors,
                    )
                )  # fmt: skip
        for name, measured in loads.items():
            row[f"{name}_rps_{clients}"] = statistics.median(m.rps for m in measured)
            row[f"{name}_p95_{clients}"] = statistics.median(m.latencies.p95_ms for m in measured)
        if "peer" in loads:
            row[f"ratio_{clients}"] = row[f"ours_rps_{clients}"] / row[f"peer_rps_{clients}"]
    return row


async def payments(
    url: str, account_id: str, key: str, backend: str, workers: int
) -> list[dict[str, Any]]:
    """Return payments/s and p95 at 8 and 32 clients (1.00 to open invoices), then the books."""
    engine = create_engine(url)
    ours = servers.ours(url, LOGS, f"shapes-pay-{backend}-{workers}", workers=workers)
    await ours.start()
    rows = []
    try:
        async with engine.connect() as connection:
            invoices = list(
                await connection.scalars(
                    text(
                        "SELECT id FROM invoice WHERE account_id = :a AND status IN "
                        "('OPEN', 'PARTIALLY_PAID') AND total - amount_paid >= 100000 "
                        "ORDER BY id LIMIT 200"
                    ),
                    {"a": account_id},
                )
            )
        counter = 0
        auth = {"Authorization": f"Bearer {key}"}

        def request() -> bytes:
            nonlocal counter
            counter += 1
            allocation = {"invoiceId": invoices[counter % len(invoices)], "amount": "1.00"}
            variables = {"input": {"method": "WIRE", "reference": f"shape-{counter}",
                                   "allocations": [allocation]}}  # fmt: skip
            return post_request(
                servers.HOST, ours.port, "/graphql", graphql_body(PAY, variables), auth
            )

        def accepted(status: int, body: bytes) -> None:
            if b'"userErrors":[]' not in body:
                raise RuntimeError(f"payment refused: {body[:300]!r}")

        for clients in (8, 32):
            load = await closed_loop(
                ours.port, request, total=REQUESTS[32] * 2, clients=clients, max_s=BLOCK_S * 2,
                check=accepted,
            )  # fmt: skip
            rows.append({"backend": backend, "workers": workers, "clients": clients,
                         "payments_per_s": load.rps,
                         "p95_ms": load.latencies.p95_ms, "n": load.latencies.n})  # fmt: skip
        problems = await dataset.consistency_problems(engine, account_id)
        rows.append({"backend": backend, "workers": workers, "books_balance": not problems,
                     "problems": problems[:3]})  # fmt: skip
    finally:
        ours.stop()
        await engine.dispose()
    return rows


async def rss(ours: servers.Server, ids: Ids, key: str) -> dict[str, Any]:
    """Our server's RSS after a warm-up and after RSS_REQUESTS more requests of every shape."""
    assert ours.process is not None
    auth = {"Authorization": f"Bearer {key}"}
    mix = [
        post_request(servers.HOST, ours.port, "/graphql",
                     graphql_body(s.query, s.variables(ids)), auth)
        for s in SHAPES if s.name not in ("deep graph", "relay projects")
    ]  # fmt: skip
    turn = iter(range(10**9))

    def request() -> bytes:
        return mix[next(turn) % len(mix)]

    await closed_loop(ours.port, request, total=2000, clients=8, max_s=120)
    before = rss_kib(ours.process.pid)
    started = time.perf_counter()
    load = await closed_loop(ours.port, request, total=RSS_REQUESTS, clients=8, max_s=3600)
    after = rss_kib(ours.process.pid)
    return {"requests": load.latencies.n, "rss_before_kib": before, "rss_after_kib": after,
            "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip


async def main_async() -> dict[str, Any]:
    report = Report(Options.from_env())
    results: dict[str, Any] = {"quick": QUICK, "rounds": ROUNDS, "shapes": [], "payments": []}
    bindir = postgres_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL not found (make postgres installs it)")
    cluster = Cluster(bindir, CACHE / "pg")
    cluster.start()
    started: list[servers.Server] = []
    try:
        reason = peer.npm_available()
        cli = None if reason else await asyncio.to_thread(peer.install, CACHE / "postgraphile")
        db = await prepare_small("postgresql", report, cluster, cli is not None)
        ids = await dataset_ids(db.url, db.account_id)
        for workers in WORKER_COUNTS:
            ours = servers.ours(db.url, LOGS, f"shapes-{workers}", workers=workers)
            theirs = peer.server(cli, db.dsn, LOGS, f"shapes-{workers}", workers) if cli else None
            for server in (ours, theirs):
                if server is not None:
                    await server.start()
                    started.append(server)
            if theirs is not None:
                ids = await peer_node_ids(theirs.port, ids)
            for shape in SHAPES if "shapes" in PARTS else ():
                if ONLY and shape.name not in ONLY:
                    continue
                say(f"  {shape.name}, {workers} worker(s)")
                row = await measure_shape(shape, ids, ours, theirs, db.key)
                results["shapes"].append({"workers": workers, **row})
            if theirs is not None:
                theirs.stop()
            if workers == 1 and "rss" in PARTS:  # the measured process is the worker itself
                say("  RSS")
                results["rss"] = await rss(ours, ids, db.key)
            ours.stop()
        if "cold" in PARTS:
            say("  cold start")
            results["cold_start"] = await cold_start.measure(
                lambda: servers.ours(db.url, LOGS, "cold"),
                (lambda: peer.server(cli, db.dsn, LOGS, "cold")) if cli else None,
                db.key,
                rounds=ROUNDS + 2,
            )
        say("  payments")
        lite = await prepare_small("sqlite", report, None, False)
        for workers in WORKER_COUNTS if "payments" in PARTS else ():
            for url, account, key, backend in (
                (db.url, db.account_id, db.key, "postgresql"),
                (lite.url, lite.account_id, lite.key, "sqlite"),
            ):
                results["payments"] += await payments(url, account, key, backend, workers)
    finally:
        for server in started:
            server.stop()
        cluster.stop()
    return results


def main() -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    say(f"shape suite: {'quick, ' if QUICK else ''}{ROUNDS} round(s), clients {CLIENT_COUNTS}")
    results = asyncio.run(main_async())
    RESULTS.write_text(json.dumps(results, indent=1))
    say(table(results))
    books = all(row.get("books_balance", True) for row in results["payments"])
    return 0 if books else 1


if __name__ == "__main__":
    raise SystemExit(main())
