"""Batched reads of clients: by id, a searchable page, their projects, invoices and payments
page by page, and their balance per currency."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.balances import RELEASED, UNPAID_STATUSES
from db.queries.invoices import INVOICE_COLUMNS
from db.queries.keys import among
from db.queries.payments import PAYMENT_COLUMNS
from db.queries.projects import ACCOUNT, ISSUED_STATUSES, PROJECT_COLUMNS, after_keyset
from db.queries.rows import PreparedSelect, is_one_of, select_rows
from db.queries.sums import exact_sum
from db.tables import Invoice, Project
from db.tables.columns import CL, CN, PAY, I, P

CLIENT_COLUMNS = (CL.id, CL.name, CL.email, CL.created_at)


async def clients_by_ids(
    connection: AsyncConnection, *, account_id: str, ids: Sequence[str]
) -> list[Any]:
    """Return the account's clients among `ids`."""
    return await select_rows(connection, _CLIENTS_BY_IDS, {"account_id": account_id, "ids": ids})


def _joined_invoices() -> Any:
    return Invoice.__table__.join(  # type: ignore[attr-defined]
        Project.__table__,  # type: ignore[attr-defined]
        and_(P.account_id == I.account_id, P.id == I.project_id),
    )


# What each nested list of a client reads: its columns, where from, and its client column.
SOURCES: dict[str, Any] = {
    "projects": lambda: (PROJECT_COLUMNS, Project.__table__, P.client_id, P.created_at, P.id),  # type: ignore[attr-defined]
    "invoices": lambda: (INVOICE_COLUMNS, _joined_invoices(), P.client_id, I.created_at, I.id),
    "payments": lambda: (PAYMENT_COLUMNS, None, PAY.client_id, PAY.created_at, PAY.id),
}


@cache
def _ranked_pages(kind: str, after: bool) -> PreparedSelect:
    columns, source, client, created_at, id_ = SOURCES[kind]()
    account = {"projects": P, "invoices": I, "payments": PAY}[kind].account_id
    conditions = [account == ACCOUNT, among(client, "ids")]
    if after:
        conditions.append(after_keyset(created_at, id_))
    rank = func.row_number().over(partition_by=client, order_by=(created_at, id_))
    statement = select(*columns, client.label("owner_id"), rank.label("rank")).where(*conditions)
    if source is not None:
        statement = statement.select_from(source)
    ranked = statement.subquery()
    limit = bindparam("limit", type_=Integer)
    return PreparedSelect(
        select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.owner_id, ranked.c.rank)
    )


async def pages_of_clients(
    connection: AsyncConnection,
    *,
    account_id: str,
    kind: str,
    client_ids: Sequence[str],
    after: tuple[Any, str] | None,
    limit: int,
) -> list[Any]:
    """Return up to `limit` projects, invoices or payments per client in creation order, each
    row with its `owner_id`: one statement for every client."""
    parameters: dict[str, Any] = {"account_id": account_id, "ids": client_ids, "limit": limit}
    if after is not None:
        parameters["after_created_at"], parameters["after_id"] = after
    return await select_rows(connection, _ranked_pages(kind, after is not None), parameters)


async def counts_of_clients(
    connection: AsyncConnection, *, account_id: str, kind: str, client_ids: Sequence[str]
) -> dict[str, int]:
    """Return how many projects, invoices or payments each client has."""
    _, source, client, _, _ = SOURCES[kind]()
    account = {"projects": P, "invoices": I, "payments": PAY}[kind].account_id
    statement = (
        select(client.label("owner_id"), func.count().label("n"))
        .where(account == account_id, among(client, "ids"))
        .group_by(client)
    )
    if source is not None:
        statement = statement.select_from(source)
    rows = await connection.execute(statement, {"ids": client_ids})
    return {row.owner_id: int(row.n) for row in rows}


async def balances_by_client_ids(
    connection: AsyncConnection, *, account_id: str, client_ids: Sequence[str], today: Any
) -> tuple[list[Any], list[Any], list[Any]]:
    """Return per (client, currency) the issued invoices' figures, the payments' figures and
    the credit notes' figures."""
    parameters = {"account_id": account_id, "ids": client_ids, "today": today}
    invoices = await select_rows(connection, _INVOICE_FIGURES, parameters)
    payments = await select_rows(connection, _PAYMENT_FIGURES, parameters)
    notes = await select_rows(connection, _CREDIT_NOTE_FIGURES, parameters)
    return invoices, payments, notes


_CLIENTS_BY_IDS = PreparedSelect(
    select(*CLIENT_COLUMNS).where(CL.account_id == ACCOUNT, among(CL.id, "ids"))
)
_TODAY = bindparam("today", type_=I.due_on.type)
_INVOICE_FIGURES = PreparedSelect(
    select(
        P.client_id,
        I.currency,
        exact_sum(I.total).label("invoiced"),
        exact_sum(I.amount_paid).label("paid"),
        exact_sum(I.credited_amount).label("credited"),
        exact_sum(I.discount).label("discount"),
        exact_sum(I.retainage_amount).label("withheld"),
        exact_sum(RELEASED).label("released"),
        exact_sum(
            case(
                (
                    and_(is_one_of(I.status, UNPAID_STATUSES), I.due_on < _TODAY),
                    I.total - I.amount_paid - I.credited_amount,
                ),
                else_=0,
            )
        ).label("overdue"),
    )
    .select_from(_joined_invoices())
    .where(
        I.account_id == ACCOUNT,
        among(P.client_id, "ids"),
        is_one_of(I.status, ISSUED_STATUSES),
    )
    .group_by(P.client_id, I.currency)
)
_PAYMENT_FIGURES = PreparedSelect(
    select(
        PAY.client_id,
        PAY.currency,
        exact_sum(PAY.amount).label("received"),
        exact_sum(PAY.unapplied_amount).label("unapplied"),
        exact_sum(PAY.refunded_amount).label("refunded"),
    )
    .where(PAY.account_id == ACCOUNT, among(PAY.client_id, "ids"))
    .group_by(PAY.client_id, PAY.currency)
)
_CREDIT_NOTE_FIGURES = PreparedSelect(
    select(
        CN.client_id,
        CN.currency,
        exact_sum(CN.unapplied_amount).label("unapplied"),
        exact_sum(CN.refunded_amount).label("refunded"),
    )
    # A void note holds no credit: its currency is not one the client deals in (as of any day).
    .where(CN.account_id == ACCOUNT, among(CN.client_id, "ids"), CN.status == "ISSUED")
    .group_by(CN.client_id, CN.currency)
)
