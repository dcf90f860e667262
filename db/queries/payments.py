"""Batched reads of payments, allocations and milestone distributions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.keys import among
from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, select_rows
from db.tables import Allocation, Invoice, InvoiceLine, MilestoneDistribution, Payment
from db.tables.columns import PAY, A, D, I, L

PAYMENT_COLUMNS = (
    PAY.id,
    PAY.external_payment,
    PAY.transaction_id,
    PAY.method,
    PAY.reference,
    PAY.received_on,
    PAY.currency,
    PAY.amount,
    PAY.attrs,
    PAY.created_at,
    PAY.client_id,
    PAY.unapplied_amount,
    PAY.refunded_amount,
)


async def payments_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's payments among `ids`."""
    parameters = {"account_id": account_id, "ids": ids}
    return await select_rows(connection, _PAYMENTS_BY_ID, parameters)


def _allocations() -> Any:
    """Allocations with their payment's kind joined in (a to-one relation, no second query)."""
    return select(
        A.id,
        A.payment_id,
        A.invoice_id,
        A.amount,
        A.attrs,
        A.reversed_at,
        A.reversal_reason,
        A.created_at,
        A.modified_at,
        PAY.external_payment,
        PAY.transaction_id,
        PAY.method,
        PAY.currency,
        PAY.reference.label("payment_reference"),
        PAY.received_on.label("payment_received_on"),
        PAY.amount.label("payment_amount"),
        PAY.attrs.label("payment_attrs"),
        PAY.created_at.label("payment_created_at"),
        PAY.client_id.label("payment_client_id"),
        PAY.unapplied_amount.label("payment_unapplied_amount"),
        PAY.refunded_amount.label("payment_refunded_amount"),
    ).join_from(
        Allocation.__table__,  # type: ignore[attr-defined]
        Payment.__table__,  # type: ignore[attr-defined]
        and_(PAY.account_id == A.account_id, PAY.id == A.payment_id),
    )


def _allocations_among(column: Any) -> Any:
    """Allocations whose `column` is among the keys, ordered by it, then oldest first; one
    payment's allocations in the order they were given."""
    return (
        _allocations()
        .where(A.account_id == ACCOUNT, among(column, "ids"))
        .order_by(column, A.created_at, A.position, A.id)
    )


_PAYMENTS_BY_ID = PreparedSelect(
    select(*PAYMENT_COLUMNS).where(PAY.account_id == ACCOUNT, among(PAY.id, "ids"))
)
_ALLOCATIONS_BY_ID = PreparedSelect(_allocations_among(A.id))
_ALLOCATIONS_BY_INVOICE = PreparedSelect(_allocations_among(A.invoice_id))
_ALLOCATIONS_BY_PAYMENT = PreparedSelect(_allocations_among(A.payment_id))


async def allocations_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    parameters = {"account_id": account_id, "ids": ids}
    return await select_rows(connection, _ALLOCATIONS_BY_ID, parameters)


async def allocations_by_invoice_ids(
    connection: AsyncConnection, *, account_id: str, invoice_ids: Sequence[str]
) -> list[Any]:
    """Return the allocations of these invoices, reversed ones included, oldest first."""
    parameters = {"account_id": account_id, "ids": invoice_ids}
    return await select_rows(connection, _ALLOCATIONS_BY_INVOICE, parameters)


async def allocations_by_payment_ids(
    connection: AsyncConnection, *, account_id: str, payment_ids: Sequence[str]
) -> list[Any]:
    """Return the allocations of these payments."""
    parameters = {"account_id": account_id, "ids": payment_ids}
    return await select_rows(connection, _ALLOCATIONS_BY_PAYMENT, parameters)


async def distributions_by_invoice_ids(
    connection: AsyncConnection, *, account_id: str, invoice_ids: Sequence[str]
) -> list[Any]:
    """Return how each of these paid invoices was distributed to its milestones, in line order."""
    statement = (
        select(D.invoice_id, D.milestone_id, D.line_amount, D.amount, D.discount, I.currency)
        .join_from(
            MilestoneDistribution.__table__,  # type: ignore[attr-defined]
            Invoice.__table__,  # type: ignore[attr-defined]
            and_(I.account_id == D.account_id, I.id == D.invoice_id),
        )
        .join(
            InvoiceLine.__table__,  # type: ignore[attr-defined]
            and_(
                L.account_id == D.account_id,
                L.invoice_id == D.invoice_id,
                L.milestone_id == D.milestone_id,
            ),
        )
        .where(D.account_id == account_id, among(D.invoice_id, "ids"))
        .order_by(D.invoice_id, L.position)
    )
    return await select_rows(connection, statement, {"ids": invoice_ids})
