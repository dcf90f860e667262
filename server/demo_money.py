"""Demo data for the money that does not fit an invoice (an overpayment applied later, a
credit note applied and refunded) and for retainage, written through the domain."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.statements import session_statements
from domain.context import Caller
from domain.credit_notes.apply_void import apply_credit_note
from domain.credit_notes.create import CreditLineInput, create_credit_note
from domain.credit_notes.refunds import refund_credit_note
from domain.invoices.lines import LineInput
from domain.invoices.service import create_invoice
from domain.money import format_amount
from domain.payments.apply import apply_payment
from domain.payments.service import AllocationInput, record_payment
from domain.projects.service import add_milestone, create_project
from domain.retainage.release import release_retainage


async def credit_demo(*, session: AsyncSession, caller: Caller, invoices: dict[str, str]) -> None:
    """Northwind's second project: a cheque of 5,000.00 for a 4,800.00 invoice, its 200.00
    applied later to the first project's open invoice; a 300.00 credit note on the paid
    invoice (unapplied credit): 150.00 applied to the open invoice, 100.00 refunded, 50.00
    left for the client."""
    project = await create_project(
        session=session,
        caller=caller,
        name="Website care plan",
        client_name="Northwind Traders",  # the Brand refresh client: one client, two projects
        currency="USD",
        contract_value="4800.00",
    )
    invoice = await create_invoice(
        session=session,
        caller=caller,
        project_id=project.id,
        lines=[LineInput(description="Care plan, 12 months", amount="4800.00")],
    )
    payment = await record_payment(
        db=await session_statements(session),
        caller=caller,
        external=True,
        method="CHECK",
        reference="Cheque 1107",
        amount="5000.00",
        allocations=[AllocationInput(invoice.id, "4800.00")],
    )
    await apply_payment(
        db=await session_statements(session),
        caller=caller,
        payment_id=payment.id,
        allocations=[AllocationInput(invoices["Brand refresh / Designs approved"], "200.00")],
    )
    note = await create_credit_note(
        db=await session_statements(session),
        caller=caller,
        invoice_id=invoice.id,
        lines=[CreditLineInput(description="Two months of care not delivered", amount="300.00")],
        reason="Service started late",
    )
    await apply_credit_note(
        db=await session_statements(session),
        caller=caller,
        credit_note_id=note.id,
        allocations=[AllocationInput(invoices["Brand refresh / Designs approved"], "150.00")],
    )
    await refund_credit_note(
        db=await session_statements(session),
        caller=caller,
        credit_note_id=note.id,
        amount="100.00",
        reason="Client asked for part of the credit back",
    )


async def create_retainage_project(*, session: AsyncSession, caller: Caller) -> None:
    """A construction project withholding 10%: three progress invoices paid (each less its
    retainage), and the retainage released on an invoice not yet paid."""
    project = await create_project(
        session=session,
        caller=caller,
        name="Warehouse fit-out",
        client_name="Northwind Builders",
        currency="USD",
        contract_value="100000.00",
        retainage_percentage="10",
    )
    stages = (("Foundations", "40000.00"), ("Frame and roof", "35000.00"), ("Fit-out", "25000.00"))
    for name, amount in stages:
        milestone = await add_milestone(
            session=session, caller=caller, project_id=project.id, name=name, amount=amount
        )
        invoice = await create_invoice(
            session=session,
            caller=caller,
            project_id=project.id,
            lines=[LineInput(milestone_id=milestone.id)],
        )
        await record_payment(
            db=await session_statements(session),
            caller=caller,
            external=True,
            method="ACH",
            reference=f"Progress payment: {name}",
            allocations=[AllocationInput(invoice.id, format_amount(invoice.total, 2))],
        )
    await release_retainage(
        db=await session_statements(session), caller=caller, project_id=project.id
    )
