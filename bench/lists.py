"""EXPLAIN of the root lists (issue 17): every order both ways and every id filter, as the
server runs them, judged by the lists' own rule.

A page of an ordered list reads an account-led index in order and stops at the limit, so an
index scan whose condition is account_id alone is fine *under a Limit with no Sort between*;
what is a full scan here is a Seq Scan of a big table, or a Sort (or SQLite's temp B-tree for
ORDER BY) over one: both read every row of the account. Substring search cannot use a B-tree:
its plans are reported, not failed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import explain

ORDERS = {
    "invoices": (
        "InvoiceOrder",
        ("CREATED_AT", "DUE_ON", "ISSUED_ON", "NUMBER", "TOTAL", "BALANCE_DUE"),
    ),
    "payments": ("PaymentOrder", ("CREATED_AT", "RECEIVED_ON", "AMOUNT")),
    "projects": ("ProjectOrder", ("CREATED_AT", "NAME")),
    "creditNotes": ("CreditNoteOrder", ("CREATED_AT", "NUMBER", "AMOUNT")),
}
FILTERS = {
    "invoices": ("InvoiceFilter", ("projectId", "clientId")),
    "payments": ("PaymentFilter", ("projectId", "clientId")),
    "projects": ("ProjectFilter", ("clientId",)),
    "creditNotes": ("CreditNoteFilter", ("clientId",)),
}


def documents(project_id: str, client_id: str) -> list[tuple[str, str, dict[str, Any], bool]]:
    """(label, query, variables, judged): each order both ways, each id filter with its
    totalCount, and a search (reported only)."""
    found: list[tuple[str, str, dict[str, Any], bool]] = []
    for root, (order_type, fields) in ORDERS.items():
        query = f"query($o: {order_type}) {{ {root}(first: 20, orderBy: $o) {{ nodes {{ id }} }} }}"
        for field in fields:
            for direction in ("ASC", "DESC"):
                order = {"field": field, "direction": direction}
                found.append((f"{root} {field} {direction}", query, {"o": order}, True))
    ids = {"projectId": project_id, "clientId": client_id}
    for root, (filter_type, names) in FILTERS.items():
        query = (
            f"query($f: {filter_type}) {{ {root}(first: 20, filter: $f) "
            "{ totalCount nodes { id } } }"
        )
        for name in names:
            found.append((f"{root} {name}", query, {"f": {name: ids[name]}}, True))
    search = 'query { invoices(first: 20, filter: {search: "inv-0001"}) { nodes { id } } }'
    found.append(("invoices search (reported)", search, {}, False))
    return found


async def client_of(engine: AsyncEngine, account_id: str, project_id: str) -> str:
    async with engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT client_id FROM project WHERE account_id = :a AND id = :p"),
            {"a": account_id, "p": project_id},
        )
    return str(found)


# The bench dataset has no credit notes and 16 clients: a Seq Scan of those is right there
# (tests/db/test_list_indexes.py checks their indexes with sequential scans off).
LIST_TABLES = explain.BIG_TABLES


def sqlite_full_scans(lines: list[str]) -> list[str]:
    """A SCAN of a big table without an index, or a temp B-tree sorting an account-wide read."""
    found = []
    account_wide = [line for line in lines if re.search(r"\(account_id=\?\)$", line)]
    for line in lines:
        match = re.match(r"SCAN (\w+)", line)
        if match and match.group(1) in LIST_TABLES and "INDEX" not in line:
            found.append(line)
        if "USE TEMP B-TREE FOR ORDER BY" in line and account_wide:
            found.append(f"{line} over {account_wide[0]}")
    return found


async def postgres_full_scans(dsn: str, statement: str, parameters: Any) -> list[str]:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        raw = await connection.fetchval("EXPLAIN (FORMAT JSON) " + statement, *(parameters or ()))
    finally:
        await connection.close()
    found: list[str] = []
    _walk(json.loads(raw)[0]["Plan"], found, sorted_above=False)
    return found


def _walk(node: dict[str, Any], found: list[str], *, sorted_above: bool) -> None:
    kind = node.get("Node Type", "")
    relation = node.get("Relation Name")
    condition = node.get("Index Cond") or node.get("Recheck Cond") or ""
    if relation in LIST_TABLES:
        if kind == "Seq Scan":
            found.append(f"Seq Scan on {relation}")
        elif sorted_above and condition.count("=") <= 1:
            found.append(f"Sort over {kind} on {relation} [{condition}]")
    below_sort = sorted_above or kind in ("Sort", "Incremental Sort")
    for child in node.get("Plans", ()):
        _walk(child, found, sorted_above=below_sort)


async def explain_lists(
    *,
    backend: str,
    dsn: str,
    engine: AsyncEngine,
    account_id: str,
    project_id: str,
    post: Callable[[str, dict[str, Any]], Awaitable[int]],
) -> list[tuple[str, bool, list[str]]]:
    """Return (label, judged, full scans) for every list request, run through the server."""
    client_id = await client_of(engine, account_id, project_id)
    results = []
    for label, query, variables, judged in documents(project_id, client_id):
        with explain.capture(engine) as captured:
            status = await post(query, variables)
        if status != 200:
            raise RuntimeError(f"{label}: HTTP {status}")
        scans: list[str] = []
        for item in captured:
            if not item.statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            if backend == "sqlite":
                [plan] = explain.explain_sqlite(dsn, [item])
                scans += sqlite_full_scans(plan.lines)
            else:
                scans += await postgres_full_scans(dsn, item.statement, item.parameters)
        results.append((label, judged, scans))
    return results
