"""`milestone-billing distribute`: every table has a rule, Citus gets them all, twice is harmless.

The API itself runs on the distributed database in the tests/api modules marked ON_CITUS_TOO.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import text

import db.tables
from db.distribute import DISTRIBUTION, Rule
from db.engine import create_engine
from tests.db.test_migrations import table_names
from tests.server.live import cli, run_cli
from tests.server.test_cli import DEMO_PROJECTS, PROJECTS, graphql, last_line


async def sql(url: str, statement: str) -> list[Any]:
    """Run one statement in its own transaction; return its rows (none for DDL)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement))
            return list(result) if result.returns_rows else []
    finally:
        await engine.dispose()


PLACEMENTS = """
SELECT logicalrelid::regclass::text AS name, partmethod::text, repmodel::text, colocationid,
       column_to_column_name(logicalrelid, partkey) AS column_name
FROM pg_dist_partition"""


def test_every_table_of_the_schema_has_a_distribution_rule() -> None:
    tables = {table.name for table in db.tables.metadata.sorted_tables}
    assert set(DISTRIBUTION) - {"alembic_version"} == tables


def test_every_table_of_a_migrated_database_has_a_distribution_rule(database_url: str) -> None:
    assert asyncio.run(table_names(database_url)) == set(DISTRIBUTION)


def test_distribute_places_every_table_once_and_the_data_stays_readable(
    citus_urls: dict[str, str], tmp_path: Path
) -> None:
    url = citus_urls["scratch"]
    cli(url, "migrate", cwd=tmp_path)
    key = last_line(cli(url, "seed-demo", cwd=tmp_path))

    asyncio.run(sql(url, "CREATE TABLE stray (id integer PRIMARY KEY)"))
    refused = run_cli(url, "distribute", cwd=tmp_path, check=False)
    assert refused.returncode == 2
    assert "no distribution rule for table(s) stray" in refused.stderr
    assert asyncio.run(sql(url, PLACEMENTS)) == []  # nothing was placed
    asyncio.run(sql(url, "DROP TABLE stray"))

    first = cli(url, "distribute", cwd=tmp_path).splitlines()
    assert "account: reference" in first
    assert "api_key: reference" in first
    assert "payment: distributed by account_id" in first
    assert len(first) == len(DISTRIBUTION) - 1  # alembic_version stays on the coordinator
    again = cli(url, "distribute", cwd=tmp_path).splitlines()
    assert again == [f"{line} (already)" for line in first]

    placed = {row.name: row for row in asyncio.run(sql(url, PLACEMENTS))}
    assert set(placed) == set(DISTRIBUTION) - {"alembic_version"}
    for name, row in placed.items():
        if DISTRIBUTION[name] is Rule.REFERENCE:
            assert (row.partmethod, row.repmodel) == ("n", "t"), name
        else:
            assert (row.partmethod, row.column_name) == ("h", "account_id"), name
    by_account = {row.colocationid for row in placed.values() if row.partmethod == "h"}
    assert len(by_account) == 1  # one shard group per account: its joins and locks stay local

    body = asyncio.run(graphql(url, key, PROJECTS))
    assert {node["name"] for node in body["data"]["projects"]["nodes"]} >= DEMO_PROJECTS


def test_distribute_refuses_plain_postgresql_and_sqlite(
    postgres_urls: dict[str, str], tmp_path: Path
) -> None:
    plain = run_cli(postgres_urls["scratch"], "distribute", cwd=tmp_path, check=False)
    assert plain.returncode == 2
    assert "no citus extension" in plain.stderr

    sqlite = run_cli(
        f"sqlite+aiosqlite:///{tmp_path}/x.db", "distribute", cwd=tmp_path, check=False
    )
    assert sqlite.returncode == 2
    assert "this database is SQLite" in sqlite.stderr
