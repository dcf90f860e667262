"""The benchmark dataset: rows generated in Python and bulk-inserted straight into the database.

Nothing goes through the API: the schema comes from `upgrade_to_head`, then every table is
filled with `executemany` (SQLite, raw sqlite3) or `COPY` (PostgreSQL, asyncpg's
`copy_records_to_table`). One account, USD, deterministic for a seed.

Per project: 8 milestones, 15 invoices of 2 lines each (a milestone line and a free line, or
two milestone lines for every fifth invoice). Invoices are mostly issued: about 45% PAID, 20%
PARTIALLY_PAID, 25% OPEN, 5% DRAFT and 5% VOID. Only paid and partially paid invoices carry
allocations, one per payment, and `amount_paid` is the sum of their non-reversed allocations
(a few partially paid invoices also carry a reversed one). A paid invoice with one milestone
line is distributed to it, as the domain does automatically; half of the paid two-milestone
invoices are distributed proportionally and the other half await distribution. The account's
number counters continue after the highest number, so the API keeps numbering gaplessly.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.sqlite import aiosqlite as sqlite_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, write_session
from db.migrate import upgrade_to_head
from db.tables import metadata
from domain.accounts.service import create_api_key
from domain.clock import SystemClock
from domain.context import Role
from domain.invoices.rules import status_after_payment
from domain.money import split_by_weights
from domain.search import search_form

# Bump when the generated data changes: cached large databases of another version are rebuilt.
GENERATOR_VERSION = 2
LINES_PER_INVOICE = 2
CURRENCY = "USD"

COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("id", "name", "created_at"),
    "account_counter": ("account_id", "series", "value"),
    "client": ("account_id", "id", "name", "email", "created_at"),
    "project": (
        "account_id",
        "id",
        "name",
        "client_name",
        "currency",
        "contract_value",
        "payment_terms_days",
        "created_at",
        "client_id",
        "search_text",
    ),
    "milestone": (
        "account_id",
        "id",
        "project_id",
        "name",
        "trigger",
        "position",
        "amount",
        "planned_on",
        "completed_at",
        "created_at",
    ),
    "invoice": (
        "account_id",
        "id",
        "project_id",
        "number",
        "status",
        "currency",
        "memo",
        "issued_on",
        "due_on",
        "subtotal",
        "discount",
        "total",
        "amount_paid",
        "created_at",
        "voided_at",
        "search_text",
        "credited_amount",
    ),
    "invoice_line": (
        "account_id",
        "id",
        "invoice_id",
        "position",
        "milestone_id",
        "description",
        "amount",
    ),
    "payment": (
        "account_id",
        "id",
        "external_payment",
        "transaction_id",
        "method",
        "reference",
        "received_on",
        "currency",
        "amount",
        "attrs",
        "created_at",
        "client_id",
        "unapplied_amount",
        "refunded_amount",
        "search_text",
    ),
    "allocation": (
        "account_id",
        "id",
        "payment_id",
        "invoice_id",
        "position",
        "amount",
        "attrs",
        "reversed_at",
        "reversal_reason",
        "created_at",
        "modified_at",
    ),
    "milestone_distribution": (
        "account_id",
        "invoice_id",
        "milestone_id",
        "line_amount",
        "amount",
        "discount",
    ),
}
INSERT_ORDER = tuple(COLUMNS)  # parents before children

Row = tuple[Any, ...]
Batch = dict[str, list[Row]]


@dataclass(frozen=True)
class Size:
    """How much to generate: everything is proportional to the project count."""

    name: str
    projects: int
    allocations: int
    milestones_per_project: int = 8
    invoices_per_project: int = 15

    @property
    def milestones(self) -> int:
        return self.projects * self.milestones_per_project

    @property
    def invoices(self) -> int:
        return self.projects * self.invoices_per_project

    @property
    def lines(self) -> int:
        return self.invoices * LINES_PER_INVOICE

    @property
    def payments(self) -> int:
        return self.allocations  # one allocation per payment

    @property
    def rows(self) -> int:
        """Rows of the big tables, for estimating build time."""
        return (
            self.projects
            + self.milestones
            + self.invoices
            + self.lines
            + self.payments
            + self.allocations
        )


SMALL = Size("small", projects=200, allocations=6_000)
LARGE = Size("large", projects=20_000, allocations=1_000_000)


def tiny(projects: int = 5) -> Size:
    return Size(f"tiny{projects}", projects=projects, allocations=projects * 30)


@dataclass
class BuildInfo:
    account_id: str
    size: Size
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


# --- ids ---------------------------------------------------------------------------------

_BASE62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_TO_BASE62 = bytes(_BASE62[b % 62] for b in range(256))
_TAIL = 22  # as domain.ids.new_id


class _Ids:
    """Random-looking base62 ids like domain.ids.new_id, made in bulk from a seeded stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pool = ""
        self.offset = 0

    def new(self, prefix: str) -> str:
        if self.offset + _TAIL > len(self.pool):
            self.pool = self.rng.randbytes(_TAIL * 4096).translate(_TO_BASE62).decode("ascii")
            self.offset = 0
        tail = self.pool[self.offset : self.offset + _TAIL]
        self.offset += _TAIL
        return f"{prefix}_{tail}"


