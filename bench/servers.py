"""Servers the bench starts as subprocesses on free loopback ports, and stops itself."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.httpclient import HttpConnection, post_request
from tests.postgres import free_port

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


class Server:
    """One server process: started with `start`, stopped (by its own pid) with `stop`."""

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        env: dict[str, str],
        port: int,
        log: Path,
        ready: bytes,
    ) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.port = port
        self.log = log
        self.ready = ready
        self.process: subprocess.Popen[bytes] | None = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            return subprocess.Popen(
                self.command,
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start(self, wait_s: float = 60, poll_s: float = 0.2) -> None:
        self.process = self._spawn()
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.tail()}")
            connection = HttpConnection(HOST, self.port)
            try:
                status, _ = await asyncio.wait_for(connection.send(self.ready), 5)
                if status == 200:
                    return
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                pass
            finally:
                await connection.close()
            await asyncio.sleep(poll_s)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {wait_s:.0f} s: {self.tail()}")

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _get(port: int, path: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: application/json\r\n\r\n".encode()
    )


def base_env() -> dict[str, str]:
    skip = ("DATABASE_URL", "HOST", "PORT", "CORS_ORIGINS", "LOG_LEVEL", "EXPOSE_QUERY_STATS")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = str(REPO)
    return env


def ours(database_url: str, logs: Path, tag: str, workers: int = 1) -> Server:
    """`milestone-billing serve`: `workers` uvicorn workers (uvloop and httptools when installed).

    LOG_LEVEL=WARNING: no per-request log line, as PostGraphile runs with --disable-query-log.
    """
    port = free_port()
    env = {
        **base_env(),
        "DATABASE_URL": database_url,
        "EXPOSE_QUERY_STATS": "1",
        "LOG_LEVEL": "WARNING",
    }
    executable = Path(sys.executable).parent / "milestone-billing"
    command = [str(executable), "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers)] if workers > 1 else []
    return Server(
        "milestone-billing", command, env=env, port=port, log=logs / f"ours-{tag}.log",
        ready=_get(port, "/healthz"),
    )  # fmt: skip


def floor(database_url: str, account_id: str, logs: Path, tag: str) -> Server:
    port = free_port()
    env = {
        **base_env(),
        "BENCH_DATABASE_URL": database_url,
        "BENCH_ACCOUNT_ID": account_id,
        "BENCH_PORT": str(port),
    }
    command = [sys.executable, "-m", "bench.floor_server"]
    return Server(
        "floor", command, env=env, port=port, log=logs / f"floor-{tag}.log",
        ready=_get(port, "/healthz"),
    )  # fmt: skip


def graphql_ready(port: int) -> bytes:
    return post_request(HOST, port, "/graphql", b'{"query":"{ __typename }"}', {})
