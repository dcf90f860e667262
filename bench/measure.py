"""Timing: alternating sequential samples, and throughput with concurrent clients."""

from __future__ import annotations

import asyncio
import gc
import math
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bench.httpclient import HttpConnection

Call = Callable[[], Awaitable[object]]


@dataclass
class Samples:
    seconds: list[float]

    @property
    def n(self) -> int:
        return len(self.seconds)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000


@dataclass
class Alternated:
    samples: dict[str, Samples]
    rounds: int
    note: str = ""


async def alternate(
    targets: Sequence[tuple[str, Call]], *, n: int, warmup: int, budget_s: float
) -> Alternated:
    """Time `n` rounds of one call per target (A, B, C, then B, C, A, ...) after a warm-up.

    When the warm-up shows that `n` rounds would take longer than `budget_s`, fewer rounds are
    run (at least 30) and the note says so.
    """
    round_times = []
    for _ in range(max(warmup, 1)):
        started = time.perf_counter()
        for _, call in targets:
            await call()
        round_times.append(time.perf_counter() - started)
    # The first rounds warm caches: judge the pace on the later half.
    per_round = statistics.median(round_times[len(round_times) // 2 :])
    rounds, note = n, ""
    if per_round * n > budget_s:
        rounds = max(30, int(budget_s / per_round))
        if rounds < n:
            note = f"{rounds} rounds, not {n}: {per_round * 1000:.0f} ms a round"
    times: dict[str, list[float]] = {name: [] for name, _ in targets}
    gc.collect()
    count = len(targets)
    for i in range(rounds):
        for j in range(count):
            name, call = targets[(i + j) % count]
            t0 = time.perf_counter()
            await call()
            times[name].append(time.perf_counter() - t0)
    return Alternated({name: Samples(values) for name, values in times.items()}, rounds, note)


async def throughput(
    port: int, request: bytes, *, total: int, clients: int, max_s: float, host: str = "127.0.0.1"
) -> float:
    """Return requests per second for `total` requests (or `max_s` seconds) over `clients`
    keep-alive connections; a non-200 answer raises."""
    remaining = total
    done = 0
    deadline = time.perf_counter() + max_s

    async def client() -> None:
        nonlocal remaining, done
        connection = HttpConnection(host, port)
        try:
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                status, body = await connection.send(request)
                if status != 200:
                    raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
                done += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done / (time.perf_counter() - started)
