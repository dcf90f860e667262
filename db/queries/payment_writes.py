"""The statements that record a payment: run as one transaction by domain/payments/service.py."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, bindparam, insert, select, update

from db.queries.keys import among
from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, PreparedWrite
from db.tables import Allocation, Invoice, Payment
from db.tables.columns import PAY, A, I

# A processor's transaction id is recorded once per account.
TRANSACTION_TAKEN = PreparedSelect(
    select(PAY.id).where(
        PAY.account_id == ACCOUNT, PAY.transaction_id == bindparam("transaction_id")
    )
)
# The invoices a payment allocates to, locked (FOR UPDATE on PostgreSQL) in id order, so
# concurrent payments of the same invoices cannot deadlock.
INVOICES_TO_PAY = PreparedSelect(
    select(I.id, I.number, I.status, I.currency, I.total, I.amount_paid)
    .where(I.account_id == ACCOUNT, among(I.id, "ids"))
    .order_by(I.id)
    .with_for_update()
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
