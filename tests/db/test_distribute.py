"""`milestone-billing distribute`: every table has a rule, Citus gets them all, twice is harmless;
a database distributed by an older release upgrades to head (its new tables placed by their
migrations) with every row kept.

The API itself runs on the distributed database in the tests/api modules marked ON_CITUS_TOO.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import text

import db.tables
from db.distribute import DISTRIBUTION, Rule
from db.engine import create_engine, write_session
from db.migrate import alembic_config, head_revision
from domain.accounts.service import create_api_key
from domain.clock import SystemClock
from domain.context import Role
from tests.db.test_migrations import _seed_before_0003, revision_of, table_names
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


def assert_every_table_is_placed_by_its_rule(url: str) -> None:
    placed = {row.name: row for row in asyncio.run(sql(url, PLACEMENTS))}
    assert set(placed) == set(DISTRIBUTION) - {"alembic_version"}
    for name, row in placed.items():
        if DISTRIBUTION[name] is Rule.REFERENCE:
            assert (row.partmethod, row.repmodel) == ("n", "t"), name
        else:
            assert (row.partmethod, row.column_name) == ("h", "account_id"), name
    by_account = {row.colocationid for row in placed.values() if row.partmethod == "h"}
    assert len(by_account) == 1  # one shard group per account: its joins and locks stay local


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
    assert "client: distributed by account_id" in first
    assert "account: reference" in first
    assert "api_key: reference" in first
    assert "payment: distributed by account_id" in first
    assert len(first) == len(DISTRIBUTION) - 1  # alembic_version stays on the coordinator
    again = cli(url, "distribute", cwd=tmp_path).splitlines()
    assert again == [f"{line} (already)" for line in first]

    assert_every_table_is_placed_by_its_rule(url)

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


def test_distribute_wants_the_migrated_tables_and_worker_nodes(
    citus_urls: dict[str, str], tmp_path: Path
) -> None:
    url = citus_urls["single"]  # a coordinator that knows no worker
    early = run_cli(url, "distribute", cwd=tmp_path, check=False)
    assert early.returncode == 2
    assert "run `milestone-billing migrate` first" in early.stderr

    cli(url, "migrate", cwd=tmp_path)
    alone = run_cli(url, "distribute", cwd=tmp_path, check=False)
    assert alone.returncode == 2
    assert "no worker nodes" in alone.stderr and "--allow-single-node" in alone.stderr
    assert asyncio.run(sql(url, PLACEMENTS)) == []  # nothing was placed

    cli(url, "distribute", "--allow-single-node", cwd=tmp_path)
    assert_every_table_is_placed_by_its_rule(url)


# What `distribute` did in the release that placed the tables of migration 0002 (commit 0abcb49).
DISTRIBUTED_AT_0002 = [
    "SET LOCAL citus.enable_local_reference_table_foreign_keys = off",
    "SET LOCAL citus.multi_shard_modify_mode = 'sequential'",
    "SELECT create_reference_table('account')",
    "SELECT create_reference_table('api_key')",
    "SELECT create_distributed_table('account_counter', 'account_id')",
    "SELECT create_distributed_table(t, 'account_id', colocate_with => 'account_counter')"
    " FROM unnest(ARRAY['idempotency_record', 'payment', 'project', 'invoice',"
    " 'invoice_schedule', 'milestone', 'allocation', 'invoice_line', 'invoice_schedule_item',"
    " 'milestone_distribution']) AS t",
]
# What production sets on a distributed database, so a request reaching two shards fails.
MULTI_SHARD_GUARD = "ALTER DATABASE upgrade SET citus.multi_task_query_log_level = 'error'"
UPGRADED = """{
  projects(first: 10) { totalCount nodes { name clientName client { name } } }
  payment(id: "pay_1") { amount unappliedAmount client { name } }
}"""


async def in_one_transaction(url: str, statements: list[str]) -> list[Any]:
    """Run the statements in one transaction, past the multi-shard guard; return the rows of
    the last one."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("SET LOCAL citus.multi_task_query_log_level = off"))
            for statement in statements:
                result = await connection.execute(text(statement))
            return list(result) if result.returns_rows else []
    finally:
        await engine.dispose()


def row_counts(url: str) -> dict[str, int]:
    tables = sorted(asyncio.run(table_names(url)) - {"alembic_version"})
    counts = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    return dict(asyncio.run(in_one_transaction(url, [counts])))


async def write_key_of(url: str, account_id: str) -> str:
    engine = create_engine(url)
    try:
        async with write_session(engine) as session:
            return await create_api_key(
                session=session, account_id=account_id, role=Role.WRITE, clock=SystemClock()
            )
    finally:
        await engine.dispose()


def test_a_database_distributed_at_0002_upgrades_to_head_with_every_row(
    citus_urls: dict[str, str], tmp_path: Path
) -> None:
    """Every later migration runs here too: one that creates a table must place it
    (place_new_table) before its data statements, under production's multi-shard guard."""
    url = citus_urls["upgrade"]
    command.upgrade(alembic_config(url), "0002")
    asyncio.run(in_one_transaction(url, DISTRIBUTED_AT_0002))
    asyncio.run(sql(url, MULTI_SHARD_GUARD))
    asyncio.run(_seed_before_0003(url))
    before = row_counts(url)
    assert before["project"] == 4 and before["allocation"] == 3

    cli(url, "migrate", cwd=tmp_path)
    assert asyncio.run(revision_of(url)) == head_revision()
    after = row_counts(url)
    # 0006 starts each of the two accounts' credit note numbering (CN-000001).
    assert {table: after[table] for table in before} == {
        **before,
        "account_counter": before["account_counter"] + 2,
    }
    assert after["client"] == 3  # Acme and Beta of one account, Acme of the other

    # The migrations placed their new tables themselves: nothing is left for distribute.
    again = cli(url, "distribute", cwd=tmp_path).splitlines()
    assert again and all(line.endswith(" (already)") for line in again), again
    assert_every_table_is_placed_by_its_rule(url)

    key = asyncio.run(write_key_of(url, "acct_m"))
    body = asyncio.run(graphql(url, key, UPGRADED))
    assert not body.get("errors"), body
    projects = body["data"]["projects"]
    assert projects["totalCount"] == 3
    assert sorted((p["clientName"], p["client"]["name"]) for p in projects["nodes"]) == [
        ("Acme", "Acme"),
        ("Acme", "Acme"),
        ("Beta", "Beta"),
    ]
    assert body["data"]["payment"] == {
        "amount": "5.00",
        "unappliedAmount": "2.00",  # its reversed allocation's money
        "client": {"name": "Acme"},
    }
