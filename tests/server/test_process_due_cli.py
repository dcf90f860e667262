"""`milestone-billing process-due` and `seed-demo`, run as separate processes on a SQLite file.

The data is laid out through GraphQL on an app built in-process over the same file; the
commands are then run as a user runs them, and their effect is read back through GraphQL.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from db.engine import create_engine
from domain.clock import FixedClock, SystemClock
from server.app import create_app
from server.settings import Settings
from tests.api.billing_helpers import (
    PAUSE_SCHEDULE,
    create_invoice,
    create_project,
    create_schedule,
    get_schedule,
    stages,
)
from tests.conftest import START, Api, new_account
from tests.server.live import run_cli


def command() -> list[str]:
    """The console script beside this interpreter, as installed; else the module."""
    script = Path(sys.executable).parent / "milestone-billing"
    if script.exists():
        return [str(script)]
    found = shutil.which("milestone-billing")
    return [found] if found else [sys.executable, "-m", "server.cli"]


def cli(url: str, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_cli(url, *args, cwd=cwd, check=check, program=command())


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A fresh SQLite file migrated by `milestone-billing migrate`."""
    url = f"sqlite+aiosqlite:///{tmp_path}/billing.db"
    assert "newest migration" in cli(url, "migrate", cwd=tmp_path).stdout
    return url


@asynccontextmanager
async def accounts(url: str, count: int, clock: Any) -> AsyncIterator[list[Api]]:
    """Yield API clients for `count` fresh accounts on the database at `url`."""
    engine = create_engine(url)
    try:
        app = create_app(Settings(database_url=url), engine=engine, clock=clock)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            apis = []
            for n in range(count):
                account_id, write_key, read_key = await new_account(engine, clock, f"Studio {n}")
                apis.append(Api(client, account_id, write_key, read_key, engine, clock))
            yield apis
    finally:
        await engine.dispose()


def issued_lines(output: str) -> dict[str, list[str]]:
    """Return {account id: invoice numbers} from the `acct_...: issued INV-..., ...` lines."""
    found = {}
    for line in output.splitlines():
        if ": issued " in line:
            account_id, numbers = line.split(": issued ", 1)
            found[account_id.strip()] = [n.strip() for n in numbers.split(",")]
    return found


INVOICES = """
query($id: ID!) {
  project(id: $id) {
    invoices {
      totalCount
      nodes { number status issuedOn dueOn total lines { description amount } }
    }
  }
}"""


async def test_process_due_issues_due_items_once(database: str, tmp_path: Path) -> None:
    async with accounts(database, 2, FixedClock(START)) as (studio, other):
        website = await create_project(studio, contractValue="10000.00")
        plan = await create_schedule(
            studio,
            website,
            items=[
                {"name": "Deposit", "percentage": 25, "trigger": "a", "runDate": "2026-03-05"},
                {"name": "Design", "percentage": 25, "trigger": "b", "runDate": "2026-03-10"},
                {"name": "Build", "percentage": 25, "trigger": "c", "runDate": "2026-03-20"},
                {"name": "Launch", "percentage": 25, "trigger": "d"},
            ],
        )
        held_project = await create_project(studio, contractValue="100.00")
        held = await create_schedule(studio, held_project, items=stages(100, runDate="2026-03-01"))
        await studio.gql(PAUSE_SCHEDULE, {"id": held["id"]})
        dashboard = await create_project(other, contractValue="27000.00", paymentTermsDays=30)
        await create_schedule(
            other,
            dashboard,
            invoiceSeparately=False,
            items=[
                {"name": "Deposit", "percentage": 20, "trigger": "a", "runDate": "2026-03-03"},
                {"name": "Prototype", "percentage": 30, "trigger": "b", "runDate": "2026-03-04"},
                {"name": "Delivery", "percentage": 50, "trigger": "c", "runDate": "2026-04-01"},
            ],
        )

        first = cli(database, "process-due", "--as-of", "2026-03-10", cwd=tmp_path)
        assert issued_lines(first.stdout) == {
            studio.account_id: ["INV-000001", "INV-000002"],
            other.account_id: ["INV-000001"],
        }
        assert first.stdout.strip().splitlines()[-1] == "3 invoice(s) issued"

        again = cli(database, "process-due", "--as-of", "2026-03-10", cwd=tmp_path)
        assert issued_lines(again.stdout) == {}
        assert again.stdout.strip().splitlines()[-1] == "0 invoice(s) issued"

        state = await get_schedule(studio, plan["id"])
        assert state is not None
        assert [i["status"] for i in state["items"]] == [
            "PROCESSED",
            "PROCESSED",
            "PENDING",
            "PENDING",
        ]
        assert (state["billedAmount"], state["nextRunDate"]) == ("5000.00", "2026-03-20")
        held_state = await get_schedule(studio, held["id"])
        assert held_state is not None
        assert [i["status"] for i in held_state["items"]] == ["PENDING"]

        invoices = (await studio.gql(INVOICES, {"id": website}))["project"]["invoices"]
        assert invoices["totalCount"] == 2
        assert sorted(
            (i["number"], i["total"], i["lines"][0]["description"]) for i in invoices["nodes"]
        ) == [("INV-000001", "2500.00", "Deposit"), ("INV-000002", "2500.00", "Design")]
        shared = (await other.gql(INVOICES, {"id": dashboard}))["project"]["invoices"]
        [invoice] = shared["nodes"]
        assert invoice["status"] == "OPEN"
        assert invoice["total"] == "13500.00"
        assert [(line["description"], line["amount"]) for line in invoice["lines"]] == [
            ("Deposit", "5400.00"),
            ("Prototype", "8100.00"),
        ]

        later = cli(database, "process-due", "--as-of", "2026-04-01", cwd=tmp_path)
        assert issued_lines(later.stdout) == {
            studio.account_id: ["INV-000003"],
            other.account_id: ["INV-000002"],
        }
        assert later.stdout.strip().splitlines()[-1] == "2 invoice(s) issued"


