"""Reversing credit applied with applyCreditNote: its amount is owed on the invoice again and
is the credit note's unapplied credit, to apply elsewhere or refund."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from db.queries.credit_writes import APPLICATION_TO_REVERSE, INVOICE_TO_CREDIT, REVERSE_APPLICATION
from db.statements import Statements
from domain.context import Caller
from domain.credit_notes.apply_void import locked_note, note_change
from domain.credit_notes.settle import settle_invoices
from domain.errors import DomainError, ErrorCode
from domain.events import record_event
from domain.validation import required_text


async def reverse_credit_application(
    *, db: Statements, caller: Caller, credit_application_id: str, reason: str
) -> tuple[Any, Any]:
    """Return the credit application row, now reversed, and its credit note; refused for the
    credit a note gives its own invoice (void the note instead) and for one already reversed."""
    text = required_text(reason, field="reason", max_length=500)
    parameters = {"account_id": caller.account_id, "application_id": credit_application_id}
    found = await db.rows(APPLICATION_TO_REVERSE, parameters)
    if not found:
        raise DomainError(
            ErrorCode.NOT_FOUND, "creditApplicationId", "No credit application with this id."
        )
    # The note first, then the invoice: the order applying, refunding and voiding lock them in.
    note = await locked_note(db=db, caller=caller, credit_note_id=found[0].credit_note_id)
    [application] = await db.rows(APPLICATION_TO_REVERSE, parameters)  # as of the lock
    if application.at_creation:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "creditApplicationId",
            "This is the credit the note gives its own invoice; void the credit note instead.",
        )
    if application.reversed_at is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE, "creditApplicationId", "This application is already reversed."
        )
    [invoice] = await db.rows(
        INVOICE_TO_CREDIT, {"account_id": caller.account_id, "invoice_id": application.invoice_id}
    )
    amount, now = int(application.amount), caller.clock.now()
    await db.execute(
        (
            REVERSE_APPLICATION,
            {
                "application_account": caller.account_id,
                "application": application.id,
                "reversed": now,
                "reason": text,
            },
        ),
        note_change(
            caller,
            note,
            applied=int(note.applied_amount) - amount,
            unapplied=int(note.unapplied_amount) + amount,
            refunded=int(note.refunded_amount),
        ),
    )
    reversed_now = {"reversed_at": now, "reversal_reason": text}
    record_event(
        "credit_application.reversed",
        SimpleNamespace(**{**application._asdict(), **reversed_now}),
        currency=note.currency,
    )
    await settle_invoices(db=db, account_id=caller.account_id, changes=[(invoice, -amount)])
    return application, note
