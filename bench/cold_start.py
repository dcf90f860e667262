"""Cold start to first answer: from spawning a server to its first 200 for `{ __typename }`.

Ours is `milestone-billing serve` (the API key checked, as for any client), PostGraphile the
peer on the same database; they start in turn, ROUNDS times each, and the medians are compared.
The repository's modules are compiled to bytecode first, as an installed wheel is: with
PYTHONDONTWRITEBYTECODE set (as on this machine) every start would otherwise compile them all.
"""

from __future__ import annotations

import compileall
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import servers
from bench.httpclient import post_request

PACKAGES = ("server", "schema", "db", "domain", "resolvers")


def compile_packages() -> None:
    for package in PACKAGES:
        compileall.compile_dir(str(servers.REPO / package), quiet=1)
    compileall.compile_file(str(servers.REPO / "milestone_billing.py"), quiet=1)


async def seconds_to_first_answer(server: servers.Server, auth: dict[str, str]) -> float:
    """Return the seconds from spawning `server` to its first 200 for `{ __typename }`."""
    server.ready = post_request(
        servers.HOST, server.port, "/graphql", b'{"query":"{ __typename }"}', auth
    )
    started = time.perf_counter()
    await server.start(wait_s=60, poll_s=0.01)
    elapsed = time.perf_counter() - started
    server.stop()
    return elapsed


async def measure(
    ours: Callable[[], servers.Server],
    theirs: Callable[[], servers.Server] | None,
    key: str,
    rounds: int,
) -> dict[str, Any]:
    """Return the median seconds to first answer for ours and the peer, started in turn."""
    compile_packages()
    times: dict[str, list[float]] = {"ours": [], "peer": []}
    for _ in range(rounds):
        times["ours"].append(
            await seconds_to_first_answer(ours(), {"Authorization": f"Bearer {key}"})
        )
        if theirs is not None:
            times["peer"].append(await seconds_to_first_answer(theirs(), {}))
    row: dict[str, Any] = {"rounds": rounds, "ours_s": statistics.median(times["ours"])}
    if times["peer"]:
        row["peer_s"] = statistics.median(times["peer"])
        row["ratio"] = row["ours_s"] / row["peer_s"]
    return row
