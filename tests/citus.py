"""A throwaway three-node Citus cluster (a coordinator and two workers) on loopback ports.

Each node is a throwaway PostgreSQL cluster (tests/postgres.py) that preloads Citus; the
coordinator registers itself and the workers, so distributed tables spread over both workers.
About 12 seconds to start on two cores, so a pytest session (each xdist worker of one)
starts it at most once.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.engine import make_url

from db.distribute import distribute
from db.engine import create_engine
from db.migrate import upgrade_to_head
from tests.postgres import throwaway_cluster

WORKERS = 2
# Citus asks its node connections for SSL by default; these throwaway nodes have none.
NODE_SETTINGS = {"shared_preload_libraries": "citus", "citus.node_conninfo": "sslmode=disable"}


def citus_installed(bindir: Path) -> bool:
    """Whether PostgreSQL's library folder (beside `bindir`) has Citus (`make citus`)."""
    pkglibdir = subprocess.run(
        [str(bindir / "pg_config"), "--pkglibdir"], capture_output=True, text=True
    ).stdout.strip()
    candidates = [Path(pkglibdir)] if pkglibdir else []
    candidates.append(bindir.parent / "lib")
    return any((folder / "citus.so").exists() for folder in candidates)


def _psql(bindir: Path, url: str, sql: str) -> None:
    parsed = make_url(url)
    subprocess.run(
        [str(bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(parsed.host)]
        + ["-p", str(parsed.port), "-U", "postgres", "-d", str(parsed.database), "-c", sql],
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def citus_cluster(
    bindir: Path, *, databases: tuple[str, ...], without_workers: tuple[str, ...] = ()
) -> Iterator[dict[str, str]]:
    """Yield {database: coordinator URL}: each a Citus database spread over two workers, but
    those in `without_workers`, whose coordinator knows no other node (single-node Citus)."""
    with contextlib.ExitStack() as nodes, ThreadPoolExecutor(1 + WORKERS) as pool:
        # The nodes start side by side: each one's initdb and start is mostly waiting.
        clusters = [
            throwaway_cluster(bindir, databases=databases, settings=NODE_SETTINGS)
            for _ in range(1 + WORKERS)
        ]
        coordinator, *workers = pool.map(nodes.enter_context, clusters)
        for database in databases:
            urls = [node[database] for node in (coordinator, *workers)]
            list(pool.map(lambda url: _psql(bindir, url, "CREATE EXTENSION citus"), urls))
            if database in without_workers:
                continue
            port = make_url(urls[0]).port
            _psql(bindir, urls[0], f"SELECT citus_set_coordinator_host('127.0.0.1', {port})")
            for worker in urls[1:]:
                port = make_url(worker).port
                _psql(bindir, urls[0], f"SELECT citus_add_node('127.0.0.1', {port})")
        yield coordinator


def distributed_database(bindir: Path, url: str) -> None:
    """Migrate and distribute `url`, then make any multi-shard statement there an error."""
    upgrade_to_head(url)

    async def run() -> None:
        engine = create_engine(url)
        try:
            await distribute(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
    # Sessions opened from now on inherit it: a statement Citus would send to more than one
    # shard (a multi-task query) fails instead of running everywhere.
    database = make_url(url).database
    _psql(bindir, url, f"ALTER DATABASE {database} SET citus.multi_task_query_log_level = 'error'")
