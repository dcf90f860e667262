"""Closed-loop load: keep-alive clients each sending a request as soon as the last answer came."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.httpclient import HttpConnection
from bench.measure import Samples


@dataclass
class Load:
    rps: float
    latencies: Samples


async def closed_loop(
    port: int,
    make_request: Callable[[], bytes],
    *,
    total: int,
    clients: int,
    max_s: float,
    check: Callable[[int, bytes], None] | None = None,
    host: str = "127.0.0.1",
) -> Load:
    """Send `total` requests (or for `max_s` seconds) over `clients` connections; return the
    rate and every request's latency. A non-200 answer raises; `check` may raise too."""
    remaining = total
    latencies: list[float] = []
    deadline = time.perf_counter() + max_s

    async def client() -> None:
        nonlocal remaining
        connection = HttpConnection(host, port)
        try:
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                request = make_request()
                started = time.perf_counter()
                status, body = await connection.send(request)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
                if check is not None:
                    check(status, body)
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return Load(len(latencies) / elapsed, Samples(latencies))


def rss_kib(pid: int) -> int:
    """Return a process's resident set size in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")
