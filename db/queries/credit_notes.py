"""Batched reads of credit notes, their lines and refunds: one statement per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.keys import among
from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, select_rows
from db.tables import CreditNote, CreditNoteLine
from db.tables.columns import CN, CNL, RF

NOTE_COLUMNS = (
    CN.id,
    CN.number,
    CN.invoice_id,
    CN.client_id,
    CN.currency,
    CN.amount,
    CN.applied_amount,
    CN.unapplied_amount,
    CN.refunded_amount,
    CN.reason,
    CN.status,
    CN.created_at,
    CN.voided_at,
)
REFUND_COLUMNS = (
    RF.id,
    RF.payment_id,
    RF.credit_note_id,
    RF.currency,
    RF.amount,
    RF.reason,
    RF.refunded_on,
    RF.created_at,
)


def _by(columns: Sequence[Any], key: Any, *order: Any) -> PreparedSelect:
    return PreparedSelect(
        select(*columns)
        .where(key.table.c.account_id == ACCOUNT, among(key, "ids"))
        .order_by(*order)
    )


_NOTES_BY_IDS = _by(NOTE_COLUMNS, CN.id)
_NOTES_BY_INVOICE = _by(NOTE_COLUMNS, CN.invoice_id, CN.created_at, CN.id)
_LINES_BY_NOTE = PreparedSelect(
    select(CNL.id, CNL.credit_note_id, CNL.milestone_id, CNL.description, CNL.amount, CN.currency)
    .join_from(
        CreditNoteLine.__table__,  # type: ignore[attr-defined]
        CreditNote.__table__,  # type: ignore[attr-defined]
        and_(CN.account_id == CNL.account_id, CN.id == CNL.credit_note_id),
    )
    .where(CNL.account_id == ACCOUNT, among(CNL.credit_note_id, "ids"))
    .order_by(CNL.credit_note_id, CNL.position)
)
_REFUNDS_BY_IDS = _by(REFUND_COLUMNS, RF.id)
_REFUNDS_BY_PAYMENT = _by(REFUND_COLUMNS, RF.payment_id, RF.created_at, RF.id)
_REFUNDS_BY_NOTE = _by(REFUND_COLUMNS, RF.credit_note_id, RF.created_at, RF.id)


async def _rows(
    statement: PreparedSelect, connection: AsyncConnection, account_id: str, ids: Sequence[str]
) -> list[Any]:
    return await select_rows(connection, statement, {"account_id": account_id, "ids": ids})


async def notes_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's credit notes among `ids`."""
    return await _rows(_NOTES_BY_IDS, connection, account_id, ids)


async def notes_by_invoice_ids(
    connection: AsyncConnection, *, account_id: str, invoice_ids: Sequence[str]
) -> list[Any]:
    """Return the credit notes written for these invoices, oldest first."""
    return await _rows(_NOTES_BY_INVOICE, connection, account_id, invoice_ids)


async def lines_by_note_ids(
    connection: AsyncConnection, *, account_id: str, note_ids: Sequence[str]
) -> list[Any]:
    """Return the lines of these credit notes in their order."""
    return await _rows(_LINES_BY_NOTE, connection, account_id, note_ids)


async def refunds_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's refunds among `ids`."""
    return await _rows(_REFUNDS_BY_IDS, connection, account_id, ids)


async def refunds_by_payment_ids(
    connection: AsyncConnection, *, account_id: str, payment_ids: Sequence[str]
) -> list[Any]:
    """Return the refunds of these payments, oldest first."""
    return await _rows(_REFUNDS_BY_PAYMENT, connection, account_id, payment_ids)


async def refunds_by_note_ids(
    connection: AsyncConnection, *, account_id: str, note_ids: Sequence[str]
) -> list[Any]:
    """Return the refunds of these credit notes, oldest first."""
    return await _rows(_REFUNDS_BY_NOTE, connection, account_id, note_ids)
