"""`make bench`: every scenario on SQLite and PostgreSQL, with the floor and the peer.

Environment:
- BENCH_LARGE=1        also the large size (built once, cached in bench/.cache) for scenario 4
- BENCH_BUDGET_S       the run's time budget in seconds (default 250; 1500 with BENCH_LARGE)
- BENCH_N              sequential samples per measurement (default 200, after 20 warm-up)
- BENCH_BACKENDS       comma-separated, default "sqlite,postgresql"
- BENCH_PEER=0         skip PostGraphile
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import platform
import re
import shutil
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import dataset, explain, lists, peer, servers
from bench.asgi import InProcessClient
from bench.dataset import LARGE, SMALL, BuildInfo, Size
from bench.floor import Floor, open_floor
from bench.httpclient import HttpConnection, post_request
from bench.measure import Alternated, Samples, alternate, throughput
from bench.pg import Cluster, postgres_bindir
from bench.queries import PAY, PEER_S1, PEER_S2, S1, S2, S4, count_leaves
from db.engine import create_engine
from db.migrate import upgrade_to_head
from server.app import create_app
from server.settings import Settings

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
LOGS = CACHE / "logs"
RESULTS = BENCH / "results.json"
MIN_FREE_BYTES = 5 * 1024**3
CLIENTS = 8

log = logging.getLogger("bench")


def say(message: str) -> None:
    print(message, flush=True)


@dataclass
class Options:
    large: bool
    budget_s: float
    n: int
    warmup: int
    backends: list[str]
    peer: bool

    @classmethod
    def from_env(cls) -> Options:
        env = os.environ
        large = env.get("BENCH_LARGE", "").strip() not in ("", "0")
        return cls(
            large=large,
            budget_s=float(env.get("BENCH_BUDGET_S") or (1500 if large else 250)),
            n=int(env.get("BENCH_N") or 200),
            warmup=int(env.get("BENCH_WARMUP") or 20),
            backends=[
                b.strip()
                for b in (env.get("BENCH_BACKENDS") or "sqlite,postgresql").split(",")
                if b.strip()
            ],
            peer=env.get("BENCH_PEER", "1").strip() not in ("", "0"),
        )


@dataclass
class Row:
    scenario: str
    backend: str
    size: str
    mode: str
    median_ms: float | None = None
    p95_ms: float | None = None
    n: int = 0
    statements: int | None = None
    leaves: int | None = None
    response_bytes: int | None = None
    floor_median_ms: float | None = None
    floor_ratio: float | None = None
    peer_median_ms: float | None = None
    peer_ratio: float | None = None
    rps: float | None = None
    floor_rps: float | None = None
    peer_rps: float | None = None
    payments_per_s: float | None = None
    size_ratio: float | None = None
    note: str = ""


@dataclass
class Check:
    """A correctness check fails the run; a warning (EXPLAIN's verdict) is only reported."""

    name: str
    ok: bool
    detail: str = ""
    warning: bool = False


@dataclass
class Report:
    options: Options
    started: float = field(default_factory=time.perf_counter)
    rows: list[Row] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    explains: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    builds: list[dict[str, Any]] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    segment_s: float = 0.0  # the time share of the backend being measured

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def remaining(self) -> float:
        return self.options.budget_s - self.elapsed()

    def check(self, name: str, ok: bool, detail: str = "", *, warning: bool = False) -> None:
        self.checks.append(Check(name, ok, detail, warning))
        verdict = "ok" if ok else "WARNING" if warning else "FAILED"
        say(f"  [{verdict}] {name}{': ' + detail if detail else ''}")

    def skip(self, reason: str) -> None:
        self.skipped.append(reason)
        say(f"  [skipped] {reason}")


@dataclass
class Database:
    backend: str
    size: Size
    url: str
    account_id: str
    key: str = ""
    dsn: str = ""  # asyncpg DSN on PostgreSQL, the file path on SQLite


def budget(report: Report, cap: float, share: float, least: float = 2.0) -> float:
    """Seconds for one measurement: at most `cap`, `share` of the backend's time, and what is
    left of the run, but at least `least`."""
    return max(least, min(cap, report.segment_s * share, report.remaining() - 20))


# --- responses ---------------------------------------------------------------------------


def graphql_body(query: str, variables: dict[str, Any] | None = None) -> bytes:
    return orjson.dumps({"query": query, "variables": variables or {}})


def parse(status: int, body: bytes, what: str) -> dict[str, Any]:
    if status != 200:
        raise RuntimeError(f"{what}: HTTP {status}: {body[:300]!r}")
    parsed: dict[str, Any] = orjson.loads(body)
    if parsed.get("errors"):
        raise RuntimeError(f"{what}: errors {orjson.dumps(parsed['errors'])[:500]!r}")
    return parsed


def stats_of(parsed: dict[str, Any]) -> int | None:
    stats = (parsed.get("extensions") or {}).get("stats") or {}
    value = stats.get("sqlStatements")
    return None if value is None else int(value)


def first_difference(a: Any, b: Any, path: str = "data") -> str:
    """Return where two JSON values first differ (for a failed equality check)."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {str(a)[:80]} vs {type(b).__name__} {str(b)[:80]}"
    if isinstance(a, dict):
        for key in dict.fromkeys([*a, *b]):
            if key not in a or key not in b:
                return f"{path}.{key}: only on one side"
            if a[key] != b[key]:
                return first_difference(a[key], b[key], f"{path}.{key}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{index}]")
    return f"{path}: {str(a)[:80]} vs {str(b)[:80]}"


# --- databases ---------------------------------------------------------------------------


async def prepare_small(
    backend: str, report: Report, cluster: Cluster | None, with_peer: bool
) -> Database:
    started = time.perf_counter()
    if backend == "sqlite":
        path = CACHE / "small.sqlite"
        info: BuildInfo = await asyncio.to_thread(dataset.build_sqlite, path, SMALL)
        db = Database(backend, SMALL, dataset.sqlite_url(path), info.account_id, dsn=str(path))
    else:
        assert cluster is not None
        url = cluster.recreate("bench_small")
        info = await dataset.build_postgres(url, SMALL)
        db = Database(backend, SMALL, url, info.account_id, dsn=cluster.dsn("bench_small"))
        if with_peer:
            cluster.psql("bench_small", peer.schema_sql())
    db.key = await dataset.create_bench_key(db.url, db.account_id)
    rows = sum(info.counts.values())
    report.builds.append(
        {"backend": backend, "size": "small", "seconds": round(info.seconds, 2), "rows": rows}
        | {"counts": info.counts, "cached": False}
    )
    say(f"  small dataset: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    return db


async def prepare_large(
    backend: str, report: Report, cluster: Cluster | None, small_seconds: float
) -> Database | None:
    """Return the cached large database, building it when there is disk and time for it."""
    version = dataset.GENERATOR_VERSION
    if backend == "sqlite":
        path = CACHE / f"large-v{version}.sqlite"
        if path.exists():
            url = dataset.sqlite_url(path)
            await asyncio.to_thread(upgrade_to_head, url)
            return await _cached(backend, url, str(path), report)
    else:
        assert cluster is not None
        marker = f"milestone-billing bench large v{version} complete"
        if cluster.exists("bench_large"):
            comment = cluster.psql(
                "postgres",
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = 'bench_large'",
            )
            if comment == marker:
                url = cluster.url("bench_large")
                await asyncio.to_thread(upgrade_to_head, url)
                return await _cached(backend, url, cluster.dsn("bench_large"), report)
    free = shutil.disk_usage(CACHE).free
    if free < MIN_FREE_BYTES:
        report.skip(f"large on {backend}: {free / 1024**3:.1f} GB free, the build needs 5 GB")
        return None
    # The small build's pace, with a margin for the indexes growing past the cache.
    estimate = small_seconds / SMALL.rows * LARGE.rows * 2.5
    if estimate > report.remaining() - 60:
        report.skip(
            f"large on {backend}: building it would take about {estimate:.0f} s and "
            f"{report.remaining():.0f} s of the budget are left (raise BENCH_BUDGET_S)"
        )
        return None
    say(f"  building the large dataset on {backend} (about {estimate:.0f} s, cached afterwards)")
    if backend == "sqlite":
        building = CACHE / f"large-v{version}.sqlite.building"
        info = await asyncio.to_thread(dataset.build_sqlite, building, LARGE)
        building.rename(path)
        db = Database(backend, LARGE, dataset.sqlite_url(path), info.account_id, dsn=str(path))
    else:
        assert cluster is not None
        url = cluster.recreate("bench_large")
        info = await dataset.build_postgres(url, LARGE, check_foreign_keys=False)
        cluster.psql("postgres", f"COMMENT ON DATABASE bench_large IS '{marker}'")
        db = Database(backend, LARGE, url, info.account_id, dsn=cluster.dsn("bench_large"))
    rows = sum(info.counts.values())
    report.builds.append(
        {"backend": backend, "size": "large", "seconds": round(info.seconds, 1), "rows": rows}
        | {"counts": info.counts, "cached": False}
    )
    say(f"  large dataset: {rows:,} rows in {info.seconds:.0f} s")
    db.key = await dataset.create_bench_key(db.url, db.account_id)
    return db


async def _cached(backend: str, url: str, dsn: str, report: Report) -> Database | None:
    engine = create_engine(url)
    try:
        account_id = await dataset.bench_account_id(engine)
    finally:
        await engine.dispose()
    if account_id is None:
        report.skip(f"large on {backend}: the cached database has no bench account")
        return None
    db = Database(backend, LARGE, url, account_id, dsn=dsn)
    db.key = await dataset.create_bench_key(url, account_id)
    report.builds.append({"backend": backend, "size": "large", "cached": True})
    say(f"  large dataset: cached ({dsn})")
    return db


# --- scenarios 1 and 2 -------------------------------------------------------------------


@dataclass
class Reference:
    """What one scenario answered once: checked against the floor and the peer."""

    data: Any
    statements: int | None
    leaves: int
    size: int


async def inprocess_s1_s2(
    db: Database, client: InProcessClient, floor: Floor, report: Report
) -> dict[str, Reference]:
    references: dict[str, Reference] = {}
    for scenario, query, floor_call in (("S1", S1, floor.s1), ("S2", S2, floor.s2)):
        body = graphql_body(query)
        row = Row(scenario, db.backend, db.size.name, "in-process")
        report.rows.append(row)
        try:
            status, raw = await client.post(body)
            parsed = parse(status, raw, f"{scenario} {db.backend}")
            floor_data = orjson.loads(await floor_call())
            same = floor_data == parsed["data"]
            report.check(
                f"{scenario} {db.backend}: floor JSON == GraphQL data",
                same,
                "" if same else first_difference(parsed["data"], floor_data),
            )
            reference = Reference(
                parsed["data"], stats_of(parsed), count_leaves(parsed["data"]), len(raw)
            )
            references[scenario] = reference
            row.statements, row.leaves, row.response_bytes = (
                reference.statements,
                reference.leaves,
                reference.size,
            )

            async def graphql(body: bytes = body) -> None:
                status, raw = await client.post(body)
                if status != 200:
                    raise RuntimeError(f"HTTP {status}")

            measured = await alternate(
                [("graphql", graphql), ("floor", floor_call)],
                n=report.options.n,
                warmup=report.options.warmup,
                budget_s=budget(report, 30, 0.12 if scenario == "S1" else 0.15),
            )
            fill(row, measured, "graphql", floor="floor")
        except Exception as error:  # noqa: BLE001 - reported, the run goes on
            row.note = f"error: {error}"[:300]
            report.check(f"{scenario} {db.backend} in-process", False, row.note)
    return references


def fill(row: Row, measured: Alternated, ours: str, *, floor: str = "", peer: str = "") -> None:
    main: Samples = measured.samples[ours]
    row.median_ms, row.p95_ms, row.n = main.median_ms, main.p95_ms, main.n
    if floor:
        row.floor_median_ms = measured.samples[floor].median_ms
        row.floor_ratio = main.median_ms / row.floor_median_ms
    if peer:
        row.peer_median_ms = measured.samples[peer].median_ms
        row.peer_ratio = main.median_ms / row.peer_median_ms
    if measured.note:
        row.note = "; ".join(filter(None, [row.note, measured.note]))


async def http_s1_s2(
    db: Database,
    ours: servers.Server,
    floor_server: servers.Server,
    peer_server: servers.Server | None,
    references: dict[str, Reference],
    report: Report,
) -> None:
    auth = {"Authorization": f"Bearer {db.key}"}
    host = servers.HOST
    for scenario, query, peer_query, path in (
        ("S1", S1, PEER_S1, "/s1"),
        ("S2", S2, PEER_S2, "/s2"),
    ):
        row = Row(scenario, db.backend, db.size.name, "http")
        report.rows.append(row)
        if scenario not in references:
            row.note = "skipped: the in-process run failed"
            continue
        reference = references[scenario]
        row.statements, row.leaves, row.response_bytes = (
            reference.statements,
            reference.leaves,
            reference.size,
        )
        requests: dict[str, tuple[int, bytes]] = {
            "ours": (
                ours.port,
                post_request(host, ours.port, "/graphql", graphql_body(query), auth),
            ),
            "floor": (floor_server.port, post_request(host, floor_server.port, path, b"{}", {})),
        }
        if peer_server is not None:
            requests["peer"] = (
                peer_server.port,
                post_request(host, peer_server.port, "/graphql", graphql_body(peer_query), {}),
            )
        connections = {name: HttpConnection(host, port) for name, (port, _) in requests.items()}
        try:
            for name, (_, request) in requests.items():
                status, raw = await connections[name].send(request)
                parsed = parse(status, raw, f"{scenario} {db.backend} over HTTP from {name}")
                same = parsed["data"] == reference.data
                label = {"ours": "uvicorn", "floor": "floor server", "peer": "PostGraphile"}[name]
                report.check(
                    f"{scenario} {db.backend}: {label} data == in-process GraphQL data",
                    same,
                    "" if same else first_difference(reference.data, parsed["data"]),
                )
                if not same and name == "peer":
                    requests.pop("peer")  # not equivalent: no ratio
            calls: list[tuple[str, Callable[[], Awaitable[object]]]] = []
            for name, (_, request) in requests.items():

                async def call(
                    connection: HttpConnection = connections[name], r: bytes = request
                ) -> None:
                    status, raw = await connection.send(r)
                    if status != 200:
                        raise RuntimeError(f"HTTP {status}: {raw[:200]!r}")

                calls.append((name, call))
            measured = await alternate(
                calls,
                n=report.options.n,
                warmup=report.options.warmup,
                budget_s=budget(report, 30, 0.12 if scenario == "S1" else 0.15),
            )
            fill(row, measured, "ours", floor="floor", peer="peer" if "peer" in requests else "")
            # Throughput: 8 clients, blocks alternated (ours, floor, peer, ours, floor, peer).
            per_block = budget(report, 3, 0.01)  # 6 blocks a scenario
            done: dict[str, list[float]] = {name: [] for name in requests}
            for _ in range(2):
                for name, (port, request) in requests.items():
                    rps = await throughput(
                        port, request, total=10_000, clients=CLIENTS, max_s=per_block
                    )
                    done[name].append(rps)
            row.rps = statistics.fmean(done["ours"])
            row.floor_rps = statistics.fmean(done["floor"])
            if "peer" in done:
                row.peer_rps = statistics.fmean(done["peer"])
        except Exception as error:  # noqa: BLE001
            row.note = f"error: {error}"[:300]
            report.check(f"{scenario} {db.backend} over HTTP", False, row.note)
        finally:
            for connection in connections.values():
                await connection.close()


# --- scenario 3 --------------------------------------------------------------------------


async def payments(db: Database, ours: servers.Server, engine: AsyncEngine, report: Report) -> None:
    """recordExternalPayment through uvicorn, sequential then 8 clients, then the books."""
    host, port = servers.HOST, ours.port
    auth = {"Authorization": f"Bearer {db.key}"}
    async with engine.connect() as connection:
        targets = (
            await connection.execute(
                text(
                    "SELECT id, amount_paid FROM invoice WHERE account_id = :a "
                    "AND status IN ('OPEN', 'PARTIALLY_PAID') AND total - amount_paid >= 100000 "
                    "ORDER BY id LIMIT 200"
                ),
                {"a": db.account_id},
            )
        ).all()
    if len(targets) < 10:
        report.check(f"S3 {db.backend}: payable invoices", False, f"only {len(targets)}")
        return
    before = {row.id: int(row.amount_paid) for row in targets}
    ids = list(before)
    paid: dict[str, int] = dict.fromkeys(ids, 0)
    counter = 0
    statements: list[int] = []

    def request() -> tuple[bytes, str]:
        nonlocal counter
        counter += 1
        invoice_id = ids[counter % len(ids)]
        variables = {
            "input": {
                "method": "WIRE",
                "reference": f"bench-{counter}",
                "allocations": [{"invoiceId": invoice_id, "amount": "1.00"}],
            }
        }
        return post_request(host, port, "/graphql", graphql_body(PAY, variables), auth), invoice_id

    async def pay(connection: HttpConnection) -> float:
        raw_request, invoice_id = request()
        t0 = time.perf_counter()
        status, raw = await connection.send(raw_request)
        elapsed = time.perf_counter() - t0
        parsed = parse(status, raw, "recordExternalPayment")
        payload = parsed["data"]["recordExternalPayment"]
        if payload["userErrors"]:
            raise RuntimeError(f"userErrors: {payload['userErrors']}")
        paid[invoice_id] += 100
        if len(statements) < 50:
            statements.append(stats_of(parsed) or 0)
        return elapsed

    for mode, clients, total, cap in (
        ("http sequential", 1, 400, budget(report, 10, 0.05, least=5)),
        (f"http {CLIENTS} clients", CLIENTS, 1200, budget(report, 10, 0.05, least=5)),
    ):
        row = Row("S3", db.backend, db.size.name, mode)
        report.rows.append(row)
        latencies: list[float] = []
        deadline = time.perf_counter() + cap
        remaining = total

        async def client(deadline: float = deadline, latencies: list[float] = latencies) -> None:
            nonlocal remaining
            connection = HttpConnection(host, port)
            try:
                while remaining > 0 and time.perf_counter() < deadline:
                    remaining -= 1
                    latencies.append(await pay(connection))
            finally:
                await connection.close()

        try:
            started = time.perf_counter()
            await asyncio.gather(*(client() for _ in range(clients)))
            elapsed = time.perf_counter() - started
            samples = Samples(latencies)
            row.median_ms, row.p95_ms, row.n = samples.median_ms, samples.p95_ms, samples.n
            row.payments_per_s = samples.n / elapsed
            row.statements = int(statistics.median(statements)) if statements else None
            if samples.n < total:
                row.note = f"{samples.n} payments in the {cap:.0f} s allowed"
        except Exception as error:  # noqa: BLE001
            row.note = f"error: {error}"[:300]
            report.check(f"S3 {db.backend} {mode}", False, row.note)

    # A race for one invoice's whole balance: exactly one of 8 may win.
    winners = await race(db, ours, engine, report)
    async with engine.connect() as connection:
        after = {
            row.id: int(row.amount_paid)
            for row in await connection.execute(
                text("SELECT id, amount_paid FROM invoice WHERE account_id = :a"),
                {"a": db.account_id},
            )
        }
    wrong = [i for i in ids if after[i] - before[i] != paid[i] + winners.get(i, 0)]
    report.check(
        f"S3 {db.backend}: every touched invoice's amount_paid grew by what was paid",
        not wrong,
        f"{len(wrong)} invoices differ, e.g. {wrong[:3]}" if wrong else f"{len(ids)} invoices",
    )
    problems = await dataset.consistency_problems(engine, db.account_id)
    report.check(
        f"S3 {db.backend}: allocations == amount_paid everywhere, nothing over-allocated",
        not problems,
        "; ".join(problems[:3]),
    )


async def race(
    db: Database, ours: servers.Server, engine: AsyncEngine, report: Report
) -> dict[str, int]:
    host, port = servers.HOST, ours.port
    auth = {"Authorization": f"Bearer {db.key}"}
    async with engine.connect() as connection:
        target = (
            await connection.execute(
                text(
                    "SELECT id, total - amount_paid AS due FROM invoice WHERE account_id = :a "
                    "AND status = 'OPEN' ORDER BY id DESC LIMIT 1"
                ),
                {"a": db.account_id},
            )
        ).first()
    if target is None:
        report.check(f"S3 {db.backend}: race", False, "no open invoice")
        return {}
    due = int(target.due)
    variables = {
        "input": {
            "method": "ACH",
            "allocations": [{"invoiceId": target.id, "amount": f"{due // 100}.{due % 100:02d}"}],
        }
    }
    request = post_request(host, port, "/graphql", graphql_body(PAY, variables), auth)

    async def attempt() -> bool:
        connection = HttpConnection(host, port)
        try:
            status, raw = await connection.send(request)
            payload = parse(status, raw, "race")["data"]["recordExternalPayment"]
            return payload["payment"] is not None
        finally:
            await connection.close()

    results = await asyncio.gather(*(attempt() for _ in range(CLIENTS)))
    won = sum(results)
    report.check(
        f"S3 {db.backend}: {CLIENTS} concurrent payments of one invoice's whole balance",
        won == 1,
        f"{won} accepted (expected exactly 1)",
    )
    return {target.id: due * won}


# --- scenario 4 --------------------------------------------------------------------------


async def check_lists(
    db: Database, engine: AsyncEngine, client: InProcessClient, report: Report
) -> None:
    """EXPLAIN every root list's order and id filter (bench/lists.py): no full scan."""

    async def post(query: str, variables: dict[str, Any]) -> int:
        status, _raw = await client.post(graphql_body(query, variables))
        return status

    results = await lists.explain_lists(
        backend=db.backend,
        dsn=db.dsn,
        engine=engine,
        account_id=db.account_id,
        project_id=await middle_project(engine, db.account_id),
        post=post,
    )
    failed = [f"{label}: {scans[0]}" for label, judged, scans in results if judged and scans]
    report.check(
        f"lists {db.backend} {db.size.name}: EXPLAIN of {len(results)} list requests (every "
        "order both ways, every id filter), no full scan",
        not failed,
        "; ".join(failed[:4]),
        warning=db.size is not LARGE,  # the small dataset: PostgreSQL may rightly Seq Scan
    )
    for label, judged, scans in results:
        if scans and not judged:
            say(f"      {label}: {scans[0][:100]}")


async def middle_project(engine: AsyncEngine, account_id: str) -> str:
    async with engine.connect() as connection:
        count = int(
            await connection.scalar(
                text("SELECT COUNT(*) FROM project WHERE account_id = :a"), {"a": account_id}
            )
            or 0
        )
        found = await connection.scalar(
            text(
                "SELECT id FROM project WHERE account_id = :a ORDER BY created_at, id "
                "LIMIT 1 OFFSET :n"
            ),
            {"a": account_id, "n": count // 2},
        )
    return str(found)


async def scale(dbs: list[Database], report: Report) -> None:
    """One project's balance and invoice page, at each size, requests alternated."""
    apps: list[tuple[Database, AsyncEngine, InProcessClient, bytes]] = []
    try:
        for db in dbs:
            engine = create_engine(db.url)
            app = create_app(Settings(database_url=db.url, expose_query_stats=True), engine=engine)
            client = InProcessClient(app, api_key=db.key)
            project_id = await middle_project(engine, db.account_id)
            apps.append((db, engine, client, graphql_body(S4, {"id": project_id})))
        rows: dict[str, Row] = {}
        calls: list[tuple[str, Callable[[], Awaitable[object]]]] = []
        for db, engine, client, body in apps:
            row = Row("S4", db.backend, db.size.name, "in-process")
            report.rows.append(row)
            rows[db.size.name] = row
            with explain.capture(engine) as captured:
                status, raw = await client.post(body)
            parsed = parse(status, raw, f"S4 {db.backend} {db.size.name}")
            row.statements, row.leaves, row.response_bytes = (
                stats_of(parsed),
                count_leaves(parsed["data"]),
                len(raw),
            )
            if db.backend == "sqlite":
                plans = explain.explain_sqlite(db.dsn, captured)
            else:
                plans = await explain.explain_postgres(db.dsn, captured)
            scans = [scan for plan in plans for scan in plan.full_scans]
            # On invoice and allocation a full scan is what the issue rules out; elsewhere, and
            # on the small dataset where PostgreSQL rightly prefers a Seq Scan of a few pages,
            # it is reported for reading, not failed.
            report.check(
                f"S4 {db.backend} {db.size.name}: EXPLAIN of {len(plans)} statements, "
                "indexes used (no full scan of a big table)",
                not scans,
                ("full scans: " + "; ".join(scans[:4])) if scans else "",
                warning=True,
            )
            for plan in plans if scans or db.size is LARGE else ():
                for line in plan.lines:
                    if re.match(r"\s*(SCAN|SEARCH|Seq Scan|Index|Bitmap)", line):
                        say(f"      {plan.label[:48]:48} {line.strip()[:100]}")
            for plan in plans:
                report.explains.append(
                    {
                        "backend": db.backend,
                        "size": db.size.name,
                        "statement": " ".join(plan.statement.split()),
                        "plan": plan.lines,
                        "full_scans": plan.full_scans,
                    }
                )

            await check_lists(db, engine, client, report)

            async def call(client: InProcessClient = client, body: bytes = body) -> None:
                status, raw = await client.post(body)
                if status != 200:
                    raise RuntimeError(f"HTTP {status}")

            calls.append((db.size.name, call))
        measured = await alternate(
            calls,
            n=report.options.n,
            warmup=report.options.warmup,
            budget_s=budget(report, 20, 0.08),
        )
        for name, row in rows.items():
            fill(row, measured, name)
        if "large" in rows and "small" in rows:
            large, small = rows["large"], rows["small"]
            if large.median_ms and small.median_ms:
                large.size_ratio = large.median_ms / small.median_ms
    finally:
        for _, engine, _, _ in apps:
            await engine.dispose()


# --- one backend -------------------------------------------------------------------------


async def run_backend(backend: str, report: Report, cluster: Cluster | None) -> None:
    options = report.options
    say(f"\n== {backend} ==")
    peer_cli: Path | None = None
    if backend == "postgresql" and options.peer:
        reason = peer.npm_available()
        if reason:
            report.skip(f"PostGraphile: {reason}")
        else:
            try:
                peer_cli = await asyncio.to_thread(peer.install, CACHE / "postgraphile")
                report.versions["postgraphile"] = peer.version(peer_cli)
            except Exception as error:  # noqa: BLE001
                report.skip(f"PostGraphile: {error}")
    small_started = time.perf_counter()
    db = await prepare_small(backend, report, cluster, peer_cli is not None)
    small_seconds = time.perf_counter() - small_started

    engine = create_engine(db.url)
    app = create_app(Settings(database_url=db.url, expose_query_stats=True), engine=engine)
    client = InProcessClient(app, api_key=db.key)
    started: list[servers.Server] = []
    try:
        say("  S1, S2 in-process (GraphQL and floor alternated)")
        floor = await open_floor(db.url, db.account_id)
        try:
            # Started as uvicorn starts it (migration check, start-up tuning such as gc.freeze).
            async with app.router.lifespan_context(app):
                references = await inprocess_s1_s2(db, client, floor, report)
        finally:
            await floor.close()

        ours = servers.ours(db.url, LOGS, backend)
        floor_server = servers.floor(db.url, db.account_id, LOGS, backend)
        peer_server = None
        if peer_cli is not None:
            peer_server = peer.server(peer_cli, db.dsn, LOGS, backend)
        for server in (ours, floor_server, peer_server):
            if server is None:
                continue
            try:
                await server.start()
                started.append(server)
            except Exception as error:  # noqa: BLE001
                if server is peer_server:
                    report.skip(f"PostGraphile did not start: {error}"[:400])
                    peer_server = None
                else:
                    raise
        say("  S1, S2 over HTTP (ours, floor" + (", PostGraphile" if peer_server else "") + ")")
        await http_s1_s2(db, ours, floor_server, peer_server, references, report)
        if peer_server is not None:
            peer_server.stop()
        floor_server.stop()

        say("  S3 recordExternalPayment over HTTP")
        await payments(db, ours, engine, report)
        ours.stop()

        sizes = [db]
        if options.large:
            large = await prepare_large(backend, report, cluster, small_seconds)
            if large is not None:
                sizes.append(large)
        else:
            report.skip(f"large on {backend}: opt-in (make bench-large or BENCH_LARGE=1)")
        say("  S4 scale (" + ", ".join(d.size.name for d in sizes) + ", alternated) and EXPLAIN")
        await scale(sizes, report)
    finally:
        for server in started:
            server.stop()
        await engine.dispose()


# --- output ------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def table(report: Report) -> str:
    columns = [
        ("scenario", lambda r: r.scenario),
        ("backend", lambda r: r.backend),
        ("size", lambda r: r.size),
        ("mode", lambda r: r.mode),
        ("median ms", lambda r: _f(r.median_ms, 2)),
        ("p95 ms", lambda r: _f(r.p95_ms, 2)),
        ("n", lambda r: str(r.n or "-")),
        ("stmts", lambda r: "-" if r.statements is None else str(r.statements)),
        ("leaves", lambda r: "-" if r.leaves is None else str(r.leaves)),
        ("floor ms", lambda r: _f(r.floor_median_ms, 2)),
        ("x floor", lambda r: _f(r.floor_ratio, 2, "x")),
        ("peer ms", lambda r: _f(r.peer_median_ms, 2)),
        ("x peer", lambda r: _f(r.peer_ratio, 2, "x")),
        ("req/s 8c", lambda r: _f(r.rps, 0)),
        ("floor req/s", lambda r: _f(r.floor_rps, 0)),
        ("peer req/s", lambda r: _f(r.peer_rps, 0)),
        ("pay/s", lambda r: _f(r.payments_per_s, 0)),
        ("large/small", lambda r: _f(r.size_ratio, 2, "x")),
    ]
    cells = [[get(row) for _, get in columns] for row in report.rows]
    widths = [
        max(len(header), *(len(line[i]) for line in cells)) if cells else len(header)
        for i, (header, _) in enumerate(columns)
    ]
    out = [
        " | ".join(h.ljust(w) for (h, _), w in zip(columns, widths, strict=True)),
        "-+-".join("-" * w for w in widths),
    ]
    for row, line in zip(report.rows, cells, strict=True):
        out.append(" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
        if row.note:
            out.append(f"    note: {row.note}")
    return "\n".join(out)


def targets(report: Report) -> list[str]:
    """The issue's targets, judged on this run (reported, never asserted)."""
    lines = []

    def find(scenario: str, backend: str, mode: str, size: str = "small") -> Row | None:
        return next(
            (
                r
                for r in report.rows
                if (r.scenario, r.backend, r.mode, r.size) == (scenario, backend, mode, size)
            ),
            None,
        )

    def verdict(value: float | None, limit: float, higher_is_better: bool = False) -> str:
        if value is None:
            return "not measured"
        met = value >= limit if higher_is_better else value <= limit
        return "met" if met else "MISSED"

    for backend in report.options.backends:
        for scenario, floor_limit, peer_limit in (("S1", 2.0, 1.0), ("S2", 3.0, 2.0)):
            inproc, http = find(scenario, backend, "in-process"), find(scenario, backend, "http")
            ratio = inproc.floor_ratio if inproc else None
            lines.append(
                f"{scenario} {backend}: {_f(ratio, 2, 'x')} the floor in-process "
                f"(target <= {floor_limit:g}x: {verdict(ratio, floor_limit)}); over HTTP "
                f"{_f(http.floor_ratio if http else None, 2, 'x')} the floor server"
            )
            if backend == "postgresql":
                ratio = http.peer_ratio if http else None
                lines.append(
                    f"{scenario} {backend}: {_f(ratio, 2, 'x')} PostGraphile's latency over HTTP "
                    f"(target <= {peer_limit:g}x: {verdict(ratio, peer_limit)})"
                )
        for row in report.rows:
            if row.scenario == "S3" and row.backend == backend and backend == "sqlite":
                lines.append(
                    f"S3 {backend} {row.mode}: {_f(row.payments_per_s, 0)} payments/s "
                    f"(target >= 300: {verdict(row.payments_per_s, 300, True)})"
                )
        large = find("S4", backend, "in-process", "large")
        if large is not None:
            lines.append(
                f"S4 {backend}: large/small {_f(large.size_ratio, 2, 'x')} "
                f"(target <= 1.5x: {verdict(large.size_ratio, 1.5)})"
            )
        else:
            lines.append(f"S4 {backend}: large size not measured in this run")
    return lines


def write_results(report: Report) -> None:
    document = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "elapsed_s": round(report.elapsed(), 1),
        "command": " ".join([Path(sys.executable).name, "-m", "bench"]),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "options": asdict(report.options),
        "versions": report.versions,
        "builds": report.builds,
        "rows": [
            {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(row).items()}
            for row in report.rows
        ],
        "targets": targets(report),
        "checks": [asdict(check) for check in report.checks],
        "skipped": report.skipped,
        "explain": report.explains,
    }
    temporary = RESULTS.with_suffix(".json.tmp")
    temporary.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    temporary.replace(RESULTS)


# --- main --------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    found = {}
    for name in ("strawberry-graphql", "graphql-core", "sqlalchemy", "uvicorn", "uvloop"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = package_version(name)
    return found


async def main_async(report: Report) -> None:
    options = report.options
    cluster: Cluster | None = None
    backends = []
    for backend in options.backends:
        if backend == "postgresql":
            bindir = postgres_bindir()
            if bindir is None:
                report.skip("PostgreSQL: no initdb/pg_ctl found (make postgres installs them)")
                continue
            cluster = Cluster(bindir, CACHE / "pg")
        backends.append(backend)
    try:
        if cluster is not None:
            cluster.start()
            report.versions["postgresql"] = cluster.bindir.parent.name
        # PostgreSQL has more to run (three servers, the peer): it gets a larger share.
        weights = {"sqlite": 1.0, "postgresql": 1.3}
        for index, backend in enumerate(backends):
            left = sum(weights.get(b, 1.0) for b in backends[index:])
            report.segment_s = report.remaining() * weights.get(backend, 1.0) / left
            try:
                await run_backend(backend, report, cluster)
            except Exception as error:  # noqa: BLE001
                log.exception("backend %s failed", backend)
                report.check(f"{backend}: run", False, f"{type(error).__name__}: {error}"[:400])
    finally:
        if cluster is not None:
            cluster.stop()


def main() -> int:
    CACHE.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    # The in-process app logs through `logging`: keep it off the terminal.
    logging.basicConfig(
        filename=LOGS / "bench.log", filemode="w", level=logging.WARNING, force=True
    )
    options = Options.from_env()
    report = Report(options)
    report.versions.update(versions())
    say(
        f"milestone-billing bench: backends {', '.join(options.backends)}; "
        f"{options.n} samples after {options.warmup} warm-up; budget {options.budget_s:.0f} s"
        + ("; large size on" if options.large else "")
    )
    try:
        import uvloop

        uvloop.run(main_async(report))
    except ImportError:
        asyncio.run(main_async(report))
    say("\n" + table(report))
    say("\nTargets (issue 6), judged on this run:")
    for line in targets(report):
        say(f"  {line}")
    failed = [check for check in report.checks if not check.ok and not check.warning]
    if report.skipped:
        say("\nSkipped:")
        for reason in report.skipped:
            say(f"  {reason}")
    write_results(report)
    say(f"\nresults: {RESULTS}  ({report.elapsed():.0f} s)")
    if failed:
        say(f"{len(failed)} check(s) FAILED:")
        for check in failed:
            say(f"  {check.name}: {check.detail}")
        return 1
    return 0
