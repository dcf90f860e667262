"""Distributing a paid invoice's money across its milestone lines; the rest is discount."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import String, bindparam, delete, insert, select

from db.queries.credit_writes import CREDITED_BY_NOTES, CREDITED_ON_LINE
from db.queries.payment_writes import INVOICES_TO_PAY
from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, PreparedWrite
from db.statements import Statements, Write
from db.tables import MilestoneDistribution
from db.tables.columns import D, L
from domain.context import Caller
from domain.errors import DomainError, ErrorCode
from domain.events import record_event
from domain.invoices.rules import InvoiceStatus
from domain.money import currency_exponent, parse_amount
from domain.payments.rules import MilestoneLine, distributable_amount, proportional_distribution


class PaidInvoice(NamedTuple):
    """What keeping an invoice's distribution in step reads of it."""

    account_id: str
    id: str
    status: str
    total: int


class _Distributed(NamedTuple):
    """The invoice a distribution is written for."""

    account_id: str
    id: str
    status: str
    total: int
    currency: str


@dataclass(frozen=True)
class DistributionInput:
    milestone_id: str
    amount: str | int


class _Lines(NamedTuple):
    """What an invoice's payment is distributed over."""

    milestone_lines: list[MilestoneLine]
    free: int  # what the milestone lines do not share
    release: bool  # a retainage release: its lines are the milestones' released retainage


async def _lines(*, db: Statements, invoice: PaidInvoice | _Distributed) -> _Lines:
    """Return the invoice's milestone lines, each less what credit notes credited on it and
    the retainage it still withholds (never a discount), and what the milestone lines do not
    share: the free lines and everything its credit notes credit. A retainage release
    invoice's lines stand for the milestones whose retainage they release."""
    parameters = {"account_id": invoice.account_id, "invoice_id": invoice.id}
    rows = await db.rows(_LINES, parameters)
    milestone_lines, free = [], int((await db.rows(CREDITED_BY_NOTES, parameters))[0].credited)
    release = False
    for row in rows:
        if row.released_milestone_id is not None:
            release = True
            milestone_lines.append(MilestoneLine(row.released_milestone_id, int(row.amount)))
        elif row.milestone_id is None:
            free += int(row.amount)
        else:
            amount = int(row.amount) - int(row.credited) - int(row.retainage_amount)
            milestone_lines.append(MilestoneLine(row.milestone_id, amount))
    return _Lines(milestone_lines, free, release)


async def _replace(
    *,
    db: Statements,
    invoice: PaidInvoice | _Distributed,
    lines: Sequence[MilestoneLine],
    shares: dict[str, int],
) -> None:
    distributions = [
        {
            "account_id": invoice.account_id,
            "invoice_id": invoice.id,
            "milestone_id": line.milestone_id,
            "line_amount": line.amount,
            "amount": shares[line.milestone_id],
            "discount": line.amount - shares[line.milestone_id],
        }
        for line in lines
    ]
    await db.execute(withdrawal(invoice), *((_INSERT, row) for row in distributions))


def withdrawal(invoice: PaidInvoice | _Distributed) -> Write:
    return _WITHDRAW, {"account_id": invoice.account_id, "invoice_id": invoice.id}


_INVOICE_ID = bindparam("invoice_id", type_=String)
_LINES = PreparedSelect(
    select(
        L.milestone_id,
        L.released_milestone_id,
        L.amount,
        L.retainage_amount,
        CREDITED_ON_LINE.label("credited"),
    )
    .where(L.account_id == ACCOUNT, L.invoice_id == _INVOICE_ID)
    .order_by(L.position)
)
_WITHDRAW = PreparedWrite(
    delete(MilestoneDistribution).where(D.account_id == ACCOUNT, D.invoice_id == _INVOICE_ID)
)
_INSERT = PreparedWrite(insert(MilestoneDistribution), columns=D.keys())


