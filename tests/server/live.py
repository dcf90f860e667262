"""A real `milestone-billing serve` process on a free loopback port, for tests from outside.

`live_server(database_url, workdir)` migrates the database and creates an account with the CLI
(its key is the last line of `create-account`), starts `python -m server.cli serve` with
HOST=127.0.0.1 and a free PORT, waits for /healthz and yields `Live(base_url, key, process)`.
The process is always stopped afterwards. `start_server`/`stop_server` serve the crash tests,
which kill and restart the server on the same database.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import httpx

from tests.postgres import free_port

SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "HOST",
    "PORT",
    "CORS_ORIGINS",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "EXPOSE_QUERY_STATS",
    "FAST_QUERIES",
    "METRICS_TOKEN",
    "DATABASE_POOL_SIZE",
    "REQUEST_READ_TIMEOUT",
    "MAX_CONNECTIONS",
    "DATABASE_TIMEOUT",
    "SUBSCRIPTIONS_PER_ACCOUNT",
    "SUBSCRIPTIONS_PER_PROCESS",
    "SUBSCRIPTION_SEND_TIMEOUT",
)
STARTUP_SECONDS = 90  # a bound for a hung start, not a speed check: CI machines are shared
ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / ".cache" / "reports"  # gitignored: numbers of the last run, for the README


class Live(NamedTuple):
    base_url: str
    key: str
    process: subprocess.Popen[bytes]


def cli_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a CLI run: ours without the settings variables, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return {**env, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **extra}


MODULE_CLI = (sys.executable, "-m", "server.cli")


def run_cli(
    database_url: str,
    *args: str,
    cwd: Path,
    check: bool = True,
    program: Sequence[str] = MODULE_CLI,
) -> subprocess.CompletedProcess[str]:
    """Run the CLI (`python -m server.cli` unless `program` says otherwise) with ARGS."""
    result = subprocess.run(
        [*program, *args],
        env=cli_env(database_url),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert result.returncode == 0, f"{args}: {result.stderr}"
    return result


def cli(database_url: str, *args: str, cwd: Path) -> str:
    """Run `python -m server.cli ARGS`; return its stdout (it must succeed)."""
    return run_cli(database_url, *args, cwd=cwd).stdout


def migrate(database_url: str, cwd: Path) -> None:
    cli(database_url, "migrate", cwd=cwd)


def create_account(database_url: str, cwd: Path, name: str = "Partner") -> str:
    """Create an account with a write key; return the key (the last line of the output)."""
    return cli(database_url, "create-account", name, cwd=cwd).strip().splitlines()[-1].strip()


def start_server(
    database_url: str, cwd: Path, log_path: Path, *, port: int | None = None, **env: str
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start `serve` on 127.0.0.1; return (base URL, process) once /healthz answers 200."""
    port = port or free_port()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"],
            env=cli_env(database_url, HOST="127.0.0.1", PORT=str(port), **env),
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url, process, log_path)
    except BaseException:
        stop_server(process)
        raise
    return base_url, process


def wait_healthy(
    base_url: str,
    process: subprocess.Popen[bytes],
    log_path: Path,
    *,
    seconds: float = STARTUP_SECONDS,
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"serve did not answer /healthz in {seconds} s")
        time.sleep(0.05)


def stop_server(process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    """Stop the server: SIGTERM (graceful) or SIGKILL; wait for it either way."""
    if process.poll() is None:
        if kill:
            process.send_signal(signal.SIGKILL)
        else:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def live_server(
    database_url: str, workdir: Path, *, account: str = "Partner", **env: str
) -> Iterator[Live]:
    """Migrate, create an account, serve; yield Live(base_url, key, process); always stop."""
    workdir.mkdir(parents=True, exist_ok=True)
    migrate(database_url, workdir)
    key = create_account(database_url, workdir, account)
    base_url, process = start_server(database_url, workdir, workdir / "serve.log", **env)
    try:
        yield Live(base_url, key, process)
    finally:
        stop_server(process)


def graphql(
    base_url: str,
    key: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    client: httpx.Client | None = None,
    timeout: float = 10,
) -> dict[str, Any]:
    """POST a query that must succeed without top-level errors; return its `data`."""
    post = client.post if client is not None else httpx.post
    response = post(
        f"{base_url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {key}"},
        timeout=timeout,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return dict(body["data"])


def write_report(name: str, data: Any) -> Path:
    """Write `data` as JSON to .cache/reports/NAME (gitignored); return the path."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    path = REPORTS / name
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")
    return path
