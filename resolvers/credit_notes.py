"""Resolvers for credit notes and refunds: reads through the loaders, writes through the
domain's prepared statements."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from strawberry.types import Info

from db.statements import Statements
from domain.context import Caller
from domain.credit_notes import apply_void, create, refunds, reverse
from domain.credit_notes.create import CreditLineInput
from domain.payments.allocations import AllocationInput
from resolvers.context import context_of
from resolvers.mutations import Outcome, read_back, run_statements
from resolvers.views.credit_notes import (
    CreditApplicationView,
    CreditNoteLineView,
    CreditNoteView,
    RefundView,
)


async def credit_note(info: Info[Any, Any], id_: str) -> CreditNoteView | None:
    return await context_of(info).loaders.credit_note.load(id_)


async def refund(info: Info[Any, Any], id_: str) -> RefundView | None:
    return await context_of(info).loaders.refund.load(id_)


async def notes_of_invoice(info: Info[Any, Any], invoice_id: str) -> list[CreditNoteView]:
    return await context_of(info).loaders.credit_notes_by_invoice.load(invoice_id)


async def lines_of_note(info: Info[Any, Any], note_id: str) -> list[CreditNoteLineView]:
    return await context_of(info).loaders.credit_note_lines.load(note_id)


async def applications_of_note(info: Info[Any, Any], note_id: str) -> list[CreditApplicationView]:
    return await context_of(info).loaders.credit_applications.load(note_id)


async def refunds_of_payment(info: Info[Any, Any], payment_id: str) -> list[RefundView]:
    return await context_of(info).loaders.refunds_by_payment.load(payment_id)


async def refunds_of_note(info: Info[Any, Any], note_id: str) -> list[RefundView]:
    return await context_of(info).loaders.refunds_by_note.load(note_id)


Action = Callable[[Statements, Caller], Coroutine[Any, Any, Any]]


async def _write_note(info: Info[Any, Any], action: Action) -> Outcome[CreditNoteView]:
    return await read_back(await run_statements(info, action), lambda id_: credit_note(info, id_))


async def _write_refund(info: Info[Any, Any], action: Action) -> Outcome[RefundView]:
    return await read_back(await run_statements(info, action), lambda id_: refund(info, id_))


async def create_credit_note(
    info: Info[Any, Any], *, invoice_id: str, lines: Sequence[CreditLineInput], reason: str
) -> Outcome[CreditNoteView]:
    """Return the new credit note, or the userErrors that refused it."""
    return await _write_note(
        info,
        lambda db, caller: create.create_credit_note(
            db=db, caller=caller, invoice_id=invoice_id, lines=lines, reason=reason
        ),
    )


async def apply_credit_note(
    info: Info[Any, Any], *, credit_note_id: str, allocations: Sequence[AllocationInput]
) -> Outcome[CreditNoteView]:
    """Return the credit note after applying its credit, or the userErrors."""
    return await _write_note(
        info,
        lambda db, caller: apply_void.apply_credit_note(
            db=db, caller=caller, credit_note_id=credit_note_id, allocations=allocations
        ),
    )


async def void_credit_note(info: Info[Any, Any], *, credit_note_id: str) -> Outcome[CreditNoteView]:
    """Return the voided credit note, or the userErrors."""
    return await _write_note(
        info,
        lambda db, caller: apply_void.void_credit_note(
            db=db, caller=caller, credit_note_id=credit_note_id
        ),
    )


async def refund_payment(
    info: Info[Any, Any], *, payment_id: str, amount: str, reason: str
) -> Outcome[RefundView]:
    """Return the refund of a payment's unapplied money, or the userErrors."""
    return await _write_refund(
        info,
        lambda db, caller: refunds.refund_payment(
            db=db, caller=caller, payment_id=payment_id, amount=amount, reason=reason
        ),
    )


async def refund_credit_note(
    info: Info[Any, Any], *, credit_note_id: str, amount: str, reason: str
) -> Outcome[RefundView]:
    """Return the refund of a credit note's unapplied credit, or the userErrors."""
    return await _write_refund(
        info,
        lambda db, caller: refunds.refund_credit_note(
            db=db, caller=caller, credit_note_id=credit_note_id, amount=amount, reason=reason
        ),
    )


async def reverse_credit_application(
    info: Info[Any, Any], *, credit_application_id: str, reason: str
) -> Outcome[tuple[CreditApplicationView | None, CreditNoteView | None]]:
    """Return the reversed application and its credit note, or the userErrors."""
    outcome = await run_statements(
        info,
        lambda db, caller: reverse.reverse_credit_application(
            db=db, caller=caller, credit_application_id=credit_application_id, reason=reason
        ),
    )
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    application, note = outcome.value  # a replay: stand-ins carrying the two ids
    found = await credit_note(info, note.id)
    applications = await applications_of_note(info, note.id)
    return Outcome(value=(next(a for a in applications if a.id == application.id), found))
