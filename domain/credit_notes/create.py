"""Credit notes: crediting what an issued invoice billed too much, numbered CN-000001.

What a credit note credits lowers its invoice's balance due first; the rest (the invoice was
already paid) is the note's unapplied credit, applied to the client's invoices later or
refunded. All of it is written in one transaction, or nothing is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from db.queries.credit_writes import (
    CREDITABLE_LINES,
    CREDITED_BY_NOTES,
    CURRENT_NUMBER,
    INSERT_APPLICATION,
    INSERT_COUNTER,
    INSERT_NOTE,
    INSERT_NOTE_LINE,
    INVOICE_TO_CREDIT,
    NEXT_NUMBER,
)
from db.statements import Statements, Write
from domain.context import Caller
from domain.credit_notes.settle import settle_invoices
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.ids import new_id
from domain.invoices.rules import ISSUED
from domain.money import checked_total, currency_exponent, format_amount, parse_amount
from domain.numbering import CREDIT_NOTE_SERIES
from domain.payments.allocations import checked
from domain.retainage.credits import retainage_after_credit
from domain.retainage.rules import billed_by_lines
from domain.search import search_form
from domain.validation import clean_text, required_text

MAX_LINES = 100


@dataclass(frozen=True)
class CreditLineInput:
    description: str | None = None
    amount: str | int | None = None
    milestone_id: str | None = None


async def next_credit_note_number(
    *, db: Statements, account_id: str, series: tuple[str, str, int] = CREDIT_NOTE_SERIES
) -> str:
    """Return the account's next number of `series` (CN- by default; a retainage release
    takes the next INV- this way); gapless, as domain/numbering.py explains."""
    name, prefix, width = series
    parameters = {"account_id": account_id, "series": name}
    await db.execute((NEXT_NUMBER, {"counter_account": account_id, "counter_series": name}))
    rows = await db.rows(CURRENT_NUMBER, parameters)
    if rows:
        value = int(rows[0].value)
    else:  # an account made before the series existed, outside the migrations
        value = 1
        await db.execute((INSERT_COUNTER, {**parameters, "value": value}))
    return f"{prefix}{value:0{width}d}"


async def create_credit_note(
    *,
    db: Statements,
    caller: Caller,
    invoice_id: str,
    lines: Sequence[CreditLineInput],
    reason: str,
) -> SimpleNamespace:
    """Return the new credit note's columns: its lines together credit at most what the
    invoice still bills, and its credit lowers the invoice's balance due first."""
    account = {"account_id": caller.account_id, "invoice_id": invoice_id}
    found = await db.rows(INVOICE_TO_CREDIT, account)
    if not found:
        raise DomainError(ErrorCode.NOT_FOUND, "invoiceId", "No invoice with this id.")
    invoice = found[0]
    if invoice.status not in ISSUED:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "invoiceId",
            f"The invoice is {invoice.status}: only an issued, non-void invoice is credited.",
        )
    problems = ErrorCollector()
    reason_text = checked(problems, required_text, reason, field="reason", max_length=500)
    if not lines:
        problems.add(DomainError(ErrorCode.INVALID, "lines", "A credit note needs a line."))
    if len(lines) > MAX_LINES:
        problems.add(DomainError(ErrorCode.INVALID, "lines", f"At most {MAX_LINES} lines."))
    creditable_lines = await _creditable_lines(db=db, account=account, discount=invoice.discount)
    exponent = currency_exponent(invoice.currency)
    checked_lines = [
        checked(problems, _check_line, line, index, exponent, creditable_lines, lines[:index])
        for index, line in enumerate(lines[:MAX_LINES])
    ]
    problems.raise_any()
    specs = [spec for spec in checked_lines if spec is not None]
    amount = checked_total((spec[1] for spec in specs), exponent=exponent, field="lines")
    credited_before = int((await db.rows(CREDITED_BY_NOTES, account))[0].credited)
    # What the invoice bills includes the retainage it withholds (due later, not never).
    creditable = invoice.total + invoice.retainage_amount - credited_before
    if amount > creditable:
        raise DomainError(
            ErrorCode.EXCEEDS_CREDITABLE_AMOUNT,
            "lines",
            f"The lines credit more than invoice {invoice.number} still bills "
            f"({format_amount(creditable, exponent)} {invoice.currency} after its earlier "
            "credit notes).",
        )
    retainage_writes, invoice = await retainage_after_credit(
        db=db,
        account_id=caller.account_id,
        invoice=invoice,
        credit_changes={spec[2]: spec[1] for spec in specs if spec[2]},
    )
    balance_due = max(invoice.total - invoice.amount_paid - invoice.credited_amount, 0)
    applied = min(amount, balance_due)
    now = caller.clock.now()
    number = await next_credit_note_number(db=db, account_id=caller.account_id)
    note = {
        "account_id": caller.account_id,
        "id": new_id("cn"),
        "number": number,
        "invoice_id": invoice.id,
        "client_id": invoice.client_id,
        "currency": invoice.currency,
        "amount": amount,
        "applied_amount": applied,
        "unapplied_amount": amount - applied,
        "refunded_amount": 0,
        "reason": reason_text,
        "status": "ISSUED",
        "created_at": now,
        "voided_at": None,
        "search_text": search_form(number),
    }
    writes: list[Write] = [*retainage_writes, (INSERT_NOTE, note)]
    for position, (description, line_amount, milestone_id) in enumerate(specs, start=1):
        row = {
            "account_id": caller.account_id,
            "id": new_id("cnl"),
            "credit_note_id": note["id"],
            "position": position,
            "milestone_id": milestone_id,
            "description": description,
            "amount": line_amount,
        }
        writes.append((INSERT_NOTE_LINE, row))
    if applied:
        writes.append(application(caller, note["id"], invoice.id, applied, at_creation=True))
    await db.execute(*writes)
    record_event("credit_note.issued", SimpleNamespace(**note))  # before an invoice.paid
    # The invoice bills less now: its distribution (if any) no longer adds up.
    await settle_invoices(db=db, account_id=caller.account_id, changes=[(invoice, applied)])
    return SimpleNamespace(**note)


