"""The account-wide lists (invoices, payments, projects, clients, credit notes): their orders
and filters.

Each order and each filter is served by an index that leads with account_id (db/tables,
migrations 0005 and 0009). A conditions function takes the filter's fields by name, plus the
account and today, which some filters need.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, and_, case, exists, literal_column, not_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement

from db.queries.clients import CLIENT_COLUMNS
from db.queries.credit_notes import NOTE_COLUMNS
from db.queries.invoices import INVOICE_COLUMNS
from db.queries.listing import Listing, SortKey, contains_folded
from db.queries.payments import PAYMENT_COLUMNS
from db.queries.projects import PROJECT_COLUMNS
from db.tables import Allocation, Invoice
from db.tables.columns import CL, CN, PAY, A, I, P
from domain.search import like_pattern

UNPAID_STATUSES = ("OPEN", "PARTIALLY_PAID")

# Invoice.balanceDue (total - paid - credited; 0 when void), written with literals so that
# PostgreSQL matches it to the expression index ix_invoice_balance_open.
INVOICE_BALANCE_DUE = case(
    (I.status == literal_column("'VOID'"), literal_column("0")),
    else_=I.total - I.amount_paid - I.credited_amount,
)


def _by_creation(created_at: Any, **more: SortKey) -> dict[str, SortKey]:
    return {"CREATED_AT": SortKey(created_at, "timestamp"), **more}


INVOICES = Listing(
    columns=INVOICE_COLUMNS,
    account=I.account_id,
    id=I.id,
    sorts=_by_creation(
        I.created_at,
        DUE_ON=SortKey(I.due_on, "date", nullable=True),
        ISSUED_ON=SortKey(I.issued_on, "date", nullable=True),
        NUMBER=SortKey(I.number, "text", nullable=True),
        TOTAL=SortKey(I.total, "int"),
        BALANCE_DUE=SortKey(INVOICE_BALANCE_DUE, "int"),
    ),
)
PAYMENTS = Listing(
    columns=PAYMENT_COLUMNS,
    account=PAY.account_id,
    id=PAY.id,
    sorts=_by_creation(
        PAY.created_at,
        RECEIVED_ON=SortKey(PAY.received_on, "date"),
        AMOUNT=SortKey(PAY.amount, "int"),
    ),
)
PROJECTS = Listing(
    columns=PROJECT_COLUMNS,
    account=P.account_id,
    id=P.id,
    sorts=_by_creation(P.created_at, NAME=SortKey(P.name, "text")),
)
CLIENTS = Listing(
    columns=CLIENT_COLUMNS,
    account=CL.account_id,
    id=CL.id,
    sorts=_by_creation(CL.created_at, NAME=SortKey(CL.name, "text")),
)
CREDIT_NOTES = Listing(
    columns=NOTE_COLUMNS,
    account=CN.account_id,
    id=CN.id,
    sorts=_by_creation(
        CN.created_at, NUMBER=SortKey(CN.number, "text"), AMOUNT=SortKey(CN.amount, "int")
    ),
)


def _searched(column: Any, search: str | None) -> list[ColumnElement[bool]]:
    return [contains_folded(column, like_pattern(search))] if search else []


class InClientProjects(ColumnElement[bool]):
    """`invoice.project_id` among the client's projects (read on ix_project_client).

    PostgreSQL: `= ANY(ARRAY(subquery))`, so the invoices are read on ix_invoice_project_page
    project by project (a plain IN becomes a hash join over a Seq Scan of every invoice of the
    account once the client has many); SQLite plans `IN (subquery)` that way already.
    """

    inherit_cache = True
    type = Boolean()

    def __init__(self, account_id: str, client_id: str) -> None:
        self.projects = select(P.id).where(P.account_id == account_id, P.client_id == client_id)


@compiles(InClientProjects)
def _in_client_projects(element: InClientProjects, compiler: Any, **kw: Any) -> str:
    subquery = compiler.process(element.projects, **kw)
    return f"{compiler.process(I.project_id, **kw)} IN ({subquery})"


@compiles(InClientProjects, "postgresql")
def _in_client_projects_pg(element: InClientProjects, compiler: Any, **kw: Any) -> str:
    subquery = compiler.process(element.projects, **kw)
    return f"{compiler.process(I.project_id, **kw)} = ANY(ARRAY({subquery}))"


def invoice_conditions(
    *,
    account_id: str,
    today: date,
    status: list[str] | None = None,
    overdue: bool | None = None,
    project_id: str | None = None,
    client_id: str | None = None,
    due_after: date | None = None,
    due_before: date | None = None,
    issued_after: date | None = None,
    issued_before: date | None = None,
    search: str | None = None,
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of an invoice filter; bounds on dates are inclusive."""
    conditions: list[ColumnElement[bool]] = []
    if status is not None:
        conditions.append(I.status.in_(status))
    if overdue is not None:
        is_overdue = and_(I.status.in_(UNPAID_STATUSES), I.due_on < today)
        conditions.append(is_overdue if overdue else not_(is_overdue))
    if project_id is not None:
        conditions.append(I.project_id == project_id)
    if client_id is not None:
        conditions.append(InClientProjects(account_id, client_id))
    conditions += _date_range(I.due_on, due_after, due_before)
    conditions += _date_range(I.issued_on, issued_after, issued_before)
    return conditions + _searched(I.search_text, search)


def payment_conditions(
    *,
    account_id: str,
    today: date,
    client_id: str | None = None,
    project_id: str | None = None,
    method: str | None = None,
    received_after: date | None = None,
    received_before: date | None = None,
    has_unapplied: bool | None = None,
    search: str | None = None,
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of a payment filter; bounds on dates are inclusive."""
    conditions: list[ColumnElement[bool]] = []
    if client_id is not None:
        conditions.append(PAY.client_id == client_id)
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
    if has_unapplied is not None:
        conditions.append(PAY.unapplied_amount > 0 if has_unapplied else PAY.unapplied_amount == 0)
    return conditions + _searched(PAY.search_text, search)


def project_conditions(
    *, account_id: str, today: date, client_id: str | None = None, search: str | None = None
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of a project filter (name and client name searched)."""
    conditions = [] if client_id is None else [P.client_id == client_id]
    return conditions + _searched(P.search_text, search)


def client_conditions(
    *, account_id: str, today: date, search: str | None = None
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of a client filter (name and email searched)."""
    return _searched(CL.search_text, search)


def credit_note_conditions(
    *,
    account_id: str,
    today: date,
    client_id: str | None = None,
    invoice_id: str | None = None,
    status: list[str] | None = None,
    search: str | None = None,
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of a credit note filter (its number searched)."""
    conditions: list[ColumnElement[bool]] = []
    if client_id is not None:
        conditions.append(CN.client_id == client_id)
    if invoice_id is not None:
        conditions.append(CN.invoice_id == invoice_id)
    if status is not None:
        conditions.append(CN.status.in_(status))
    return conditions + _searched(CN.search_text, search)


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
