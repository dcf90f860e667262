"""Spread the migrated schema over a Citus cluster: every account's rows in one shard group.

Each table has one rule in DISTRIBUTION. `milestone-billing distribute` places them all once,
after the first `migrate`: tables already in place are left alone, new ones get their rule, and
a table without a rule stops it before anything changes. Once a database is distributed, a
migration that creates a table places it itself (`place_new_table`, db/migrations/README.md),
before its data statements join it with the distributed tables.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.engine import is_sqlite
from db.tables import metadata

DISTRIBUTION_COLUMN = "account_id"


class Rule(enum.Enum):
    """Where a table's rows live on a Citus cluster."""

    # A copy on every node: tables read before the account is known, or with no account_id.
    REFERENCE = "reference"
    # Hash-distributed by account_id, colocated with every other such table.
    BY_ACCOUNT = "distributed by account_id"
    # On the coordinator only: Alembic's bookkeeping, never touched by a request.
    COORDINATOR = "coordinator only"


DISTRIBUTION: dict[str, Rule] = {
    "alembic_version": Rule.COORDINATOR,
    "account": Rule.REFERENCE,
    # Its unique key is key_hash alone (a request is authenticated before its account is
    # known), which a table distributed by account_id cannot enforce.
    "api_key": Rule.REFERENCE,
    "account_counter": Rule.BY_ACCOUNT,
    "client": Rule.BY_ACCOUNT,
    "idempotency_record": Rule.BY_ACCOUNT,
    "project": Rule.BY_ACCOUNT,
    "milestone": Rule.BY_ACCOUNT,
    "invoice": Rule.BY_ACCOUNT,
    "invoice_line": Rule.BY_ACCOUNT,
    "invoice_schedule": Rule.BY_ACCOUNT,
    "invoice_schedule_item": Rule.BY_ACCOUNT,
    "payment": Rule.BY_ACCOUNT,
    "allocation": Rule.BY_ACCOUNT,
    "milestone_distribution": Rule.BY_ACCOUNT,
    "credit_note": Rule.BY_ACCOUNT,
    "credit_note_line": Rule.BY_ACCOUNT,
    "credit_application": Rule.BY_ACCOUNT,
    "refund": Rule.BY_ACCOUNT,
    "event": Rule.BY_ACCOUNT,
    "persisted_query": Rule.BY_ACCOUNT,
    "webhook_endpoint": Rule.BY_ACCOUNT,
    "webhook_delivery": Rule.BY_ACCOUNT,
    "webhook_attempt": Rule.BY_ACCOUNT,
}


class CannotDistribute(Exception):
    """The database is not a Citus coordinator, or its tables do not match the rules."""


@dataclass(frozen=True)
class Placement:
    table: str
    rule: Rule
    created: bool  # False when the table already was in place (a second run)


def distribution_order() -> list[str]:
    """Return the tables in an order where every foreign key's target is placed first.

    Reference tables first, then the distributed ones in foreign-key order (the first of them
    is the one the others colocate with).
    """
    by_dependency = [table.name for table in metadata.sorted_tables]
    return [
        name
        for rule in (Rule.REFERENCE, Rule.BY_ACCOUNT)
        for name in by_dependency
        if DISTRIBUTION.get(name) is rule
    ]


async def distribute(engine: AsyncEngine, *, allow_single_node: bool = False) -> list[Placement]:
    """Return each table's placement after making the missing ones, in one transaction."""
    if is_sqlite(engine):
        raise CannotDistribute("distribute needs PostgreSQL with Citus; this database is SQLite")
    async with engine.begin() as connection:
        await _check_citus(connection)
        await _check_every_table_has_a_rule(connection)
        if not allow_single_node:
            await _check_workers(connection)
        current = await _current_placements(connection)
        # Otherwise making `account` a reference table turns every table referring to it into
        # a Citus local table, and those cannot be distributed any more. Sequential: a
        # transaction that changed a reference table may not open parallel shard connections.
        await connection.execute(
            text("SET LOCAL citus.enable_local_reference_table_foreign_keys = off")
        )
        await connection.execute(text("SET LOCAL citus.multi_shard_modify_mode = 'sequential'"))
        order = distribution_order()
        # New tables join the shard groups of the ones already distributed, if any.
        anchor = next((t for t in order if current.get(t) is Rule.BY_ACCOUNT), None)
        placements = []
        for table in order:
            rule = DISTRIBUTION[table]
            created = table not in current
            if not created and current[table] is not rule:
                raise CannotDistribute(
                    f"table {table} is already {current[table].value}, not {rule.value}"
                )
            if created:
                try:
                    await _place(connection, table, rule, anchor)
                except DBAPIError as error:  # the transaction rolls back: nothing was placed
                    message = str(error.orig).strip()
                    raise CannotDistribute(
                        f"Citus refused {table} ({message}); nothing changed"
                    ) from error
            if rule is Rule.BY_ACCOUNT and anchor is None:
                anchor = table
            placements.append(Placement(table, rule, created))
        # The rows were copied to the shards; the coordinator's own copies are dead weight.
        for placement in placements:
            if placement.created:
                await connection.execute(
                    text("SELECT truncate_local_data_after_distributing_table(:table)"),
                    {"table": placement.table},
                )
        return placements


async def _check_citus(connection: AsyncConnection) -> None:
    found = await connection.scalar(
        text("SELECT count(*) FROM pg_extension WHERE extname = 'citus'")
    )
    if not found:
        raise CannotDistribute(
            "this PostgreSQL database has no citus extension: distribute runs on a Citus "
            "coordinator (CREATE EXTENSION citus, then citus_add_node for each worker)"
        )


