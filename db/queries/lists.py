"""The account-wide lists (invoices, payments, projects): their orders and filters.

Each order and each filter is served by an index that leads with account_id (db/tables,
migration 0005). A new list (clients, credit notes) is one more Listing and one conditions
function here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, literal_column, not_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement

from db.queries.invoices import INVOICE_COLUMNS
from db.queries.listing import Listing, SortKey, contains_folded
from db.queries.payments import PAYMENT_COLUMNS
from db.queries.projects import PROJECT_COLUMNS
from db.tables import Allocation, Invoice
from db.tables.columns import PAY, A, I, P
from domain.search import like_pattern

UNPAID_STATUSES = ("OPEN", "PARTIALLY_PAID")

# Written with literals so PostgreSQL matches it to the expression index ix_invoice_balance_due.
INVOICE_BALANCE_DUE = case(
    (I.status == literal_column("'VOID'"), literal_column("0")), else_=I.total - I.amount_paid
)

INVOICES = Listing(
    columns=INVOICE_COLUMNS,
    account=I.account_id,
    id=I.id,
    sorts={
        "CREATED_AT": SortKey(I.created_at, "timestamp"),
        "DUE_ON": SortKey(I.due_on, "date", nullable=True),
        "ISSUED_ON": SortKey(I.issued_on, "date", nullable=True),
        "NUMBER": SortKey(I.number, "text", nullable=True),
        "TOTAL": SortKey(I.total, "int"),
        "BALANCE_DUE": SortKey(INVOICE_BALANCE_DUE, "int"),
    },
)
PAYMENTS = Listing(
    columns=PAYMENT_COLUMNS,
    account=PAY.account_id,
    id=PAY.id,
    sorts={
        "CREATED_AT": SortKey(PAY.created_at, "timestamp"),
        "RECEIVED_ON": SortKey(PAY.received_on, "date"),
        "AMOUNT": SortKey(PAY.amount, "int"),
    },
)
PROJECTS = Listing(
    columns=PROJECT_COLUMNS,
    account=P.account_id,
    id=P.id,
    sorts={
        "CREATED_AT": SortKey(P.created_at, "timestamp"),
        "NAME": SortKey(P.name, "text"),
    },
)


def invoice_conditions(
    *,
    today: date,
    statuses: list[str] | None = None,
    overdue: bool | None = None,
    project_id: str | None = None,
    due_after: date | None = None,
    due_before: date | None = None,
    issued_after: date | None = None,
    issued_before: date | None = None,
    search: str | None = None,
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of an invoice filter; bounds on dates are inclusive."""
    conditions: list[ColumnElement[bool]] = []
    if statuses is not None:
        conditions.append(I.status.in_(statuses))
    if overdue is not None:
        is_overdue = and_(I.status.in_(UNPAID_STATUSES), I.due_on < today)
        conditions.append(is_overdue if overdue else not_(is_overdue))
    if project_id is not None:
        conditions.append(I.project_id == project_id)
    conditions += _date_range(I.due_on, due_after, due_before)
    conditions += _date_range(I.issued_on, issued_after, issued_before)
    if search:
        conditions.append(contains_folded(I.search_text, like_pattern(search)))
    return conditions


def payment_conditions(
    *,
    project_id: str | None = None,
    method: str | None = None,
    received_after: date | None = None,
    received_before: date | None = None,
    search: str | None = None,
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of a payment filter; bounds on dates are inclusive."""
    conditions: list[ColumnElement[bool]] = []
    if project_id is not None:
        # A payment belongs to a project when one of its allocations pays that project's invoice.
        conditions.append(
            exists(
                select(A.id)
                .join_from(
                    Allocation.__table__,  # type: ignore[attr-defined]
                    Invoice.__table__,  # type: ignore[attr-defined]
                    and_(I.account_id == A.account_id, I.id == A.invoice_id),
                )
                .where(
                    A.account_id == PAY.account_id,
                    A.payment_id == PAY.id,
                    I.project_id == project_id,
                )
            )
        )
    if method is not None:
        conditions.append(PAY.method == method)
    conditions += _date_range(PAY.received_on, received_after, received_before)
    if search:
        conditions.append(contains_folded(PAY.search_text, like_pattern(search)))
    return conditions


def project_conditions(*, search: str | None = None) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of a project filter (name and client name searched)."""
    if search:
        return [contains_folded(P.search_text, like_pattern(search))]
    return []


def _date_range(column: Any, low: date | None, high: date | None) -> list[ColumnElement[bool]]:
    bounds: list[ColumnElement[bool]] = []
    if low is not None:
        bounds.append(column >= low)
    if high is not None:
        bounds.append(column <= high)
    return bounds


async def invoice_id_by_number(
    connection: AsyncConnection, *, account_id: str, number: str
) -> str | None:
    """Return the id of the account's invoice with this number (uq_invoice_number), if any."""
    statement = select(I.id).where(I.account_id == account_id, I.number == number)
    return (await connection.execute(statement)).scalar_one_or_none()


async def payment_id_by_transaction(
    connection: AsyncConnection, *, account_id: str, transaction_id: str
) -> str | None:
    """Return the id of the account's payment of this processor transaction, if any."""
    statement = select(PAY.id).where(
        PAY.account_id == account_id, PAY.transaction_id == transaction_id
    )
    return (await connection.execute(statement)).scalar_one_or_none()