async def after_payment_change(
    *, db: Statements, invoice: PaidInvoice | _Distributed, was_paid: bool
) -> None:
    """Keep the distribution in step with the invoice: automatic for a single milestone line
    once PAID, withdrawn when a reversal leaves a paid invoice unpaid."""
    if invoice.status != InvoiceStatus.PAID:
        if was_paid:
            await db.execute(withdrawal(invoice))
        return
    lines, free, release = await _lines(db=db, invoice=invoice)
    target = distributable_amount(total=invoice.total, free_lines=free)
    if release:
        # Released retainage goes back to the milestones in proportion to what each held.
        shares = proportional_distribution(total=target, lines=lines)
        await _replace(db=db, invoice=invoice, lines=lines, shares=shares)
    elif len(lines) == 1:
        share = min(max(target, 0), lines[0].amount)
        await _replace(db=db, invoice=invoice, lines=lines, shares={lines[0].milestone_id: share})


async def distribute_milestone_payment(
    *,
    db: Statements,
    caller: Caller,
    invoice_id: str,
    distributions: Sequence[DistributionInput] | None = None,
    proportional: bool = False,
) -> tuple[_Distributed, list[str]]:
    """Return the invoice and its milestone ids, after (re)distributing its payment."""
    # Locked like an invoice being paid, so a reversal racing the distribution waits for it.
    rows = await db.rows(INVOICES_TO_PAY, {"account_id": caller.account_id, "ids": [invoice_id]})
    if not rows:
        raise DomainError(ErrorCode.NOT_FOUND, "invoiceId", "No invoice with this id.")
    found = rows[0]
    if found.status != InvoiceStatus.PAID:
        raise DomainError(
            ErrorCode.INVALID_STATE, "invoiceId", "Only a paid invoice can be distributed."
        )
    invoice = _Distributed(caller.account_id, found.id, found.status, found.total, found.currency)
    lines, free, release = await _lines(db=db, invoice=invoice)
    if release:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "invoiceId",
            "A retainage release invoice is distributed automatically, in proportion to what "
            "each milestone held.",
        )
    if not lines:
        raise DomainError(
            ErrorCode.INVALID, "invoiceId", "This invoice has no milestone lines to distribute to."
        )
    target = distributable_amount(total=invoice.total, free_lines=free)
    if proportional == (distributions is not None):
        raise DomainError(
            ErrorCode.INVALID, "distributions", "Give either distributions or proportional: true."
        )
    if proportional:
        shares = proportional_distribution(total=target, lines=lines)
    else:
        shares = _explicit_shares(
            invoice=invoice, lines=lines, target=target, distributions=distributions or []
        )
    await _replace(db=db, invoice=invoice, lines=lines, shares=shares)
    record_event("invoice.distributed", found)  # the invoice row, as invoice.paid shows it
    return invoice, [line.milestone_id for line in lines]


def _explicit_shares(
    *,
    invoice: _Distributed,
    lines: Sequence[MilestoneLine],
    target: int,
    distributions: Sequence[DistributionInput],
) -> dict[str, int]:
    exponent = currency_exponent(invoice.currency)
    line_amounts = {line.milestone_id: line.amount for line in lines}
    shares: dict[str, int] = {}
    for index, item in enumerate(distributions):
        path = ["distributions", str(index)]
        if item.milestone_id not in line_amounts:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                [*path, "milestoneId"],
                "This milestone has no line on the invoice.",
            )
        if item.milestone_id in shares:
            raise DomainError(
                ErrorCode.INVALID, [*path, "milestoneId"], "Each milestone appears once."
            )
        amount = parse_amount(
            item.amount, exponent=exponent, field=[*path, "amount"], allow_zero=True
        )
        if amount > line_amounts[item.milestone_id]:
            raise DomainError(
                ErrorCode.EXCEEDS_LINE_AMOUNT,
                [*path, "amount"],
                "A milestone cannot get more than its line amount on this invoice.",
            )
        shares[item.milestone_id] = amount
    missing = [line.milestone_id for line in lines if line.milestone_id not in shares]
    if missing:
        raise DomainError(
            ErrorCode.INVALID,
            "distributions",
            f"Give an amount for every milestone line; missing: {', '.join(missing)}.",
        )
    if sum(shares.values()) != target:
        raise DomainError(
            ErrorCode.DISTRIBUTION_TOTAL_MISMATCH,
            "distributions",
            "The distributions must add up exactly to the invoice total less its free lines.",
        )
    return shares