def application(
    caller: Caller, note_id: str, invoice_id: str, amount: int, *, at_creation: bool
) -> Write:
    """Return the write of one credit application."""
    return INSERT_APPLICATION, {
        "account_id": caller.account_id,
        "id": new_id("cap"),
        "credit_note_id": note_id,
        "invoice_id": invoice_id,
        "amount": amount,
        "at_creation": at_creation,
        "created_at": caller.clock.now(),
        "reversed_at": None,
        "reversal_reason": None,
    }


async def _creditable_lines(
    *, db: Statements, account: dict[str, str], discount: int
) -> dict[str, tuple[str, int]]:
    """Return each milestone line's description and what it may still be credited: what it
    really bills (its amount less its part of the discount) less its earlier credit notes."""
    rows = await db.rows(CREDITABLE_LINES, account)
    billed = billed_by_lines(
        discount=int(discount),
        lines=[(int(row.amount), int(row.retainage_share)) for row in rows],
    )
    return {
        row.milestone_id: (str(row.description), line_billed - int(row.credited))
        for row, line_billed in zip(rows, billed, strict=True)
    }


def _check_line(
    line: CreditLineInput,
    index: int,
    exponent: int,
    creditable_lines: dict[str, tuple[str, int]],
    earlier: Sequence[CreditLineInput],
) -> tuple[str, int, str | None]:
    """Return (description, amount, milestone id) of one line, or raise the rule it breaks."""
    path = ["lines", str(index)]
    amount = parse_amount(
        line.amount if line.amount is not None else "", exponent=exponent, field=[*path, "amount"]
    )
    if line.milestone_id is None:
        description = required_text(line.description, field=[*path, "description"], max_length=500)
        return description, amount, None
    invoice_line = creditable_lines.get(line.milestone_id)
    if invoice_line is None:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            [*path, "milestoneId"],
            "No milestone line on this invoice for this milestone.",
        )
    if any(other.milestone_id == line.milestone_id for other in earlier):
        raise DomainError(ErrorCode.INVALID, [*path, "milestoneId"], "Each milestone appears once.")
    description, creditable = invoice_line
    if amount > creditable:
        raise DomainError(
            ErrorCode.EXCEEDS_CREDITABLE_AMOUNT,
            [*path, "amount"],
            "The amount exceeds what this milestone line still bills (less its part of the "
            "discount) after earlier credit notes.",
        )
    given = clean_text(
        line.description, field=[*path, "description"], max_length=500, required=False
    )
    return given or description, amount, line.milestone_id
