"""A PostgreSQL cluster for one bench run, its data folder kept under bench/.cache.

The folder outlives the run so that the large database is built once; the server itself is
started for the run on a free loopback port and stopped at the end, even after a failure.
Settings are PostgreSQL's defaults (durable commits), unlike the test clusters.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.postgres import free_port, postgres_bindir

__all__ = ["Cluster", "postgres_bindir"]


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Cluster:
    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root.resolve()
        self.data = root / "data"
        self.port = 0
        self.running = False

    def _run(self, command: list[str], *, as_postgres: bool = False) -> None:
        full = _as_postgres(command) if as_postgres else command
        result = subprocess.run(full, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr or result.stdout}")

    def _initdb(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
            + ["-E", "UTF8", "--locale=C.UTF-8"],
            as_postgres=True,
        )

    def start(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        elif (self.data / "postmaster.pid").exists():
            # Left running by an interrupted bench run: stop that server (ours) first.
            subprocess.run(
                _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast"])
                + ["-w", "stop"],
                capture_output=True,
                timeout=120,
            )
        self.port = free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c max_connections=200"
        )
        command = [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l"]
        command += [str(self.root / "server.log"), "-w", "-t", "60", "-o", options, "start"]
        try:
            self._run(command, as_postgres=True)
        except RuntimeError:
            self._initdb()  # a folder left broken by a crash: start over
            self._run(command, as_postgres=True)
        self.running = True

    def stop(self) -> None:
        if self.running:
            subprocess.run(
                _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast"])
                + ["-w", "stop"],
                capture_output=True,
                timeout=120,
            )
            self.running = False

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _client(self, name: str) -> list[str]:
        return [str(self.bindir / name), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]

    def recreate(self, database: str) -> str:
        """Drop and create `database`; return its SQLAlchemy URL."""
        self._run([*self._client("dropdb"), "--if-exists", "--force", database])
        self._run([*self._client("createdb"), database])
        return self.url(database)

    def psql(self, database: str, sql: str) -> str:
        result = subprocess.run(
            [*self._client("psql"), "-d", database, "-tAq", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return result.stdout.strip()

    def exists(self, database: str) -> bool:
        found = self.psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
        return found == "1"
