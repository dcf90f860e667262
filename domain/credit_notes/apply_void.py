"""Applying a credit note's unapplied credit to the client's invoices, and voiding a note
nothing was done with."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from db.queries.credit_writes import (
    CHANGE_NOTE,
    INVOICE_TO_CREDIT,
    LOCK_PROJECT,
    MILESTONES_LEFT_TO_INVOICE,
    NOTE_APPLICATIONS,
    NOTE_MILESTONE_LINES,
    NOTE_TO_CHANGE,
    PROJECT_OF_NOTE,
    REVERSE_APPLICATION,
    VOID_NOTE,
)
from db.statements import Statements, Write
from domain.context import Caller
from domain.credit_notes.create import application
from domain.credit_notes.settle import settle_invoices
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.money import currency_exponent, format_amount
from domain.payments.allocations import (
    AllocationInput,
    Payer,
    check_allocations,
    locked_invoices,
)
from domain.retainage.credits import retainage_after_credit


async def locked_note(*, db: Statements, caller: Caller, credit_note_id: str) -> Any:
    """Return the caller's issued credit note, locked until the transaction ends; NOT_FOUND
    or INVALID_STATE (void) otherwise."""
    rows = await db.rows(
        NOTE_TO_CHANGE, {"account_id": caller.account_id, "credit_note_id": credit_note_id}
    )
    if not rows:
        raise DomainError(ErrorCode.NOT_FOUND, "creditNoteId", "No credit note with this id.")
    if rows[0].status != "ISSUED":
        raise DomainError(ErrorCode.INVALID_STATE, "creditNoteId", "The credit note is void.")
    return rows[0]


def note_change(caller: Caller, note: Any, *, applied: int, unapplied: int, refunded: int) -> Write:
    """Return the write that sets a credit note's applied, unapplied and refunded credit."""
    return CHANGE_NOTE, {
        "note_account": caller.account_id,
        "note_id": note.id,
        "applied": applied,
        "unapplied": unapplied,
        "refunded": refunded,
    }


async def apply_credit_note(
    *,
    db: Statements,
    caller: Caller,
    credit_note_id: str,
    allocations: Sequence[AllocationInput],
) -> Any:
    """Return the credit note row after applying its unapplied credit to these invoices: every
    allocation rule holds and together they are at most its unapplied credit, or nothing is
    written."""
    note = await locked_note(db=db, caller=caller, credit_note_id=credit_note_id)
    if not allocations:
        raise DomainError(ErrorCode.INVALID, "allocations", "Apply the credit to an invoice.")
    invoices = await locked_invoices(db=db, account_id=caller.account_id, allocations=allocations)
    problems = ErrorCollector()
    amounts = check_allocations(
        allocations=allocations,
        invoices=invoices,
        payer=Payer(note.currency, note.client_id, "credit note"),
        problems=problems,
    )
    problems.raise_any()
    total = sum(amounts)  # each at most a balance due: far from overflowing
    unapplied = int(note.unapplied_amount)
    if total > unapplied:
        raise DomainError(
            ErrorCode.EXCEEDS_UNAPPLIED_AMOUNT,
            "allocations",
            "The allocations add up to more than the credit note's unapplied credit "
            f"({format_amount(unapplied, currency_exponent(note.currency))} {note.currency}).",
        )
    writes = [
        note_change(
            caller,
            note,
            applied=int(note.applied_amount) + total,
            unapplied=unapplied - total,
            refunded=int(note.refunded_amount),
        )
    ]
    writes += [
        application(caller, note.id, allocation.invoice_id, amount, at_creation=False)
        for allocation, amount in zip(allocations, amounts, strict=True)
    ]
    await db.execute(*writes)
    changes = [
        (invoices[allocation.invoice_id], amount)
        for allocation, amount in zip(allocations, amounts, strict=True)
    ]
    # The note as it is now, before the invoice.paid events it causes.
    applied = {
        "applied_amount": int(note.applied_amount) + total,
        "unapplied_amount": unapplied - total,
    }
    record_event("credit_note.applied", SimpleNamespace(**{**note._asdict(), **applied}))
    await settle_invoices(db=db, account_id=caller.account_id, changes=changes)
    return note


async def void_credit_note(*, db: Statements, caller: Caller, credit_note_id: str) -> Any:
    """Return the credit note row, now void: the credit it gave its own invoice is taken back
    and its milestone lines bill their milestones again. Refused once any of its credit was
    applied elsewhere or refunded."""
    account = {"account_id": caller.account_id, "credit_note_id": credit_note_id}
    # Its milestone lines bill their milestones again: locked like any write to the plan, so a
    # new invoice or a lowered milestone cannot claim the same room at the same time.
    for row in await db.rows(PROJECT_OF_NOTE, account):
        await db.rows(LOCK_PROJECT, {"account_id": caller.account_id, "project_id": row.project_id})
    note = await locked_note(db=db, caller=caller, credit_note_id=credit_note_id)
    applications = await db.rows(NOTE_APPLICATIONS, account)
    if int(note.refunded_amount) or any(not row.at_creation for row in applications):
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "creditNoteId",
            "Some of this credit note's credit was applied to other invoices or refunded; "
            "only an untouched credit note can be voided.",
        )
    lines = await db.rows(NOTE_MILESTONE_LINES, account)
    left = {
        row.id: row
        for row in await db.rows(
            MILESTONES_LEFT_TO_INVOICE,
            {"account_id": caller.account_id, "ids": [line.milestone_id for line in lines]},
        )
    }
    for line in lines:
        milestone = left[line.milestone_id]
        if int(milestone.left) < int(line.amount):
            raise DomainError(
                ErrorCode.INVALID_STATE,
                "creditNoteId",
                f"What this note credited on milestone {milestone.name} was invoiced again; "
                "voiding it would bill the milestone beyond its amount.",
            )
    invoice = (
        await db.rows(
            INVOICE_TO_CREDIT, {"account_id": caller.account_id, "invoice_id": note.invoice_id}
        )
    )[0]
    retainage_writes, invoice = await retainage_after_credit(
        db=db,
        account_id=caller.account_id,
        invoice=invoice,
        credit_changes={line.milestone_id: -int(line.amount) for line in lines},
    )
    now = caller.clock.now()
    writes: list[Write] = [
        *retainage_writes,
        *[
            (
                REVERSE_APPLICATION,
                {
                    "application_account": caller.account_id,
                    "application": row.id,
                    "reversed": now,
                    "reason": "Credit note voided",
                },
            )
            for row in applications
        ],
    ]
    writes.append(
        (VOID_NOTE, {"note_account": caller.account_id, "note_id": note.id, "voided": now})
    )
    await db.execute(*writes)
    taken_back = sum(int(row.amount) for row in applications)
    await settle_invoices(db=db, account_id=caller.account_id, changes=[(invoice, -taken_back)])
    voided = {"status": "VOID", "applied_amount": 0, "unapplied_amount": 0, "voided_at": now}
    record_event("credit_note.voided", SimpleNamespace(**{**note._asdict(), **voided}))
    return note
