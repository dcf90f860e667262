"""Resolvers for payments, allocations and milestone distributions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from strawberry.types import Info

from domain.money import Money
from domain.payments import apply, distribution, service
from domain.payments.distribution import DistributionInput
from domain.payments.rules import MilestoneLine, distributable_amount, proportional_distribution
from domain.payments.service import AllocationInput
from resolvers.context import context_of
from resolvers.invoices import invoice as load_invoice
from resolvers.invoices import lines_of
from resolvers.mutations import Outcome, read_back, run_statements
from resolvers.views import (
    AllocationView,
    DistributionView,
    InvoiceView,
    MilestoneView,
    PaymentView,
)


async def payment(info: Info[Any, Any], id_: str) -> PaymentView | None:
    return await context_of(info).loaders.payment.load(id_)


async def allocation(info: Info[Any, Any], id_: str) -> AllocationView | None:
    return await context_of(info).loaders.allocation.load(id_)


async def allocations_of_invoice(info: Info[Any, Any], invoice_id: str) -> list[AllocationView]:
    return await context_of(info).loaders.allocations_by_invoice.load(invoice_id)


async def allocations_of_payment(info: Info[Any, Any], payment_id: str) -> list[AllocationView]:
    return await context_of(info).loaders.allocations_by_payment.load(payment_id)


async def distributions_of(info: Info[Any, Any], invoice_id: str) -> list[DistributionView]:
    return await context_of(info).loaders.distributions_by_invoice.load(invoice_id)


async def suggested_distribution(
    info: Info[Any, Any], invoice: InvoiceView
) -> list[DistributionView]:
    """Return the proportional split of the invoice's payment over its milestone lines, each
    line less what its credit notes credited on it and the retainage it withholds, as
    distributeMilestonePayment counts."""
    lines = await lines_of(info, invoice.id)
    credited_on, credited = await _credit_of(info, invoice.id)
    milestone_lines = [
        MilestoneLine(
            line.milestone_id,
            line.amount.minor - credited_on.get(line.milestone_id, 0) - line.retainage_minor,
        )
        for line in lines
        if line.milestone_id
    ]
    free = sum(line.amount.minor for line in lines if not line.milestone_id) + credited
    target = distributable_amount(total=invoice.total.minor, free_lines=free)
    shares = proportional_distribution(total=target, lines=milestone_lines)
    exponent = invoice.total.exponent
    return [
        DistributionView(
            invoice_id=invoice.id,
            milestone_id=line.milestone_id,
            line_amount=Money(line.amount, exponent),
            amount=Money(shares[line.milestone_id], exponent),
            discount=Money(line.amount - shares[line.milestone_id], exponent),
        )
        for line in milestone_lines
    ]


async def _credit_of(info: Info[Any, Any], invoice_id: str) -> tuple[dict[str, int], int]:
    """Return what the invoice's issued credit notes credit on each milestone, and in all."""
    loaders = context_of(info).loaders
    notes = [
        note
        for note in await loaders.credit_notes_by_invoice.load(invoice_id)
        if note.status == "ISSUED"
    ]
    on_milestone: dict[str, int] = {}
    for note_lines in await loaders.credit_note_lines.load_many([note.id for note in notes]):
        for line in note_lines:
            if line.milestone_id:
                on_milestone[line.milestone_id] = (
                    on_milestone.get(line.milestone_id, 0) + line.amount_minor
                )
    return on_milestone, sum(note.amount_minor for note in notes)


async def distribution_required(info: Info[Any, Any], invoice: InvoiceView) -> bool:
    """True when a paid invoice with two or more milestone lines has not been distributed."""
    if invoice.status != "PAID":
        return False
    lines = await lines_of(info, invoice.id)
    if sum(1 for line in lines if line.milestone_id) < 2:
        return False
    return not await distributions_of(info, invoice.id)


async def _payment_view(info: Info[Any, Any], outcome: Outcome[Any]) -> Outcome[PaymentView]:
    """The payment just written is shown as written; a replayed one is read again."""
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    if isinstance(outcome.value, service.RecordedPayment):
        return Outcome(value=PaymentView.from_row(outcome.value))
    return Outcome(value=await payment(info, outcome.value.id))


async def record_payment(
    info: Info[Any, Any],
    *,
    external: bool,
    method: str,
    allocations: Sequence[AllocationInput],
    transaction_id: str | None,
    reference: str | None,
    received_on: date | None,
    attrs: Any,
    amount: str | None = None,
    client_id: str | None = None,
    currency: str | None = None,
) -> Outcome[PaymentView]:
    """Return the recorded payment, or the userErrors that refused all of it."""
    outcome = await run_statements(
        info,
        lambda db, caller: service.record_payment(
            db=db,
            caller=caller,
            external=external,
            method=method,
            allocations=allocations,
            transaction_id=transaction_id,
            reference=reference,
            received_on=received_on,
            attrs=attrs,
            amount=amount,
            client_id=client_id,
            currency=currency,
        ),
    )
    return await _payment_view(info, outcome)


async def apply_payment(
    info: Info[Any, Any], *, payment_id: str, allocations: Sequence[AllocationInput]
) -> Outcome[PaymentView]:
    """Return the payment after applying its unapplied money, or the userErrors."""
    outcome = await run_statements(
        info,
        lambda db, caller: apply.apply_payment(
            db=db, caller=caller, payment_id=payment_id, allocations=allocations
        ),
    )
    return await read_back(outcome, lambda id_: payment(info, id_))


async def reverse_allocation(
    info: Info[Any, Any], *, allocation_id: str, reason: str
) -> Outcome[AllocationView]:
    outcome = await run_statements(
        info,
        lambda db, caller: service.reverse_allocation(
            db=db, caller=caller, allocation_id=allocation_id, reason=reason
        ),
    )
    return await read_back(outcome, lambda id_: allocation(info, id_))


@dataclass
class Distributed:
    invoice: InvoiceView | None
    milestones: list[MilestoneView] = field(default_factory=list)


async def distribute(
    info: Info[Any, Any],
    *,
    invoice_id: str,
    distributions: Sequence[DistributionInput] | None,
    proportional: bool,
) -> Outcome[Distributed]:
    """Return the invoice and its milestones after distributing its payment."""
    outcome = await run_statements(
        info,
        lambda db, caller: distribution.distribute_milestone_payment(
            db=db,
            caller=caller,
            invoice_id=invoice_id,
            distributions=distributions,
            proportional=proportional,
        ),
    )
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    invoice, milestone_ids = outcome.value
    loaded = await context_of(info).loaders.milestone.load_many(milestone_ids)
    return Outcome(
        value=Distributed(
            invoice=await load_invoice(info, invoice.id),
            milestones=[view for view in loaded if view is not None],
        )
    )
