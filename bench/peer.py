"""The peer: PostGraphile 4 from the npm registry, over a `pgl` schema of views in the same
PostgreSQL database.

The views expose our tables with their composite keys declared by smart comments (views have
no constraints of their own), money as decimal strings (the dataset is USD: two decimals), the
balance as a computed column returning a composite type, and the milestone figures as computed
columns, so the peer's JSON is the same as ours for the equivalent query (bench/queries.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from bench.servers import HOST, Server, base_env, graphql_ready
from tests.postgres import free_port

PACKAGE = "postgraphile@4"

SCHEMA_SQL = r"""
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS pgl CASCADE;
CREATE SCHEMA pgl;

-- USD (and every two-decimal currency): the bench dataset has no other.
CREATE FUNCTION pgl.money(minor numeric) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (minor::numeric / 100)::numeric(20, 2)::text $$;

CREATE VIEW pgl.project AS
  SELECT account_id, id, name, client_name, currency, created_at FROM public.project;

CREATE VIEW pgl.milestone AS
  SELECT account_id, id, project_id, name, position, amount AS amount_minor,
         pgl.money(amount) AS amount, completed_at
  FROM public.milestone;
COMMENT ON COLUMN pgl.milestone.amount_minor IS E'@omit';

CREATE VIEW pgl.invoice AS
  SELECT account_id, id, project_id, number, status, pgl.money(total) AS total, created_at
  FROM public.invoice;

CREATE VIEW pgl.invoice_line AS
  SELECT account_id, id, invoice_id, position, description, pgl.money(amount) AS amount
  FROM public.invoice_line;

CREATE VIEW pgl.payment AS SELECT account_id, id, method FROM public.payment;

CREATE VIEW pgl.allocation AS
  SELECT account_id, id, invoice_id, payment_id, pgl.money(amount) AS amount, created_at
  FROM public.allocation;

CREATE TYPE pgl.project_balance AS (
  invoiced_amount text, paid_amount text, outstanding_amount text
);
CREATE FUNCTION pgl.project_balance(p pgl.project) RETURNS pgl.project_balance
  LANGUAGE sql STABLE
  AS $$
    SELECT pgl.money(COALESCE(SUM(total), 0)), pgl.money(COALESCE(SUM(amount_paid), 0)),
           pgl.money(COALESCE(SUM(total - amount_paid), 0))
    FROM public.invoice
    WHERE account_id = p.account_id AND project_id = p.id
      AND status IN ('OPEN', 'PARTIALLY_PAID', 'PAID')
  $$;

CREATE FUNCTION pgl.milestone_amount_paid(m pgl.milestone) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT pgl.money(COALESCE(SUM(d.amount), 0)) FROM public.milestone_distribution d
    WHERE d.account_id = m.account_id AND d.milestone_id = m.id
  $$;

CREATE FUNCTION pgl.milestone_paid(m pgl.milestone) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT m.amount_minor > 0 AND COALESCE(SUM(d.amount + d.discount), 0) >= m.amount_minor
    FROM public.milestone_distribution d
    WHERE d.account_id = m.account_id AND d.milestone_id = m.id
  $$;

CREATE FUNCTION pgl.milestone_status(m pgl.milestone) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT CASE
      WHEN m.amount_minor > 0 AND s.paid + s.discount >= m.amount_minor THEN 'PAID'
      WHEN s.paid > 0 THEN 'PARTIALLY_PAID'
      WHEN EXISTS (
        SELECT 1 FROM public.invoice_line l JOIN public.invoice i
          ON i.account_id = l.account_id AND i.id = l.invoice_id
        WHERE l.account_id = m.account_id AND l.milestone_id = m.id AND l.amount > 0
          AND i.status IN ('OPEN', 'PARTIALLY_PAID', 'PAID')
      ) THEN 'INVOICED'
      WHEN m.completed_at IS NOT NULL THEN 'COMPLETED'
      ELSE 'PLANNED'
    END
    FROM (
      SELECT COALESCE(SUM(d.amount), 0) AS paid, COALESCE(SUM(d.discount), 0) AS discount
      FROM public.milestone_distribution d
      WHERE d.account_id = m.account_id AND d.milestone_id = m.id
    ) AS s
  $$;
"""


# (view, foreign key columns, parent view, field name, field name on the parent)
RELATIONS = (
    ("milestone", "project_id", "project", "project", "milestones"),
    ("invoice", "project_id", "project", "project", "invoices"),
    ("invoice_line", "invoice_id", "invoice", "invoice", "lines"),
    ("allocation", "invoice_id", "invoice", "invoice", "allocations"),
    ("allocation", "payment_id", "payment", "payment", "allocations"),
)
VIEWS = ("project", "milestone", "invoice", "invoice_line", "payment", "allocation")


def smart_comments() -> str:
    """Views have no keys: declare our composite primary and foreign keys to PostGraphile."""
    statements = []
    for view in VIEWS:
        tags = ["@primaryKey account_id,id"]
        for child, column, parent, field_name, foreign_name in RELATIONS:
            if child == view:
                tags.append(
                    f"@foreignKey (account_id, {column}) references pgl.{parent} (account_id, id)"
                    f"|@fieldName {field_name}|@foreignFieldName {foreign_name}"
                    f"|@foreignSimpleFieldName {foreign_name}List"
                )
        body = "\\n".join(tags)
        statements.append(f"COMMENT ON VIEW pgl.{view} IS E'{body}';")
    return "\n".join(statements) + "\n"


def schema_sql() -> str:
    return SCHEMA_SQL + smart_comments()


def npm_available() -> str | None:
    """Return why the peer cannot run here, or None when node and npm are there."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not found" if missing else None


def install(folder: Path, timeout: float = 240) -> Path:
    """Install PostGraphile 4 into `folder` (once); return the path of its CLI script."""
    package = folder / "node_modules" / "postgraphile" / "package.json"
    if not (package.exists() and json.loads(package.read_text())["version"].startswith("4.")):
        folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund"]
            + ["--loglevel=error", "--no-save", PACKAGE],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0 or not package.exists():
            raise RuntimeError(f"npm install {PACKAGE} failed: {result.stderr[-800:]}")
    meta = json.loads(package.read_text())
    bin_entry = meta["bin"]
    script = bin_entry if isinstance(bin_entry, str) else bin_entry["postgraphile"]
    return package.parent / script


def version(cli: Path) -> str:
    return str(json.loads((cli.parent / "package.json").read_text())["version"])


def server(cli: Path, dsn: str, logs: Path, tag: str, workers: int = 1) -> Server:
    """PostGraphile's CLI; `workers` > 1 runs its cluster mode, one process per worker."""
    port = free_port()
    command = ["node", str(cli), "--connection", dsn, "--schema", "pgl"]
    command += ["--host", HOST, "--port", str(port), "--disable-query-log"]
    command += ["--simple-collections", "both", "--disable-default-mutations"]
    command += ["--cluster-workers", str(workers)] if workers > 1 else []
    env = {**base_env(), "NODE_ENV": "production"}
    env.pop("PGPASSWORD", None)
    if os.environ.get("BENCH_PEER_POOL"):
        command += ["--max-pool-size", os.environ["BENCH_PEER_POOL"]]
    return Server(
        "postgraphile", command, env=env, port=port, log=logs / f"postgraphile-{tag}.log",
        ready=graphql_ready(port),
    )  # fmt: skip
