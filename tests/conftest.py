"""Fixtures shared by every layer: databases on both backends, accounts, an API client."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import settings
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, write_session
from db.migrate import upgrade_to_head
from db.parked_reads import parking_reads
from domain.accounts.service import create_account, create_api_key
from domain.clock import FixedClock
from domain.context import Caller, Role
from server.app import create_app
from server.demo import populate
from server.settings import Settings
from tests.citus import citus_cluster, citus_installed, distributed_database
from tests.postgres import postgres_bindir, throwaway_cluster

# Hypothesis's per-example deadline measures the machine's load, not the code: CI shares two
# cores with PostgreSQL and Citus, and a slow example is not a failure.
settings.register_profile("default", deadline=None)
settings.load_profile("default")

BACKENDS = ("sqlite", "postgresql")
CITUS = "citus"
# `pytestmark = ON_CITUS_TOO`: the module's tests run on a three-node Citus cluster as well.
ON_CITUS_TOO = pytest.mark.parametrize(
    "database_url", (*BACKENDS, CITUS), indirect=True, scope="session"
)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def postgres_urls() -> Iterator[dict[str, str]]:
    """URLs of databases in a throwaway cluster; skipped only where PostgreSQL is absent."""
    bindir = postgres_bindir()
    if bindir is None:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but no PostgreSQL binaries (initdb) were found")
        pytest.skip("no PostgreSQL binaries found (install Debian's postgresql package)")
    with throwaway_cluster(bindir, databases=("api", "scratch", "migrations")) as urls:
        yield urls


@pytest.fixture(scope="session")
def citus_urls() -> Iterator[dict[str, str]]:
    """Coordinator URLs of a three-node Citus cluster: `api` migrated and distributed, where
    any multi-shard statement is an error; `scratch` and `upgrade` bare; `single` bare and
    without workers. Skipped only where Citus is absent."""
    bindir = postgres_bindir()
    if bindir is None or not citus_installed(bindir):
        if os.environ.get("REQUIRE_CITUS"):
            pytest.fail("REQUIRE_CITUS is set but Citus is not installed (make citus)")
        pytest.skip("Citus is not installed (make citus builds it from ../shared/vendor)")
    databases = ("api", "scratch", "upgrade", "single")
    with citus_cluster(bindir, databases=databases, without_workers=("single",)) as urls:
        distributed_database(bindir, urls["api"])
        yield urls


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {"sqlite": f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite')}/api.db"}


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, database_urls: dict[str, str]) -> str:
    """A migrated database on each backend, shared by the session (tests use fresh accounts)."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_urls")["api"]
    elif request.param == CITUS:
        url = request.getfixturevalue("citus_urls")["api"]
    else:
        url = database_urls["sqlite"]
    upgrade_to_head(url)
    return url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@dataclass
class Api:
    """A client for one fresh account, talking HTTP to the app in-process."""

    client: httpx.AsyncClient
    account_id: str
    write_key: str
    read_key: str
    engine: AsyncEngine
    clock: FixedClock

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, key: str | None = "write"
    ) -> httpx.Response:
        headers = {}
        if key is not None:
            headers["Authorization"] = f"Bearer {self._key(key)}"
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, key: str = "write"
    ) -> dict[str, Any]:
        """Return the `data` of a query that must succeed without top-level errors."""
        response = await self.post(query, variables, key=key)
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return dict(body["data"])

    def _key(self, key: str) -> str:
        return {"write": self.write_key, "read": self.read_key}.get(key, key)


async def new_account(
    engine: AsyncEngine, clock: FixedClock, name: str = "Test Studio"
) -> tuple[str, str, str]:
    """Return (account id, write key, read key) of a fresh account."""
    async with write_session(engine) as session:
        account = await create_account(session=session, name=name, clock=clock)
        write_key = await create_api_key(
            session=session, account_id=account.id, role=Role.WRITE, clock=clock
        )
        read_key = await create_api_key(
            session=session, account_id=account.id, role=Role.READ, clock=clock
        )
    return account.id, write_key, read_key


def make_app(engine: AsyncEngine, clock: FixedClock, **settings: Any) -> Any:
    return create_app(Settings(expose_query_stats=True, **settings), engine=engine, clock=clock)


@pytest.fixture
async def api(engine: AsyncEngine, clock: FixedClock) -> AsyncIterator[Api]:
    account_id, write_key, read_key = await new_account(engine, clock)
    transport = httpx.ASGITransport(app=make_app(engine, clock))
    # As the server's lifespan does (httpx does not run it): reads lend parked connections.
    async with (
        parking_reads(engine, keep=4),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield Api(client, account_id, write_key, read_key, engine, clock)


@pytest.fixture
async def demo_api(api: Api) -> Api:
    """`api`'s account filled with the demo data (`seed-demo`'s projects, invoices, payments)."""
    async with write_session(api.engine) as session:
        caller = Caller(account_id=api.account_id, role=Role.WRITE, clock=api.clock)
        await populate(session=session, caller=caller)
    return api


@pytest.fixture
async def other_api(api: Api) -> AsyncIterator[Api]:
    """A second account on the same app and database, for tenancy checks."""
    account_id, write_key, read_key = await new_account(api.engine, api.clock, "Other Studio")
    yield Api(api.client, account_id, write_key, read_key, api.engine, api.clock)
