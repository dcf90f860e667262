"""Demo data from the worked examples of DESIGN section 6, written through the domain."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from db.engine import write_session
from db.tables import Account
from domain.accounts.service import create_account, create_api_key
from domain.clock import Clock
from domain.context import Caller, Role
from domain.projects.service import add_milestone, create_project

DEMO_ACCOUNT_NAME = "Demo Studio"


@dataclass(frozen=True)
class DemoProject:
    name: str
    client_name: str
    currency: str
    contract_value: str
    milestones: tuple[tuple[str, str, str], ...]  # name, trigger, amount


DEMO_PROJECTS = (
    DemoProject(
        "Brand refresh",
        "Northwind Traders",
        "USD",
        "10000.00",
        (
            ("Deposit", "Project start", "2500.00"),
            ("Designs approved", "Client signs off the designs", "2500.00"),
            ("Build complete", "All pages built and reviewed", "2500.00"),
            ("Launch", "Site live on the client's domain", "2500.00"),
        ),
    ),
    DemoProject(
        "Mobile app MVP",
        "Contoso Health",
        "USD",
        "33000.00",
        (
            ("Kick-off", "Contract signed", "16500.00"),
            ("Delivery", "App accepted in the stores", "16500.00"),
        ),
    ),
    DemoProject(
        "Warehouse dashboard",
        "Fabrikam Logistics",
        "USD",
        "27000.00",
        (
            ("Deposit", "Contract signed", "5400.00"),
            ("Prototype accepted", "Client accepts the prototype", "8100.00"),
            ("Final delivery", "Dashboard in production", "13500.00"),
        ),
    ),
    DemoProject(
        "Three-phase website",
        "Tailspin Toys",
        "USD",
        "15000.00",
        (
            ("Discovery", "Discovery workshop report delivered", "4500.00"),
            ("Design approval", "Client approves the design", "6000.00"),
            ("Final delivery", "Site launched", "4500.00"),
        ),
    ),
)


async def seed_demo(*, engine: AsyncEngine, clock: Clock) -> tuple[str, str, bool]:
    """Return (account id, a fresh write key, whether data was created now).

    Keys are stored hashed, so an existing demo account gets a new key instead of its old one.
    """
    async with write_session(engine) as session:
        existing = await session.scalar(
            select(col(Account.id)).where(col(Account.name) == DEMO_ACCOUNT_NAME).limit(1)
        )
        created = existing is None
        account_id = existing or await _create_demo_account(session=session, clock=clock)
        key = await create_api_key(
            session=session, account_id=account_id, role=Role.WRITE, clock=clock
        )
    return account_id, key, created


async def _create_demo_account(*, session: AsyncSession, clock: Clock) -> str:
    account = await create_account(session=session, name=DEMO_ACCOUNT_NAME, clock=clock)
    caller = Caller(account_id=account.id, role=Role.WRITE, clock=clock)
    for demo in DEMO_PROJECTS:
        project = await create_project(
            session=session,
            caller=caller,
            name=demo.name,
            client_name=demo.client_name,
            currency=demo.currency,
            contract_value=demo.contract_value,
        )
        for name, trigger, amount in demo.milestones:
            await add_milestone(
                session=session,
                caller=caller,
                project_id=project.id,
                name=name,
                trigger=trigger,
                amount=amount,
            )
    return account.id