# --- generation --------------------------------------------------------------------------

MILESTONE_NAMES = (
    ("Deposit", "Contract signed"),
    ("Discovery", "Discovery report delivered"),
    ("Designs approved", "Client signs off the designs"),
    ("Prototype accepted", "Client accepts the prototype"),
    ("Build complete", "All features built and reviewed"),
    ("QA sign-off", "Acceptance tests pass"),
    ("Launch", "Live in production"),
    ("Handover", "Documentation and training delivered"),
)
CLIENTS = (
    "Northwind Traders",
    "Contoso Health",
    "Fabrikam Logistics",
    "Tailspin Toys",
    "Wide World Importers",
    "Adventure Works",
    "Litware",
    "Proseware",
    "Woodgrove Bank",
    "Alpine Ski House",
    "Coho Winery",
    "Lamna Healthcare",
    "Margie's Travel",
    "Trey Research",
    "Blue Yonder Airlines",
    "Fourth Coffee",
)
KINDS = ("website", "mobile app", "dashboard", "rebrand", "data platform", "intranet", "shop")
FREE_LINES = ("Hosting", "Travel expenses", "Change request", "Licences", "Extra revisions")
METHODS = ("WIRE", "ACH", "CHECK", "CARD", "CASH")
METHOD_WEIGHTS = (30, 30, 20, 15, 5)
ISSUED = ("OPEN", "PARTIALLY_PAID", "PAID")


