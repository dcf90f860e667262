"""The statements that record a payment: run as one transaction by domain/payments/service.py."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, and_, bindparam, insert, select, update

from db.queries.keys import among
from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, PreparedWrite
from db.tables import Allocation, Invoice, Payment, Project
from db.tables.columns import CL, PAY, A, I, P

# A processor's transaction id is recorded once per account.
TRANSACTION_TAKEN = PreparedSelect(
    select(PAY.id).where(
        PAY.account_id == ACCOUNT, PAY.transaction_id == bindparam("transaction_id")
    )
)
# The invoices a payment allocates to, locked (FOR UPDATE on PostgreSQL) in id order, so
# concurrent payments of the same invoices cannot deadlock.
# Only the invoice rows are locked: payments of one project's invoices need not queue on it.
INVOICES_TO_PAY = PreparedSelect(
    select(
        I.id,
        I.number,
        I.status,
        I.currency,
        I.total,
        I.amount_paid,
        I.credited_amount,
        P.client_id,
    )
    .join_from(
        Invoice.__table__,  # type: ignore[attr-defined]
        Project.__table__,  # type: ignore[attr-defined]
        and_(P.account_id == I.account_id, P.id == I.project_id),
    )
    .where(I.account_id == ACCOUNT, among(I.id, "ids"))
    .order_by(I.id)
    .with_for_update(of=Invoice.__table__)  # type: ignore[attr-defined]
)
CLIENT_EXISTS = PreparedSelect(
    select(CL.id).where(CL.account_id == ACCOUNT, CL.id == bindparam("client_id", type_=String))
)
# The payment whose unapplied money is applied or refunded, locked before any invoice (the
# order every writer of both follows, so none of them can deadlock).
PAYMENT_TO_CHANGE = PreparedSelect(
    select(
        PAY.id, PAY.currency, PAY.client_id, PAY.amount, PAY.unapplied_amount, PAY.refunded_amount
    )
    .where(PAY.account_id == ACCOUNT, PAY.id == bindparam("payment_id", type_=String))
    .with_for_update()
)
PAYMENT_ALLOCATIONS = PreparedSelect(
    select(A.invoice_id, A.position).where(
        A.account_id == ACCOUNT, A.payment_id == bindparam("payment_id", type_=String)
    )
)
CHANGE_PAYMENT = PreparedWrite(
    update(Payment)
    .where(PAY.account_id == bindparam("payment_account"), PAY.id == bindparam("payment_id"))
    .values(
        unapplied_amount=bindparam("unapplied", type_=BigInteger),
        refunded_amount=bindparam("refunded", type_=BigInteger),
    )
)
INSERT_PAYMENT = PreparedWrite(insert(Payment), columns=PAY.keys())
INSERT_ALLOCATION = PreparedWrite(insert(Allocation), columns=A.keys())
# Not :account_id and :id: bound names that match a column would join the SET clause.
PAY_INVOICE = PreparedWrite(
    update(Invoice)
    .where(I.account_id == bindparam("invoice_account"), I.id == bindparam("invoice_id"))
    .values(
        amount_paid=bindparam("paid", type_=BigInteger), status=bindparam("status", type_=String)
    )
)
