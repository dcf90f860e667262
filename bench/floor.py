"""The floor: scenarios 1 and 2 fetched by hand-written SQL and serialized with orjson.

One query per level (`IN (...)` on SQLite, `= ANY($n)` on PostgreSQL), rows grouped in plain
dicts, money formatted from integer minor units. The JSON is the GraphQL `data` of the same
query, and the bench asserts that it is exactly that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

import orjson

from bench.queries import S1_FIRST, S2_FIRST, S2_INVOICES
from domain.money import CURRENCY_EXPONENTS

ISSUED = ("OPEN", "PARTIALLY_PAID", "PAID")


def money(minor: int, exponent: int) -> str:
    if exponent == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(-minor if minor < 0 else minor, 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}"


def milestone_status(amount: int, invoiced: int, paid: int, discount: int, completed: Any) -> str:
    if amount > 0 and paid + discount >= amount:
        return "PAID"
    if paid > 0:
        return "PARTIALLY_PAID"
    if invoiced > 0:
        return "INVOICED"
    return "COMPLETED" if completed else "PLANNED"


class Floor(Protocol):
    name: str

    async def s1(self) -> bytes: ...

    async def s2(self) -> bytes: ...

    async def close(self) -> None: ...


# The SQL, written once per backend. `{ids}` is the id list: `IN (?, ...)` or `= ANY($2)`.

S1_PROJECTS = (
    "SELECT id, name, currency FROM project WHERE account_id = {a} "
    "ORDER BY created_at, id LIMIT {limit}"
)
S1_BALANCES = (
    "SELECT project_id, SUM(total), SUM(amount_paid) FROM invoice "
    "WHERE account_id = {a} AND project_id {ids} "
    "AND status IN ('OPEN', 'PARTIALLY_PAID', 'PAID') GROUP BY project_id"
)
S1_MILESTONES = (
    "SELECT m.project_id, m.name, m.amount, m.completed_at IS NOT NULL, "
    "(SELECT COALESCE(SUM(l.amount), 0) FROM invoice_line l JOIN invoice i "
    "  ON i.account_id = l.account_id AND i.id = l.invoice_id "
    "  WHERE l.account_id = m.account_id AND l.milestone_id = m.id "
    "  AND i.status IN ('OPEN', 'PARTIALLY_PAID', 'PAID')), "
    "(SELECT COALESCE(SUM(d.amount), 0) FROM milestone_distribution d "
    "  WHERE d.account_id = m.account_id AND d.milestone_id = m.id), "
    "(SELECT COALESCE(SUM(d.discount), 0) FROM milestone_distribution d "
    "  WHERE d.account_id = m.account_id AND d.milestone_id = m.id) "
    "FROM milestone m WHERE m.account_id = {a} AND m.project_id {ids} "
    "ORDER BY m.project_id, m.position"
)
S2_MILESTONES = (
    "SELECT project_id, name, amount FROM milestone "
    "WHERE account_id = {a} AND project_id {ids} ORDER BY project_id, position"
)
S2_INVOICES_PAGE = (
    "SELECT id, project_id, number, status, total, currency FROM ("
    "  SELECT id, project_id, number, status, total, currency, "
    "  ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY created_at, id) AS rn "
    "  FROM invoice WHERE account_id = {a} AND project_id {ids}"
    ") AS page WHERE rn <= {limit} ORDER BY project_id, rn"
)
S2_LINES = (
    "SELECT invoice_id, description, amount FROM invoice_line "
    "WHERE account_id = {a} AND invoice_id {ids} ORDER BY invoice_id, position"
)
S2_ALLOCATIONS = (
    "SELECT a.invoice_id, a.amount, p.method FROM allocation a "
    "JOIN payment p ON p.account_id = a.account_id AND p.id = a.payment_id "
    "WHERE a.account_id = {a} AND a.invoice_id {ids} ORDER BY a.invoice_id, a.created_at, a.id"
)


def _s1_json(
    projects: Sequence[Sequence[Any]],
    balances: Sequence[Sequence[Any]],
    milestones: Sequence[Sequence[Any]],
) -> bytes:
    sums = {row[0]: (int(row[1]), int(row[2])) for row in balances}
    by_project: dict[str, list[dict[str, Any]]] = defaultdict(list)
    exponents = {row[0]: CURRENCY_EXPONENTS[row[2]] for row in projects}
    for project_id, name, amount, completed, invoiced, paid, discount in milestones:
        exponent = exponents[project_id]
        amount, paid = int(amount), int(paid)
        status = milestone_status(amount, int(invoiced), paid, int(discount), completed)
        by_project[project_id].append(
            {
                "name": name,
                "amount": money(amount, exponent),
                "amountPaid": money(paid, exponent),
                "paid": status == "PAID",
                "status": status,
            }
        )
    nodes = []
    for project_id, name, currency in projects:
        exponent = CURRENCY_EXPONENTS[currency]
        invoiced, paid = sums.get(project_id, (0, 0))
        nodes.append(
            {
                "name": name,
                "balance": {
                    "invoicedAmount": money(invoiced, exponent),
                    "paidAmount": money(paid, exponent),
                    "outstandingAmount": money(invoiced - paid, exponent),
                },
                "milestones": by_project.get(project_id, []),
            }
        )
    return orjson.dumps({"projects": {"nodes": nodes}})


def _s2_json(
    projects: Sequence[Sequence[Any]],
    milestones: Sequence[Sequence[Any]],
    invoices: Sequence[Sequence[Any]],
    lines: Sequence[Sequence[Any]],
    allocations: Sequence[Sequence[Any]],
) -> bytes:
    exponents = {row[0]: CURRENCY_EXPONENTS[row[2]] for row in projects}
    ms: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for project_id, name, amount in milestones:
        ms[project_id].append({"name": name, "amount": money(int(amount), exponents[project_id])})
    invoice_exponent = {row[0]: CURRENCY_EXPONENTS[row[5]] for row in invoices}
    by_invoice_lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for invoice_id, description, amount in lines:
        by_invoice_lines[invoice_id].append(
            {"description": description, "amount": money(int(amount), invoice_exponent[invoice_id])}
        )
    by_invoice_allocations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for invoice_id, amount, method in allocations:
        by_invoice_allocations[invoice_id].append(
            {
                "amount": money(int(amount), invoice_exponent[invoice_id]),
                "payment": {"method": method},
            }
        )
    pages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for invoice_id, project_id, number, status, total, _currency in invoices:
        pages[project_id].append(
            {
                "number": number,
                "status": status,
                "total": money(int(total), invoice_exponent[invoice_id]),
                "lines": by_invoice_lines.get(invoice_id, []),
                "allocations": by_invoice_allocations.get(invoice_id, []),
            }
        )
    nodes = [
        {
            "name": name,
            "milestones": ms.get(project_id, []),
            "invoices": {"nodes": pages.get(project_id, [])},
        }
        for project_id, name, _currency in projects
    ]
    return orjson.dumps({"projects": {"nodes": nodes}})


class SQLiteFloor:
    """aiosqlite, the driver the server uses on SQLite, on one long-lived connection."""

    name = "aiosqlite"

    def __init__(self, connection: Any, account_id: str) -> None:
        self.connection = connection
        self.account_id = account_id

    @classmethod
    async def open(cls, path: str, account_id: str) -> SQLiteFloor:
        import aiosqlite

        connection = await aiosqlite.connect(path)
        await connection.execute("PRAGMA journal_mode=WAL")
        return cls(connection, account_id)

    async def close(self) -> None:
        await self.connection.close()

    async def _rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        async with self.connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    @staticmethod
    def _sql(template: str, n: int = 0, limit: int = 0) -> str:
        return template.format(a="?", ids=f"IN ({', '.join('?' * n)})", limit=limit)

    async def s1(self) -> bytes:
        a = self.account_id
        projects = await self._rows(self._sql(S1_PROJECTS, limit=S1_FIRST), (a,))
        ids = [row[0] for row in projects]
        balances = await self._rows(self._sql(S1_BALANCES, len(ids)), (a, *ids))
        milestones = await self._rows(self._sql(S1_MILESTONES, len(ids)), (a, *ids))
        return _s1_json(projects, balances, milestones)

    async def s2(self) -> bytes:
        a = self.account_id
        projects = await self._rows(self._sql(S1_PROJECTS, limit=S2_FIRST), (a,))
        ids = [row[0] for row in projects]
        milestones = await self._rows(self._sql(S2_MILESTONES, len(ids)), (a, *ids))
        invoices = await self._rows(
            self._sql(S2_INVOICES_PAGE, len(ids), limit=S2_INVOICES), (a, *ids)
        )
        invoice_ids = [row[0] for row in invoices]
        lines = await self._rows(self._sql(S2_LINES, len(invoice_ids)), (a, *invoice_ids))
        allocations = await self._rows(
            self._sql(S2_ALLOCATIONS, len(invoice_ids)), (a, *invoice_ids)
        )
        return _s2_json(projects, milestones, invoices, lines, allocations)


class PostgresFloor:
    """asyncpg directly, from a small pool (prepared statements are cached per connection)."""

    name = "asyncpg"

    def __init__(self, pool: Any, account_id: str) -> None:
        self.pool = pool
        self.account_id = account_id

    @classmethod
    async def open(cls, dsn: str, account_id: str) -> PostgresFloor:
        import asyncpg

        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=8)
        return cls(pool, account_id)

    async def close(self) -> None:
        await self.pool.close()

    @staticmethod
    def _sql(template: str, limit: int = 0) -> str:
        return template.format(a="$1", ids="= ANY($2::text[])", limit=limit)

    async def s1(self) -> bytes:
        a = self.account_id
        async with self.pool.acquire() as connection:
            projects = await connection.fetch(self._sql(S1_PROJECTS, limit=S1_FIRST), a)
            ids = [row[0] for row in projects]
            balances = await connection.fetch(self._sql(S1_BALANCES), a, ids)
            milestones = await connection.fetch(self._sql(S1_MILESTONES), a, ids)
        return _s1_json(projects, balances, milestones)

    async def s2(self) -> bytes:
        a = self.account_id
        async with self.pool.acquire() as connection:
            projects = await connection.fetch(self._sql(S1_PROJECTS, limit=S2_FIRST), a)
            ids = [row[0] for row in projects]
            milestones = await connection.fetch(self._sql(S2_MILESTONES), a, ids)
            invoices = await connection.fetch(
                self._sql(S2_INVOICES_PAGE, limit=S2_INVOICES), a, ids
            )
            invoice_ids = [row[0] for row in invoices]
            lines = await connection.fetch(self._sql(S2_LINES), a, invoice_ids)
            allocations = await connection.fetch(self._sql(S2_ALLOCATIONS), a, invoice_ids)
        return _s2_json(projects, milestones, invoices, lines, allocations)


async def open_floor(database_url: str, account_id: str) -> Floor:
    from bench.dataset import asyncpg_dsn, sqlite_path

    if database_url.startswith("sqlite"):
        return await SQLiteFloor.open(str(sqlite_path(database_url)), account_id)
    return await PostgresFloor.open(asyncpg_dsn(database_url), account_id)