def _status(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return "PAID"
    if r < 0.65:
        return "PARTIALLY_PAID"
    if r < 0.90:
        return "OPEN"
    return "DRAFT" if r < 0.95 else "VOID"


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """Return `parts` positive ints summing to `total` (total >= parts)."""
    if parts == 1:
        return [total]
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


class Generator:
    """Yields the dataset batch by batch (a few hundred projects at a time)."""

    def __init__(self, size: Size, *, seed: int = 6, now: datetime | None = None) -> None:
        self.size = size
        self.rng = random.Random(f"{seed}:{size.name}")
        self.ids = _Ids(random.Random(f"ids:{seed}:{size.name}"))
        self.now = (now or datetime.now(UTC)).replace(microsecond=0)
        self.start = self.now - timedelta(days=730)
        self.account_id = self.ids.new("acct")
        self.client_ids = {name: self.ids.new("cli") for name in CLIENTS}
        self.client_id = ""
        self.invoice_number = 0
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    def batches(self, projects_per_batch: int = 500) -> Iterator[Batch]:
        yield {
            "account": [(self.account_id, "Bench Studio", self.start)],
            "account_counter": [],
            "client": [
                (self.account_id, self.client_ids[name], name, None, self.start) for name in CLIENTS
            ],
        }
        self.counts["client"] = len(CLIENTS)
        for first in range(0, self.size.projects, projects_per_batch):
            batch: Batch = {table: [] for table in COLUMNS}
            for index in range(first, min(first + projects_per_batch, self.size.projects)):
                self._project(index, batch)
            for table, rows in batch.items():
                self.counts[table] += len(rows)
            yield batch
        # The counters go last: they continue after the highest number handed out.
        counters = [
            (self.account_id, "invoice", self.invoice_number),
            (self.account_id, "invoice_schedule", 0),
            (self.account_id, "credit_note", 0),
        ]
        self.counts["account"] = 1
        self.counts["account_counter"] = len(counters)
        yield {"account_counter": counters}

    def _allocation_quota(self, index: int) -> int:
        base, extra = divmod(self.size.allocations, self.size.projects)
        return base + (1 if index < extra else 0)

    def _project(self, index: int, out: Batch) -> None:
        rng, ids, acct, size = self.rng, self.ids, self.account_id, self.size
        span = timedelta(days=700) * (index / max(size.projects, 1))
        created = self.start + span + timedelta(seconds=index % 60)
        project_id = ids.new("prj")
        terms = 30 if index % 4 == 0 else 14
        client = CLIENTS[index % len(CLIENTS)]
        self.client_id = self.client_ids[client]

        # Milestones.
        n_ms = size.milestones_per_project
        ms_ids = [ids.new("ms") for _ in range(n_ms)]
        ms_amounts = [rng.randrange(1_000, 20_001) * 100 for _ in range(n_ms)]

        # Invoices: which milestones each one bills, then the line amounts per milestone.
        n_inv = size.invoices_per_project
        billed: list[list[int]] = [
            [k % n_ms, (k + 1) % n_ms] if k % 5 == 4 and n_ms > 1 else [k % n_ms]
            for k in range(n_inv)
        ]
        refs = [0] * n_ms
        for milestones in billed:
            for m in milestones:
                refs[m] += 1
        statuses = [_status(rng) for _ in range(n_inv)]
        quota = self._allocation_quota(index)
        paying = [k for k in range(n_inv) if statuses[k] in ("PAID", "PARTIALLY_PAID")]
        if not paying and quota > 0:
            statuses[0] = "PAID"
            paying = [0]
        for k in paying[quota:]:
            statuses[k] = "OPEN"  # not enough allocations to pay them all
        paying = paying[:quota]
        per_invoice = dict.fromkeys(paying, 1)
        for _ in range(quota - len(paying)):
            per_invoice[paying[rng.randrange(len(paying))]] += 1

        gap = min(timedelta(days=20), (self.now - timedelta(days=1) - created) / (n_inv + 1))
        first_billed: dict[int, datetime] = {}
        invoice_rows, line_rows, dist_rows = (
            out["invoice"],
            out["invoice_line"],
            out["milestone_distribution"],
        )
        payment_rows, allocation_rows = out["payment"], out["allocation"]
        used = [0] * n_ms
        for k in range(n_inv):
            inv_id = ids.new("inv")
            inv_created = created + gap * (k + 1)
            status = statuses[k]
            lines: list[tuple[int | None, str, int]] = []  # milestone index, description, amount
            for m in billed[k]:
                share = ms_amounts[m] // refs[m]
                used[m] += 1
                if used[m] == refs[m]:
                    share = ms_amounts[m] - share * (refs[m] - 1)
                lines.append((m, MILESTONE_NAMES[m % len(MILESTONE_NAMES)][0], share))
                first_billed.setdefault(m, inv_created)
            if len(lines) < LINES_PER_INVOICE:
                free = FREE_LINES[(index + k) % len(FREE_LINES)]
                lines.append((None, free, rng.randrange(50, 501) * 100))
            subtotal = sum(amount for _, _, amount in lines)
            discount = subtotal // 20 if k % 10 == 3 else 0
            total = subtotal - discount
            for position, (line_ms, description, amount) in enumerate(lines, start=1):
                line_rows.append(
                    (
                        acct,
                        ids.new("lin"),
                        inv_id,
                        position,
                        None if line_ms is None else ms_ids[line_ms],
                        description,
                        amount,
                    )
                )
            number: str | None = None
            issued_on: date | None = None
            due_on: date | None = None
            voided_at: datetime | None = None
            if status != "DRAFT":
                self.invoice_number += 1
                number = f"INV-{self.invoice_number:06d}"
                issued_on = inv_created.date()
                due_on = issued_on + timedelta(days=terms)
            if status == "VOID":
                voided_at = inv_created + timedelta(hours=20)
            amount_paid = 0
            if status in ("PAID", "PARTIALLY_PAID"):
                amount_paid = self._payments(
                    rng, inv_id, inv_created, status, total, per_invoice[k],
                    payment_rows, allocation_rows,
                )  # fmt: skip
            if status == "PAID":
                self._distribute(inv_id, lines, total, ms_ids, k, dist_rows)
            invoice_rows.append(
                (
                    acct,
                    inv_id,
                    project_id,
                    number,
                    status,
                    CURRENCY,
                    None,
                    issued_on,
                    due_on,
                    subtotal,
                    discount,
                    total,
                    amount_paid,
                    inv_created,
                    voided_at,
                    search_form(number),
                    0,  # no credit notes in the bench data
                )
            )

        for m in range(n_ms):
            name, trigger = MILESTONE_NAMES[m % len(MILESTONE_NAMES)]
            done = first_billed.get(m)
            out["milestone"].append(
                (
                    acct,
                    ms_ids[m],
                    project_id,
                    name,
                    trigger,
                    m + 1,
                    ms_amounts[m],
                    (created + timedelta(days=30 * (m + 1))).date(),
                    None if done is None else done - timedelta(hours=1),
                    created,
                )
            )
        project_name = f"{client.split()[0]} {KINDS[index % len(KINDS)]} #{index + 1}"
        out["project"].append(
            (
                acct,
                project_id,
                project_name,
                client,
                CURRENCY,
                sum(ms_amounts),
                terms,
                created,
                self.client_id,
                search_form(project_name, client),
            )
        )

    def _payments(
        self,
        rng: random.Random,
        invoice_id: str,
        invoice_created: datetime,
        status: str,
        total: int,
        count: int,
        payment_rows: list[Row],
        allocation_rows: list[Row],
    ) -> int:
        """Append `count` payments of one allocation each; return the invoice's amount_paid."""
        reversed_last = status == "PARTIALLY_PAID" and count >= 2 and rng.random() < 0.1
        active = count - 1 if reversed_last else count
        if status == "PAID":
            paid = total
        else:
            paid = rng.randint(max(active, total // 10), max(active, total * 9 // 10))
            paid = min(paid, total - 1)
        amounts = _split(rng, paid, active)
        if reversed_last:
            amounts.append(rng.randint(1, max(1, total - paid)))
        step = min(timedelta(days=3), (self.now - invoice_created) / (count + 2))
        for j, amount in enumerate(amounts):
            at = invoice_created + step * (j + 1)
            method = rng.choices(METHODS, METHOD_WEIGHTS)[0]
            card = method == "CARD"
            payment_id = self.ids.new("pay")
            reference = f"{method}-{len(payment_rows) + 1}" if method in ("CHECK", "WIRE") else None
            payment_rows.append(
                (
                    self.account_id,
                    payment_id,
                    not card,
                    self.ids.new("txn") if card else None,
                    method,
                    reference,
                    at.date(),
                    CURRENCY,
                    amount,
                    None,
                    at,
                    self.client_id,
                    amount if reversed_last and j == len(amounts) - 1 else 0,
                    0,
                    search_form(reference),
                )
            )
            is_reversed = reversed_last and j == len(amounts) - 1
            reversed_at = at + timedelta(hours=2) if is_reversed else None
            allocation_rows.append(
                (
                    self.account_id,
                    self.ids.new("item"),
                    payment_id,
                    invoice_id,
                    1,  # one allocation per payment
                    amount,
                    None,
                    reversed_at,
                    "Cheque bounced" if is_reversed else None,
                    at,
                    reversed_at or at,
                )
            )
        return paid

    def _distribute(
        self,
        invoice_id: str,
        lines: Sequence[tuple[int | None, str, int]],
        total: int,
        ms_ids: Sequence[str],
        k: int,
        dist_rows: list[Row],
    ) -> None:
        """Distribute a paid invoice over its milestone lines, as the domain would."""
        milestone_lines = [(m, amount) for m, _, amount in lines if m is not None]
        free = sum(amount for m, _, amount in lines if m is None)
        target = max(total - free, 0)
        if len(milestone_lines) == 1:
            m, amount = milestone_lines[0]
            shares = [min(target, amount)]
        elif (k // 5) % 2 == 0:
            shares = split_by_weights(target, [amount for _, amount in milestone_lines])
        else:
            return  # left for distributeMilestonePayment: distributionRequired
        for (m, amount), share in zip(milestone_lines, shares, strict=True):
            dist_rows.append(
                (self.account_id, invoice_id, ms_ids[m], amount, share, amount - share)
            )


# --- loading -----------------------------------------------------------------------------


def _check_columns() -> None:
    """Fail loudly when the tables grew or lost a column the generator does not know about."""
    for table, columns in COLUMNS.items():
        actual = set(metadata.tables[table].columns.keys())
        if actual != set(columns):
            raise RuntimeError(
                f"bench/dataset.py is out of date for table {table}: "
                f"missing {sorted(actual - set(columns))}, unknown {sorted(set(columns) - actual)}"
            )


def _sqlite_converters() -> dict[str, list[tuple[int, Callable[[Any], Any]]]]:
    """Per table, (column index, bind processor) for the columns SQLAlchemy converts."""
    dialect = sqlite_dialect.dialect()
    converters: dict[str, list[tuple[int, Callable[[Any], Any]]]] = {}
    for table, columns in COLUMNS.items():
        found: list[tuple[int, Callable[[Any], Any]]] = []
        for position, name in enumerate(columns):
            column_type = metadata.tables[table].columns[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                found.append((position, process))
        converters[table] = found
    return converters


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def build_sqlite(
    path: Path, size: Size, *, seed: int = 6, now: datetime | None = None
) -> BuildInfo:
    """Create the database file at `path` (replacing it), migrate it and fill it.

    Blocking: `upgrade_to_head` runs its own event loop, so call it from a thread in async code.
    """
    _check_columns()
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(sqlite_url(path))
    generator = Generator(size, seed=seed, now=now)
    converters = _sqlite_converters()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # A bulk load: no journal, a big page cache, and the secondary indexes built at the end
        # (sorted) instead of maintained row by row. The app switches the file to WAL itself.
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-1000000")
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' * len(INSERT_ORDER))})",
            INSERT_ORDER,
        ).fetchall()
        connection.execute("BEGIN")
        for name, _ in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        for batch in generator.batches():
            for table in INSERT_ORDER:
                rows = batch.get(table)
                if not rows:
                    continue
                convert = converters[table]
                if convert:
                    rows = [_converted(row, convert) for row in rows]
                columns = COLUMNS[table]
                connection.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})",
                    rows,
                )
        for _, sql in indexes:
            connection.execute(sql)
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
    return BuildInfo(generator.account_id, size, time.perf_counter() - started, generator.counts)


def _converted(row: Row, convert: list[tuple[int, Callable[[Any], Any]]]) -> Row:
    values = list(row)
    for position, process in convert:
        value = values[position]
        if value is not None:
            values[position] = process(value)
    return tuple(values)


async def build_postgres(
    url: str,
    size: Size,
    *,
    seed: int = 6,
    now: datetime | None = None,
    check_foreign_keys: bool = True,
) -> BuildInfo:
    """Migrate the (empty) database at `url` and fill it with COPY.

    With check_foreign_keys=False the load runs with session_replication_role = replica, which
    skips the foreign-key triggers (the generator keeps them by construction; superuser only).
    """
    import asyncpg

    _check_columns()
    started = time.perf_counter()
    await asyncio.to_thread(upgrade_to_head, url)
    generator = Generator(size, seed=seed, now=now)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        if not check_foreign_keys:
            await connection.execute("SET session_replication_role = replica")
        await connection.execute("SET maintenance_work_mem = '512MB'")
        if await connection.fetchval("SELECT count(*) FROM pg_extension WHERE extname = 'citus'"):
            # Citus may not open a connection per shard after this transaction's DDL on them.
            await connection.execute("SET citus.multi_shard_modify_mode = 'sequential'")
        async with connection.transaction():
            # Secondary indexes are built once at the end, not maintained row by row.
            indexes = await connection.fetch(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = 'public' AND i.tablename = ANY($1::text[]) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "  WHERE c.conname = i.indexname AND c.connamespace = 'public'::regnamespace)",
                list(INSERT_ORDER),
            )
            for index in indexes:
                await connection.execute(f'DROP INDEX public."{index["indexname"]}"')
            for batch in generator.batches():
                for table in INSERT_ORDER:
                    rows = batch.get(table)
                    if rows:
                        await connection.copy_records_to_table(
                            table, records=rows, columns=list(COLUMNS[table])
                        )
            for index in indexes:
                await connection.execute(index["indexdef"])
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return BuildInfo(generator.account_id, size, time.perf_counter() - started, generator.counts)


async def create_bench_key(url: str, account_id: str) -> str:
    """Return a fresh write API key for the bench account (domain.accounts.service)."""
    engine = create_engine(url)
    try:
        async with write_session(engine) as session:
            return await create_api_key(
                session=session, account_id=account_id, role=Role.WRITE, clock=SystemClock()
            )
    finally:
        await engine.dispose()


async def bench_account_id(engine: AsyncEngine) -> str | None:
    """Return the id of the bench account (the only one named Bench Studio), if any."""
    async with engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT id FROM account WHERE name = 'Bench Studio' ORDER BY id LIMIT 1")
        )
    return None if found is None else str(found)