async def test_process_due_defaults_to_today(database: str, tmp_path: Path) -> None:
    async with accounts(database, 1, FixedClock(START)) as (studio,):
        project_id = await create_project(studio, contractValue="100.00")
        plan = await create_schedule(
            studio,
            project_id,
            items=[
                {"name": "Long ago", "percentage": 50, "trigger": "a", "runDate": "2001-01-01"},
                {"name": "Far off", "percentage": 50, "trigger": "b", "runDate": "2199-01-01"},
            ],
        )
        result = cli(database, "process-due", cwd=tmp_path)
        assert issued_lines(result.stdout) == {studio.account_id: ["INV-000001"]}
        state = await get_schedule(studio, plan["id"])
        assert state is not None
        assert [i["status"] for i in state["items"]] == ["PROCESSED", "PENDING"]


async def test_process_due_prints_the_items_it_could_not_run(database: str, tmp_path: Path) -> None:
    async with accounts(database, 1, FixedClock(START)) as (studio,):
        project_id = await create_project(studio, contractValue="100.00")
        plan = await create_schedule(
            studio,
            project_id,
            items=[
                {"name": "One", "percentage": 50, "trigger": "a", "runDate": "2026-03-10"},
                {"name": "Two", "percentage": 50, "trigger": "b", "runDate": "2026-03-11"},
            ],
        )
        blocked = plan["items"][0]
        # Both are due; the first one's milestone was partly invoiced by hand.
        await create_invoice(
            studio,
            project_id,
            lines=[{"milestoneId": blocked["milestone"]["id"], "amount": "1.00"}],
        )
        result = cli(database, "process-due", "--as-of", "2026-03-31", cwd=tmp_path)
        assert issued_lines(result.stdout) == {studio.account_id: ["INV-000002"]}
        [line] = [line for line in result.stdout.splitlines() if ": not run:" in line]
        assert blocked["id"] in line and "EXCEEDS_UNINVOICED_AMOUNT" in line
        assert "1 invoice(s) issued, 1 due item(s) not run" in result.stdout


def test_process_due_refuses_a_bad_date(database: str, tmp_path: Path) -> None:
    result = cli(database, "process-due", "--as-of", "2026-13-01", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "--as-of" in result.stderr


DEMO = """
{
  projects(first: 10) {
    totalCount
    nodes {
      name contractValue
      balance { invoicedAmount overdueAmount unbilledAmount }
      invoices { totalCount nodes { number overdue total } }
      invoiceSchedules { number status items { status } }
    }
  }
}"""


async def test_seed_demo_leaves_the_projects_in_different_states(
    database: str, tmp_path: Path
) -> None:
    seeded = cli(database, "seed-demo", cwd=tmp_path)
    key = seeded.stdout.strip().splitlines()[-1].strip()
    assert key.startswith("mbk_")

    engine = create_engine(database)
    try:
        app = create_app(Settings(database_url=database), engine=engine, clock=SystemClock())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            async def demo() -> dict[str, Any]:
                response = await client.post(
                    "/graphql", json={"query": DEMO}, headers={"Authorization": f"Bearer {key}"}
                )
                body = response.json()
                assert not body.get("errors"), body
                return dict(body["data"]["projects"])

            projects = await demo()
            by_name = {p["name"]: p for p in projects["nodes"]}
            assert projects["totalCount"] == len(by_name)
            four = ("Brand refresh", "Mobile app MVP", "Warehouse dashboard", "Three-phase website")
            assert set(four) <= set(by_name)

            not_started = by_name["Mobile app MVP"]
            assert not_started["invoices"]["totalCount"] == 0
            assert not_started["balance"]["invoicedAmount"] == "0.00"
            assert not_started["invoiceSchedules"][0]["status"] == "PENDING"

            half = by_name["Brand refresh"]
            [schedule] = half["invoiceSchedules"]
            assert [i["status"] for i in schedule["items"]] == ["PROCESSED"] * 2 + ["PENDING"] * 2
            assert schedule["status"] == "PARTIALLY_PROCESSED"
            assert half["balance"]["invoicedAmount"] == "5000.00"
            assert half["balance"]["unbilledAmount"] == "5000.00"
            assert half["invoices"]["totalCount"] == 2

            late = by_name["Warehouse dashboard"]
            assert [i["overdue"] for i in late["invoices"]["nodes"]] == [True]

            overdue = {name: Decimal(by_name[name]["balance"]["overdueAmount"]) for name in four}
            assert overdue.pop("Warehouse dashboard") > 0
            assert set(overdue.values()) == {Decimal(0)}
            numbers = sorted(i["number"] for p in projects["nodes"] for i in p["invoices"]["nodes"])
            assert numbers == [f"INV-{n:06d}" for n in range(1, len(numbers) + 1)]

            # Seeding again adds nothing, and nothing of the demo is due by date.
            again = cli(database, "seed-demo", cwd=tmp_path)
            assert "already there" in again.stdout
            due = cli(database, "process-due", cwd=tmp_path)
            assert due.stdout.strip().splitlines()[-1] == "0 invoice(s) issued"
            assert (await demo()) == projects
    finally:
        await engine.dispose()
