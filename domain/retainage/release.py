"""releaseRetainage: an invoice of kind RETAINAGE_RELEASE billing retainage held, for all of
a project's milestones or the named ones; what it bills leaves held (voiding it gives it
back), and once it is paid its money goes to those milestones in proportion to what each
held (domain/payments/distribution.py)."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from db.queries.retainage_writes import (
    INSERT_INVOICE,
    INSERT_LINE,
    PROJECT_MILESTONES_HOLDING,
    PROJECT_TO_RELEASE,
)
from db.statements import Statements, Write
from domain.context import Caller
from domain.credit_notes.create import next_credit_note_number
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.ids import new_id
from domain.invoices.rules import InvoiceStatus, due_date
from domain.money import currency_exponent, format_amount, parse_amount, split_by_weights
from domain.numbering import INVOICE_SERIES
from domain.payments.allocations import checked
from domain.retainage.withhold import RELEASE_KIND, held_change
from domain.search import search_form


def _chosen(
    problems: ErrorCollector, milestones: Sequence[Any], milestone_ids: Sequence[str] | None
) -> list[Any]:
    """Return the milestones to release, in position order: the named ones, or every one;
    each unknown or repeated id is added to `problems`."""
    if milestone_ids is None:
        return sorted(milestones, key=lambda row: row.position)
    if not milestone_ids:
        problems.add(DomainError(ErrorCode.INVALID, "milestoneIds", "Name at least one milestone."))
    by_id = {row.id: row for row in milestones}
    for index, milestone_id in enumerate(milestone_ids):
        if milestone_id not in by_id:
            problems.add(
                DomainError(
                    ErrorCode.NOT_FOUND,
                    ["milestoneIds", str(index)],
                    "No milestone of this project.",
                )
            )
        elif milestone_id in milestone_ids[:index]:
            problems.add(
                DomainError(
                    ErrorCode.INVALID, ["milestoneIds", str(index)], "Each milestone appears once."
                )
            )
    named = dict.fromkeys(m for m in milestone_ids if m in by_id)
    return sorted((by_id[m] for m in named), key=lambda row: row.position)


async def release_retainage(
    *,
    db: Statements,
    caller: Caller,
    project_id: str,
    amount: str | None = None,
    milestone_ids: Sequence[str] | None = None,
) -> SimpleNamespace:
    """Return the new, issued RETAINAGE_RELEASE invoice's columns: it bills `amount` (all that
    is held by default) of the chosen milestones' held retainage, split over them in
    proportion to what each holds; more than is held is refused (EXCEEDS_RETAINAGE_HELD)."""
    account = {"account_id": caller.account_id, "project_id": project_id}
    found = await db.rows(PROJECT_TO_RELEASE, account)
    if not found:
        raise DomainError(ErrorCode.NOT_FOUND, "projectId", "No project with this id.")
    project = found[0]
    problems = ErrorCollector()
    milestones = await db.rows(PROJECT_MILESTONES_HOLDING, account)
    chosen = [
        row for row in _chosen(problems, milestones, milestone_ids) if int(row.retainage_held) > 0
    ]
    exponent = currency_exponent(project.currency)
    asked = (
        None
        if amount is None
        else checked(problems, parse_amount, amount, exponent=exponent, field="amount")
    )
    problems.raise_any()
    held = sum(int(row.retainage_held) for row in chosen)
    release = held if asked is None else asked
    if not held or release > held:
        field = "amount" if amount is not None else "milestoneIds" if milestone_ids else "projectId"
        raise DomainError(
            ErrorCode.EXCEEDS_RETAINAGE_HELD,
            field,
            f"The milestones hold {format_amount(held, exponent)} {project.currency} of "
            "retainage; a release cannot bill more.",
        )
    shares = split_by_weights(release, [int(row.retainage_held) for row in chosen])
    today, now = caller.clock.today(), caller.clock.now()
    number = await next_credit_note_number(
        db=db, account_id=caller.account_id, series=INVOICE_SERIES
    )
    invoice = {
        "account_id": caller.account_id,
        "id": new_id("inv"),
        "project_id": project.id,
        "number": number,
        "status": InvoiceStatus.OPEN.value,
        "currency": project.currency,
        "memo": None,
        "issued_on": today,
        "due_on": due_date(issued_on=today, payment_terms_days=project.payment_terms_days),
        "subtotal": release,
        "discount": 0,
        "total": release,
        "amount_paid": 0,
        "credited_amount": 0,
        "kind": RELEASE_KIND,
        "retainage_amount": 0,
        "created_at": now,
        "voided_at": None,
        "search_text": search_form(number),
    }
    writes: list[Write] = [(INSERT_INVOICE, invoice)]
    released = [(row, share) for row, share in zip(chosen, shares, strict=True) if share]
    for position, (milestone, share) in enumerate(released, start=1):
        line = {
            "account_id": caller.account_id,
            "id": new_id("lin"),
            "invoice_id": invoice["id"],
            "position": position,
            "milestone_id": None,
            "description": f"Retainage release: {milestone.name}"[:500],
            "amount": share,
            "retainage_share": 0,
            "retainage_amount": 0,
            "released_milestone_id": milestone.id,
        }
        writes += [(INSERT_LINE, line), held_change(caller.account_id, milestone.id, -share)]
    await db.execute(*writes)
    released_invoice = SimpleNamespace(**invoice)
    for event_type in ("invoice.created", "invoice.issued", "retainage.released"):
        record_event(event_type, released_invoice)
    return released_invoice
