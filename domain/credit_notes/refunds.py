"""Refunds: paying back unapplied money of a payment, or unapplied credit of a credit note.

Applied money is refunded by reversing its allocation first, which makes it unapplied.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from db.queries.credit_writes import INSERT_REFUND
from db.statements import Statements
from domain.context import Caller
from domain.credit_notes.apply_void import locked_note, note_change
from domain.errors import DomainError, ErrorCode, ErrorCollector
from domain.events import record_event
from domain.ids import new_id
from domain.money import currency_exponent, format_amount, parse_amount
from domain.payments.allocations import checked
from domain.payments.apply import locked_payment, payment_change
from domain.validation import required_text


def _checked_refund(
    *, amount: str | int, reason: str, currency: str, unapplied: int, what: str
) -> tuple[int, str]:
    """Return the refund's amount in minor units and its reason, or raise every rule broken."""
    problems = ErrorCollector()
    minor = checked(
        problems, parse_amount, amount, exponent=currency_exponent(currency), field="amount"
    )
    text = checked(problems, required_text, reason, field="reason", max_length=500)
    problems.raise_any()
    assert minor is not None and text is not None  # refused above otherwise
    if minor > unapplied:
        raise DomainError(
            ErrorCode.EXCEEDS_UNAPPLIED_AMOUNT,
            "amount",
            f"Only the {what}'s unapplied {format_amount(unapplied, currency_exponent(currency))} "
            f"{currency} can be refunded; reverse "
            "an allocation first to refund applied money.",
        )
    return minor, text


def _refund_row(
    caller: Caller, *, currency: str, amount: int, reason: str, **source: str | None
) -> dict[str, Any]:
    return {
        "account_id": caller.account_id,
        "id": new_id("ref"),
        "payment_id": source.get("payment_id"),
        "credit_note_id": source.get("credit_note_id"),
        "currency": currency,
        "amount": amount,
        "reason": reason,
        "refunded_on": caller.clock.today(),
        "created_at": caller.clock.now(),
    }


async def refund_payment(
    *, db: Statements, caller: Caller, payment_id: str, amount: str | int, reason: str
) -> SimpleNamespace:
    """Return the refund written: at most the payment's unapplied money, taken from it."""
    payment = await locked_payment(db=db, caller=caller, payment_id=payment_id)
    unapplied = int(payment.unapplied_amount)
    minor, text = _checked_refund(
        amount=amount,
        reason=reason,
        currency=payment.currency,
        unapplied=unapplied,
        what="payment",
    )
    refund = _refund_row(
        caller, currency=payment.currency, amount=minor, reason=text, payment_id=payment.id
    )
    await db.execute(
        payment_change(
            caller.account_id,
            payment.id,
            unapplied=unapplied - minor,
            refunded=int(payment.refunded_amount) + minor,
        ),
        (INSERT_REFUND, refund),
    )
    record_event("payment.refunded", SimpleNamespace(**refund))
    return SimpleNamespace(**refund)


async def refund_credit_note(
    *, db: Statements, caller: Caller, credit_note_id: str, amount: str | int, reason: str
) -> SimpleNamespace:
    """Return the refund written: at most the credit note's unapplied credit, taken from it."""
    note = await locked_note(db=db, caller=caller, credit_note_id=credit_note_id)
    unapplied = int(note.unapplied_amount)
    minor, text = _checked_refund(
        amount=amount,
        reason=reason,
        currency=note.currency,
        unapplied=unapplied,
        what="credit note",
    )
    refund = _refund_row(
        caller, currency=note.currency, amount=minor, reason=text, credit_note_id=note.id
    )
    await db.execute(
        note_change(
            caller,
            note,
            applied=int(note.applied_amount),
            unapplied=unapplied - minor,
            refunded=int(note.refunded_amount) + minor,
        ),
        (INSERT_REFUND, refund),
    )
    record_event("credit_note.refunded", SimpleNamespace(**refund))
    return SimpleNamespace(**refund)
