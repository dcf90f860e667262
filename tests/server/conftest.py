"""Fixtures for the tests that talk to a real server process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.live import Live, live_server


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """`milestone-billing serve` on a fresh SQLite file, with a write key (one per module)."""
    workdir: Path = tmp_path_factory.mktemp("live")
    with live_server(f"sqlite+aiosqlite:///{workdir}/live.db", workdir) as server:
        yield server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live_on_each_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """`serve` on SQLite, then on PostgreSQL (the session's cluster, a fresh account)."""
    workdir: Path = tmp_path_factory.mktemp(f"live-{request.param}")
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_urls")["api"]
    else:
        url = f"sqlite+aiosqlite:///{workdir}/live.db"
    with live_server(url, workdir, account=f"Partner on {request.param}") as server:
        yield server
