"""Demo data from the worked examples of DESIGN section 6, written through the domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from db.engine import write_session
from db.statements import session_statements
from db.tables import Account
from domain.accounts.service import create_account, create_api_key
from domain.clock import Clock, FixedClock
from domain.context import Caller, Role
from domain.events import recording_events
from domain.invoices.lines import LineInput
from domain.invoices.service import create_invoice
from domain.payments.service import AllocationInput, record_payment
from domain.projects.service import add_milestone, create_project
from domain.schedules.rules import ItemInput
from domain.schedules.runner import complete_milestone
from domain.schedules.service import create_invoice_schedule, schedule_items
from server.demo_money import create_retainage_project, credit_demo

DEMO_ACCOUNT_NAME = "Demo Studio"


@dataclass(frozen=True)
class DemoProject:
    name: str
    client_name: str
    contract_value: str
    stages: tuple[tuple[str, str, int], ...]  # name, trigger, percentage
    completed_days_ago: tuple[int, ...] = ()  # completes the first stages, that many days ago
    payment_terms_days: int = 14


DEMO_PROJECTS = (
    DemoProject(
        "Brand refresh",
        "Northwind Traders",
        "10000.00",
        (
            ("Deposit", "Project start", 25),
            ("Designs approved", "Client signs off the designs", 25),
            ("Build complete", "All pages built and reviewed", 25),
            ("Launch", "Site live on the client's domain", 25),
        ),
        completed_days_ago=(10, 3),  # half billed
    ),
    DemoProject(
        "Mobile app MVP",
        "Contoso Health",
        "33000.00",
        (("Kick-off", "Contract signed", 50), ("Delivery", "App accepted in the stores", 50)),
    ),  # not started
    DemoProject(
        "Warehouse dashboard",
        "Fabrikam Logistics",
        "27000.00",
        (
            ("Deposit", "Contract signed", 20),
            ("Prototype accepted", "Client accepts the prototype", 30),
            ("Final delivery", "Dashboard in production", 50),
        ),
        completed_days_ago=(45,),  # its deposit invoice is overdue
        payment_terms_days=30,
    ),
    DemoProject(
        "Three-phase website",
        "Tailspin Toys",
        "15000.00",
        (
            ("Discovery", "Discovery workshop report delivered", 30),
            ("Design approval", "Client approves the design", 40),
            ("Final delivery", "Site launched", 30),
        ),
        completed_days_ago=(2,),
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
    await populate(
        session=session, caller=Caller(account_id=account.id, role=Role.WRITE, clock=clock)
    )
    return account.id


async def populate(*, session: AsyncSession, caller: Caller) -> None:
    """Write the demo projects, plans, invoices, payments, credit and retainage into the
    caller's account, with their events."""
    async with recording_events(session, caller):
        invoices = await _create_planned_projects(session=session, caller=caller)
        await _record_demo_payments(session=session, caller=caller, invoices=invoices)
        await _create_discounted_invoice(session=session, caller=caller)
        await credit_demo(session=session, caller=caller, invoices=invoices)
        await create_retainage_project(session=session, caller=caller)


async def _create_planned_projects(*, session: AsyncSession, caller: Caller) -> dict[str, str]:
    """Return {"<project> / <milestone>": invoice id} for the invoices the plans issued."""
    invoices: dict[str, str] = {}
    for demo in DEMO_PROJECTS:
        project = await create_project(
            session=session,
            caller=caller,
            name=demo.name,
            client_name=demo.client_name,
            currency="USD",
            contract_value=demo.contract_value,
            payment_terms_days=demo.payment_terms_days,
        )
        schedule = await create_invoice_schedule(
            session=session,
            caller=caller,
            project_id=project.id,
            notes=f"Milestone billing for {demo.name}",
            items=[
                ItemInput(name=name, percentage=percentage, trigger=trigger)
                for name, trigger, percentage in demo.stages
            ],
        )
        items = await schedule_items(session=session, schedule=schedule)
        for item, days_ago in zip(items, demo.completed_days_ago, strict=False):
            back_then = FixedClock(caller.clock.now() - timedelta(days=days_ago))
            await complete_milestone(
                session=session,
                caller=Caller(account_id=caller.account_id, role=Role.WRITE, clock=back_then),
                milestone_id=item.milestone_id,
            )
            await session.refresh(item)
            invoices[f"{demo.name} / {item.name}"] = item.invoice_id or ""
    return invoices


async def _record_demo_payments(
    *, session: AsyncSession, caller: Caller, invoices: dict[str, str]
) -> None:
    """A cheque split across two invoices (one left partly paid) and a processor payment."""
    await record_payment(
        db=await session_statements(session),
        caller=caller,
        external=True,
        method="CHECK",
        reference="Cheque 1042",
        allocations=[
            AllocationInput(invoices["Brand refresh / Deposit"], "2500.00"),
            AllocationInput(invoices["Brand refresh / Designs approved"], "1000.00"),
        ],
    )
    await record_payment(
        db=await session_statements(session),
        caller=caller,
        external=False,
        method="CARD",
        transaction_id="txn_demo4500discovery",
        allocations=[AllocationInput(invoices["Three-phase website / Discovery"], "4500.00")],
        attrs={"processor": "demo"},
    )


async def _create_discounted_invoice(*, session: AsyncSession, caller: Caller) -> None:
    """A paid three-milestone invoice with a discount, waiting for its distribution."""
    project = await create_project(
        session=session,
        caller=caller,
        name="Product photo shoot",
        client_name="Wide World Importers",
        currency="USD",
        contract_value="3000.00",
    )
    milestones = [
        await add_milestone(
            session=session, caller=caller, project_id=project.id, name=name, amount="1000.00"
        )
        for name in ("Shot list agreed", "Shoot day", "Retouched photos delivered")
    ]
    invoice = await create_invoice(
        session=session,
        caller=caller,
        project_id=project.id,
        lines=[LineInput(milestone_id=m.id) for m in milestones],
        discount="150.00",
        memo="Package price: 5% off",
    )
    await record_payment(
        db=await session_statements(session),
        caller=caller,
        external=True,
        method="WIRE",
        reference="Wire 88-2026",
        allocations=[AllocationInput(invoice.id, "2850.00")],
    )
