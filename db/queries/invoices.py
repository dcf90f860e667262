"""Batched reads of invoices, their lines and their place in the project's billing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.keys import among
from db.queries.projects import ACCOUNT, ISSUED_STATUSES, after_keyset
from db.queries.rows import PreparedSelect, is_one_of, select_rows
from db.queries.sums import exact_sum
from db.tables import Invoice, InvoiceLine, Project
from db.tables.columns import I, L, P

INVOICE_COLUMNS = (
    I.id,
    I.project_id,
    I.number,
    I.status,
    I.currency,
    I.memo,
    I.issued_on,
    I.due_on,
    I.subtotal,
    I.discount,
    I.total,
    I.amount_paid,
    I.credited_amount,
    I.kind,
    I.retainage_amount,
    I.created_at,
    I.voided_at,
)

LINE_COLUMNS = (
    L.id,
    L.invoice_id,
    L.position,
    L.milestone_id,
    L.description,
    L.amount,
    L.retainage_amount,
    L.released_milestone_id,
    I.currency,
)


async def invoices_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's invoices among `ids`."""
    return await select_rows(connection, _INVOICES_BY_IDS, {"account_id": account_id, "ids": ids})


async def invoice_pages(
    connection: AsyncConnection,
    *,
    account_id: str,
    project_ids: Sequence[str],
    status: str | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[Any]:
    """Return up to `limit` invoices per project in creation order: one statement for all."""
    parameters: dict[str, Any] = {"account_id": account_id, "ids": project_ids, "limit": limit}
    if status is not None:
        parameters["status"] = status
    if after is not None:
        parameters["after_created_at"], parameters["after_id"] = after
    statement = _invoice_pages(status is not None, after is not None)
    return await select_rows(connection, statement, parameters)


@cache
def _invoice_pages(by_status: bool, after: bool) -> PreparedSelect:
    conditions = [I.account_id == ACCOUNT, among(I.project_id, "ids")]
    if by_status:
        conditions.append(I.status == bindparam("status", type_=I.status.type))
    if after:
        conditions.append(after_keyset(I.created_at, I.id))
    rank = func.row_number().over(partition_by=I.project_id, order_by=(I.created_at, I.id))
    ranked = select(*INVOICE_COLUMNS, rank.label("rank")).where(*conditions).subquery()
    limit = bindparam("limit", type_=Integer)
    return PreparedSelect(
        select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.project_id, ranked.c.rank)
    )


async def invoice_counts(
    connection: AsyncConnection,
    *,
    account_id: str,
    project_ids: Sequence[str],
    status: str | None,
) -> dict[str, int]:
    """Return how many invoices (of `status`, if given) each project has."""
    parameters: dict[str, Any] = {"account_id": account_id, "ids": project_ids}
    if status is not None:
        parameters["status"] = status
    rows = await select_rows(connection, _invoice_counts(status is not None), parameters)
    return {row.project_id: int(row.n) for row in rows}


@cache
def _invoice_counts(by_status: bool) -> PreparedSelect:
    conditions = [I.account_id == ACCOUNT, among(I.project_id, "ids")]
    if by_status:
        conditions.append(I.status == bindparam("status", type_=I.status.type))
    return PreparedSelect(
        select(I.project_id, func.count().label("n")).where(*conditions).group_by(I.project_id)
    )


def _lines_with_their_invoice(*columns: Any) -> Any:
    return select(*columns).join_from(
        InvoiceLine.__table__,  # type: ignore[attr-defined]
        Invoice.__table__,  # type: ignore[attr-defined]
        and_(I.account_id == L.account_id, I.id == L.invoice_id),
    )


_LINES_BY_INVOICE = PreparedSelect(
    _lines_with_their_invoice(*LINE_COLUMNS)
    .where(L.account_id == ACCOUNT, among(L.invoice_id, "ids"))
    .order_by(L.invoice_id, L.position)
)
_INVOICES_BY_IDS = PreparedSelect(
    select(*INVOICE_COLUMNS).where(I.account_id == ACCOUNT, among(I.id, "ids"))
)
_LINES_BY_IDS = PreparedSelect(
    _lines_with_their_invoice(*LINE_COLUMNS).where(L.account_id == ACCOUNT, among(L.id, "ids"))
)
_INVOICES_BY_MILESTONE = PreparedSelect(
    _lines_with_their_invoice(L.milestone_id.label("milestone_id"), *INVOICE_COLUMNS)
    .where(L.account_id == ACCOUNT, among(L.milestone_id, "ids"))
    .order_by(I.created_at, I.id)
)


async def lines_by_invoice_ids(
    connection: AsyncConnection, *, account_id: str, invoice_ids: Sequence[str]
) -> list[Any]:
    """Return the lines of these invoices in order."""
    parameters = {"account_id": account_id, "ids": invoice_ids}
    return await select_rows(connection, _LINES_BY_INVOICE, parameters)


async def lines_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's invoice lines among `ids` (for node(id:))."""
    return await select_rows(connection, _LINES_BY_IDS, {"account_id": account_id, "ids": ids})


async def invoices_by_milestone_ids(
    connection: AsyncConnection, *, account_id: str, milestone_ids: Sequence[str]
) -> list[Any]:
    """Return (milestone_id, invoice columns...) for every invoice with a line for a milestone."""
    parameters = {"account_id": account_id, "ids": milestone_ids}
    return await select_rows(connection, _INVOICES_BY_MILESTONE, parameters)


async def progress_by_invoice_ids(
    connection: AsyncConnection, *, account_id: str, invoice_ids: Sequence[str]
) -> list[Any]:
    """Return, per invoice, what its project invoiced and was paid before it was issued.

    "Before" means issued invoices with a lower number; for a draft, every issued invoice.
    """
    earlier = Invoice.__table__.alias("earlier")  # type: ignore[attr-defined]
    E = earlier.c  # noqa: N806
    before = and_(
        E.account_id == account_id,  # not I.account_id: one shard on Citus
        E.project_id == I.project_id,
        is_one_of(E.status, ISSUED_STATUSES),
        # Numbers are zero-padded, so compare lengths first: INV-999999 < INV-1000000.
        or_(
            I.number.is_(None),
            func.length(E.number) < func.length(I.number),
            and_(func.length(E.number) == func.length(I.number), E.number < I.number),
        ),
    )
    invoiced_before = select(func.coalesce(exact_sum(E.total), 0)).where(before).scalar_subquery()
    paid_before = select(func.coalesce(exact_sum(E.amount_paid), 0)).where(before).scalar_subquery()
    statement = (
        select(
            I.id,
            I.total,
            I.currency,
            P.contract_value,
            invoiced_before.label("invoiced_before"),
            paid_before.label("paid_before"),
        )
        .join_from(
            Invoice.__table__,  # type: ignore[attr-defined]
            Project.__table__,  # type: ignore[attr-defined]
            and_(P.account_id == I.account_id, P.id == I.project_id),
        )
        .where(I.account_id == account_id, among(I.id, "ids"))
    )
    return await select_rows(connection, statement, {"ids": invoice_ids})
