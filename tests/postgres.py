"""A throwaway PostgreSQL cluster on a free loopback port, for one pytest session."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url


def postgres_bindir() -> Path | None:
    """Return the folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    candidates: list[str] = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("initdb") or "").parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_beside(url: str, name: str) -> str:
    """Create database `name` (anew) in the cluster that serves `url`; return its URL."""
    bindir, parsed = postgres_bindir(), make_url(url)
    assert bindir is not None, "a PostgreSQL URL without PostgreSQL binaries"
    where = ["-h", str(parsed.host), "-p", str(parsed.port), "-U", str(parsed.username)]
    subprocess.run([str(bindir / "dropdb"), *where, "--if-exists", name], check=True)
    subprocess.run([str(bindir / "createdb"), *where, name], check=True, capture_output=True)
    return parsed.set(database=name).render_as_string(hide_password=False)


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root: run the cluster as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def throwaway_cluster(
    bindir: Path,
    *,
    databases: tuple[str, ...],
    durable: bool = False,
    settings: dict[str, str] | None = None,
) -> Iterator[dict[str, str]]:
    """Yield {database: url} for a fresh cluster; stop it and delete it afterwards.

    The cluster skips fsync and synchronous commits for speed unless `durable` is set (the
    crash-safety tests need a commit to be on disk when the server acknowledges it).
    `settings` go into postgresql.conf before the server starts (Citus's preload library).
    """
    root = Path(tempfile.mkdtemp(prefix="mb-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    subprocess.run(
        _as_postgres(
            [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
            + ["-E", "UTF8", "--locale=C.UTF-8"]
        ),
        check=True,
        capture_output=True,
    )
    with (data / "postgresql.conf").open("a") as conf:
        conf.writelines(f"{name} = '{value}'\n" for name, value in (settings or {}).items())
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    pg_ctl = str(bindir / "pg_ctl")
    log = root / "server.log"
    subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-l", str(log), "-w", "-o", options, "start"]),
        check=True,
        capture_output=True,
    )
    try:
        urls = {}
        for name in databases:
            subprocess.run(
                [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
                + [name],
                check=True,
                capture_output=True,
            )
            urls[name] = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{name}"
        yield urls
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
