"""The bench's dataset generator and floor at a tiny size, so neither can rot silently.

No timing here: `make bench` measures, this only checks that the generated rows are what the
bench says they are, that the money adds up, and that the floor answers what the API answers.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import orjson

from bench.asgi import InProcessClient
from bench.dataset import (
    build_sqlite,
    consistency_problems,
    create_bench_key,
    sqlite_url,
    table_counts,
    tiny,
)
from bench.floor import open_floor
from bench.queries import S1, S2
from db.engine import create_engine
from server.app import create_app
from server.settings import Settings

PROJECTS = 5


async def test_tiny_dataset_counts_sums_and_floor(tmp_path: Path) -> None:
    size = tiny(PROJECTS)
    path = tmp_path / "tiny.sqlite"
    info = await asyncio.to_thread(build_sqlite, path, size)  # migrations run their own loop

    expected = {
        "account": 1,
        "account_counter": 3,  # invoice, invoice_schedule, credit_note
        "project": PROJECTS,
        "milestone": PROJECTS * 8,
        "invoice": PROJECTS * 15,
        "invoice_line": PROJECTS * 30,
        "payment": PROJECTS * 30,
        "allocation": PROJECTS * 30,
    }
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        statuses = dict(connection.execute("SELECT status, COUNT(*) FROM invoice GROUP BY status"))
    assert {"PAID", "PARTIALLY_PAID", "OPEN"} <= set(statuses)

    url = sqlite_url(path)
    engine = create_engine(url)
    try:
        counts = await table_counts(engine, info.account_id)
        assert counts == info.counts
        assert {table: counts[table] for table in expected} == expected
        assert counts["milestone_distribution"] > 0
        assert await consistency_problems(engine, info.account_id) == []

        # The API reads the generated rows, and the floor's JSON is its `data`.
        key = await create_bench_key(url, info.account_id)
        app = create_app(Settings(database_url=url, expose_query_stats=True), engine=engine)
        client = InProcessClient(app, api_key=key)
        floor = await open_floor(url, info.account_id)
        try:
            for query, floor_call in ((S1, floor.s1), (S2, floor.s2)):
                status, body = await client.post(orjson.dumps({"query": query}))
                assert status == 200, body[:500]
                answer = orjson.loads(body)
                assert not answer.get("errors"), answer["errors"]
                assert answer["data"]["projects"]["nodes"]
                assert orjson.loads(await floor_call()) == answer["data"]
        finally:
            await floor.close()
    finally:
        await engine.dispose()


async def _statements(path: Path, projects: int) -> dict[str, int]:
    info = await asyncio.to_thread(build_sqlite, path, tiny(projects))
    url = sqlite_url(path)
    engine = create_engine(url)
    try:
        key = await create_bench_key(url, info.account_id)
        app = create_app(Settings(database_url=url, expose_query_stats=True), engine=engine)
        client = InProcessClient(app, api_key=key)
        counts = {}
        for name, query in (("S1", S1), ("S2", S2)):
            status, body = await client.post(orjson.dumps({"query": query}))
            answer = orjson.loads(body)
            assert status == 200 and not answer.get("errors"), body[:500]
            assert len(answer["data"]["projects"]["nodes"]) == min(
                projects, 50 if name == "S1" else 20
            )
            counts[name] = answer["extensions"]["stats"]["sqlStatements"]
        return counts
    finally:
        await engine.dispose()


async def test_statements_depend_on_the_query_shape_not_the_table_size(tmp_path: Path) -> None:
    """Issue 6: the same count at 5 and at 500 projects, at most one per nesting level + 2."""
    small = await _statements(tmp_path / "five.sqlite", 5)
    large = await _statements(tmp_path / "five-hundred.sqlite", 500)
    assert small == large
    # S1 has 2 levels (projects; their milestones and balance), plus auth and one spare.
    assert small["S1"] <= 2 + 2
    # S2 has 4 levels: projects; milestones, invoices; lines, allocations; payment (joined).
    assert small["S2"] <= 4 + 2
