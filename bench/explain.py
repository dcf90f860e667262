"""Capture the SQL a request runs, and EXPLAIN it: are the indexes used?

SQLite: EXPLAIN QUERY PLAN. A `SCAN <table>` of a big table is a full scan (also through an
index: `SCAN t USING INDEX` reads all of it), and so is a `SEARCH` whose only constraint is
`account_id=?` (the bench has one account). PostgreSQL: EXPLAIN (FORMAT JSON); a `Seq Scan` of
a big table is a full scan, and so is an index scan whose condition is on account_id alone.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

BIG_TABLES = (
    "invoice",
    "allocation",
    "invoice_line",
    "payment",
    "milestone",
    "project",
    "milestone_distribution",
)


@dataclass
class Captured:
    statement: str
    parameters: Any


@dataclass
class Plan:
    statement: str
    lines: list[str]
    full_scans: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        text = " ".join(self.statement.split())
        tables = re.findall(r"\bFROM\s+([a-z_]+)", text, flags=re.IGNORECASE)
        return "SELECT from " + ", ".join(dict.fromkeys(t.lower() for t in tables))


@contextmanager
def capture(engine: AsyncEngine) -> Iterator[list[Captured]]:
    """Yield a list that fills with every statement the engine runs inside the block."""
    found: list[Captured] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        found.append(Captured(statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", listener)
    try:
        yield found
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listener)


def explain_sqlite(path: str, captured: list[Captured]) -> list[Plan]:
    plans = []
    connection = sqlite3.connect(path)
    try:
        for item in captured:
            if not item.statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            rows = connection.execute(
                "EXPLAIN QUERY PLAN " + item.statement, tuple(item.parameters or ())
            ).fetchall()
            lines = _resolve_aliases(item.statement, [str(row[3]) for row in rows])
            plans.append(Plan(item.statement, lines, _sqlite_full_scans(lines)))
    finally:
        connection.close()
    return plans


def _resolve_aliases(statement: str, lines: list[str]) -> list[str]:
    """SQLite names a table by its alias (`SEARCH a USING ...`): put the table's name back."""
    aliases = _aliases(statement)
    resolved = []
    for line in lines:
        match = re.match(r"(SCAN|SEARCH) (\w+)(.*)", line)
        if match and aliases.get(match.group(2), match.group(2)) != match.group(2):
            kind, alias, rest = match.groups()
            line = f"{kind} {aliases[alias]} AS {alias}{rest}"
        resolved.append(line)
    return resolved


def _sqlite_full_scans(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        match = re.match(r"(SCAN|SEARCH) (\w+)(?: AS \w+)?(.*)", line)
        if not match:
            continue
        kind, table, rest = match.groups()
        if table not in BIG_TABLES:
            continue  # a subquery or a CTE: judged by its own lines
        if kind == "SCAN" or re.search(r"\(account_id=\?\)", rest):
            found.append(line)
    return found


def _aliases(statement: str) -> dict[str, str]:
    """Map aliases to table names (`FROM invoice AS i`, `JOIN payment p`)."""
    found = {}
    pattern = r"\b(?:FROM|JOIN)\s+([a-z_]+)(?:\s+(?:AS\s+)?([a-z_][a-z_0-9]*))?"
    for table, alias in re.findall(pattern, statement, flags=re.IGNORECASE):
        found[table] = table
        if alias and alias.upper() not in ("WHERE", "ON", "JOIN", "LEFT", "GROUP", "ORDER"):
            found[alias] = table
    return found


async def explain_postgres(dsn: str, captured: list[Captured]) -> list[Plan]:
    import asyncpg

    plans = []
    connection = await asyncpg.connect(dsn)
    try:
        for item in captured:
            if not item.statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            raw = await connection.fetchval(
                "EXPLAIN (FORMAT JSON) " + item.statement, *(item.parameters or ())
            )
            tree = json.loads(raw)[0]["Plan"]
            lines: list[str] = []
            full: list[str] = []
            _walk(tree, 0, lines, full)
            plans.append(Plan(item.statement, lines, full))
    finally:
        await connection.close()
    return plans


def _walk(node: dict[str, Any], depth: int, lines: list[str], full: list[str]) -> None:
    kind = node.get("Node Type", "?")
    relation = node.get("Relation Name")
    index = node.get("Index Name")
    condition = node.get("Index Cond") or node.get("Recheck Cond") or ""
    text = kind + (f" on {relation}" if relation else "") + (f" using {index}" if index else "")
    if condition:
        text += f" [{condition}]"
    lines.append("  " * depth + text)
    if relation in BIG_TABLES:
        only_account = bool(condition) and "account_id" in condition and condition.count("=") == 1
        if kind == "Seq Scan" or only_account:
            full.append(text)
    for child in node.get("Plans", ()):
        _walk(child, depth + 1, lines, full)