async def _check_every_table_has_a_rule(connection: AsyncConnection) -> None:
    rows = set(
        await connection.scalars(
            text(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        )
    )
    not_migrated = sorted({table.name for table in metadata.sorted_tables} - rows)
    if not_migrated:
        raise CannotDistribute(
            f"the database has no table(s) {', '.join(not_migrated)}: "
            "run `milestone-billing migrate` first"
        )
    missing = sorted(rows - set(DISTRIBUTION))
    if missing:
        raise CannotDistribute(
            f"no distribution rule for table(s) {', '.join(missing)}: add them to "
            "db/distribute.py's DISTRIBUTION"
        )


async def _check_workers(connection: AsyncConnection) -> None:
    """Refuse a coordinator without workers: every shard would stay on it."""
    workers = await connection.scalar(
        text(
            "SELECT count(*) FROM pg_dist_node"
            " WHERE groupid <> 0 AND noderole = 'primary' AND isactive"
        )
    )
    if not workers:
        raise CannotDistribute(
            "this coordinator has no worker nodes, so every shard would stay on it: add them "
            "first (SELECT citus_add_node('host', port) for each), or pass --allow-single-node "
            "(workers added later get shards only after SELECT citus_rebalance_start())"
        )


async def _current_placements(connection: AsyncConnection) -> dict[str, Rule]:
    """Return the tables Citus already manages; a Citus local table stops the run."""
    rows = await connection.execute(
        text(
            "SELECT logicalrelid::regclass::text AS name, partmethod::text, repmodel::text,"
            " autoconverted, column_to_column_name(logicalrelid, partkey) AS column_name"
            " FROM pg_dist_partition"
        )
    )
    current = {}
    for row in rows:
        if row.autoconverted:
            # A table created with a foreign key to a reference table becomes a Citus local
            # table by itself (a migration without place_new_table); its rule still applies.
            continue
        if row.partmethod == "h" and row.column_name == DISTRIBUTION_COLUMN:
            current[row.name] = Rule.BY_ACCOUNT
        elif row.partmethod == "n" and row.repmodel == "t":
            current[row.name] = Rule.REFERENCE
        else:
            raise CannotDistribute(
                f"table {row.name} is already a Citus table of another kind (partmethod "
                f"{row.partmethod}); undo it with SELECT undistribute_table('{row.name}')"
            )
    return current


def _placement(table: str, rule: Rule, anchor: str | None) -> TextClause:
    if rule is Rule.REFERENCE:
        return text("SELECT create_reference_table(:table)").bindparams(table=table)
    return text(
        "SELECT create_distributed_table(:table, :column, colocate_with => :anchor)"
    ).bindparams(table=table, column=DISTRIBUTION_COLUMN, anchor=anchor or "default")


async def _place(connection: AsyncConnection, table: str, rule: Rule, anchor: str | None) -> None:
    await connection.execute(_placement(table, rule, anchor))


# What a migration runs with on a distributed coordinator. A migration's backfill legitimately
# reads and updates every account's rows: the guard against multi-shard statements, meant for
# requests (ALTER DATABASE ... SET citus.multi_task_query_log_level = 'error'), is lifted for
# its transaction only. Sequential: the transaction also runs DDL on the distributed and
# reference tables, after which Citus refuses some parallel multi-shard modifications; one
# connection per node is always allowed, and a migration is not latency-bound.
MIGRATION_SETTINGS = {
    "citus.multi_task_query_log_level": "off",
    "citus.multi_shard_modify_mode": "sequential",
}


def distributed_anchor(connection: Connection) -> str | None:
    """Return a table distributed by account_id, or None when the database has none yet
    (SQLite, plain PostgreSQL, or Citus before the first `distribute`)."""
    if connection.dialect.name != "postgresql":
        return None
    citus = connection.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'citus'"))
    if not citus:
        return None
    anchor: str | None = connection.scalar(
        text(
            "SELECT logicalrelid::regclass::text FROM pg_dist_partition WHERE partmethod = 'h'"
            " AND column_to_column_name(logicalrelid, partkey) = :column"
            " ORDER BY colocationid, logicalrelid::regclass::text LIMIT 1"
        ).bindparams(column=DISTRIBUTION_COLUMN)
    )
    return anchor


def prepare_migrations(connection: Connection) -> None:
    """On a distributed coordinator, set MIGRATION_SETTINGS for the migrations' transaction."""
    if distributed_anchor(connection) is None:
        return
    for name, value in MIGRATION_SETTINGS.items():
        connection.execute(
            text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value}
        )


def place_new_table(op: Any, table: str, *, rule: Rule | None = None) -> None:
    """Place `table`, just created by a migration, by its DISTRIBUTION rule (or `rule`, the
    one it had when a migration that a later one changed was written) when the database is
    already distributed; a no-op anywhere else (`distribute` places it later there).

    Call it right after the table's create_table and indexes, before any data statement.
    """
    connection: Connection = op.get_bind()
    anchor = distributed_anchor(connection)
    if anchor is None:
        return
    rule = rule or DISTRIBUTION.get(table)
    if rule is None:
        raise CannotDistribute(
            f"no distribution rule for table {table}: add it to db/distribute.py's DISTRIBUTION"
        )
    if rule is not Rule.COORDINATOR:
        connection.execute(_placement(table, rule, anchor))