async def table_counts(engine: AsyncEngine, account_id: str) -> dict[str, int]:
    counts = {}
    async with engine.connect() as connection:
        for table in INSERT_ORDER:
            column = "id" if table == "account" else "account_id"
            counts[table] = int(
                await connection.scalar(
                    text(f"SELECT COUNT(*) FROM {table} WHERE {column} = :a"), {"a": account_id}
                )
                or 0
            )
    return counts


async def consistency_problems(engine: AsyncEngine, account_id: str) -> list[str]:
    """Return what breaks the money invariants of the account (empty when all is well).

    - every invoice: amount_paid == sum of its non-reversed allocations, 0 <= amount_paid <=
      total, and an issued invoice's status is the one its amount_paid gives;
    - every payment: amount == sum of its allocations (reversed ones included);
    - the invoice counter is at least the highest invoice number.
    """
    problems: list[str] = []
    async with engine.connect() as connection:
        invoices = await connection.execute(
            text(
                "SELECT i.id, i.number, i.status, i.total, i.amount_paid, "
                "COALESCE(SUM(CASE WHEN a.reversed_at IS NULL THEN a.amount ELSE 0 END), 0) "
                "AS allocated "
                "FROM invoice i LEFT JOIN allocation a "
                "ON a.account_id = i.account_id AND a.invoice_id = i.id "
                "WHERE i.account_id = :a "
                "GROUP BY i.id, i.number, i.status, i.total, i.amount_paid"
            ),
            {"a": account_id},
        )
        highest = 0
        for row in invoices:
            total, paid, allocated = int(row.total), int(row.amount_paid), int(row.allocated)
            if paid != allocated:
                problems.append(f"invoice {row.id}: amount_paid {paid} != allocations {allocated}")
            if not 0 <= paid <= total:
                problems.append(f"invoice {row.id}: amount_paid {paid} outside 0..{total}")
            if row.status in ISSUED:
                expected = status_after_payment(total=total, amount_paid=paid, credited=0)
                if row.status != expected:
                    problems.append(f"invoice {row.id}: status {row.status}, expected {expected}")
            if row.number:
                highest = max(highest, int(str(row.number).removeprefix("INV-")))
        payments = await connection.execute(
            text(
                "SELECT p.id, p.amount, COALESCE(SUM(a.amount), 0) AS allocated "
                "FROM payment p LEFT JOIN allocation a "
                "ON a.account_id = p.account_id AND a.payment_id = p.id "
                "WHERE p.account_id = :a GROUP BY p.id, p.amount "
                "HAVING p.amount <> COALESCE(SUM(a.amount), 0)"
            ),
            {"a": account_id},
        )
        for row in payments:
            problems.append(f"payment {row.id}: amount {row.amount} != allocations {row.allocated}")
        counter = await connection.scalar(
            text("SELECT value FROM account_counter WHERE account_id = :a AND series = 'invoice'"),
            {"a": account_id},
        )
        if counter is None or int(counter) < highest:
            problems.append(f"invoice counter {counter} is behind the highest number {highest}")
    return problems
