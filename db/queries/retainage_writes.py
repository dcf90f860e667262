"""The statements that withhold, adjust and release retainage (domain/retainage), each run in
the transaction of the invoice, credit note or release that changes it."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, bindparam, insert, select, update

from db.queries.credit_writes import CREDITED_ON_LINE
from db.queries.keys import among
from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, PreparedWrite
from db.tables import Invoice, InvoiceLine, Milestone
from db.tables.columns import I, L, M, P

_INVOICE_ID = bindparam("invoice_id", type_=String)

# An invoice's lines with their retainage and what credit notes credited on each.
RETAINAGE_LINES = PreparedSelect(
    select(
        L.id,
        L.milestone_id,
        L.released_milestone_id,
        L.amount,
        L.retainage_share,
        L.retainage_amount,
        CREDITED_ON_LINE.label("credited"),
    )
    .where(L.account_id == ACCOUNT, L.invoice_id == _INVOICE_ID)
    .order_by(L.position)
)
# The project whose retainage is released, locked like every write to its billing plan
# (domain/projects/locks.py).
PROJECT_TO_RELEASE = PreparedSelect(
    select(P.id, P.currency, P.payment_terms_days)
    .where(P.account_id == ACCOUNT, P.id == bindparam("project_id", type_=String))
    .with_for_update(key_share=True)
)
# Milestones whose held retainage is checked and changed, locked in id order (step 3 of
# domain/projects/locks.py's order).
MILESTONES_HOLDING = PreparedSelect(
    select(M.id, M.project_id, M.name, M.retainage_held)
    .where(M.account_id == ACCOUNT, among(M.id, "ids"))
    .order_by(M.id)
    .with_for_update()
)
PROJECT_MILESTONES_HOLDING = PreparedSelect(
    select(M.id, M.name, M.position, M.retainage_held)
    .where(M.account_id == ACCOUNT, M.project_id == bindparam("project_id", type_=String))
    .order_by(M.id)
    .with_for_update()
)
# Not :account_id and :id: bound names that match a column would join the SET clause.
CHANGE_HELD = PreparedWrite(
    update(Milestone)
    .where(M.account_id == bindparam("milestone_account"), M.id == bindparam("milestone"))
    .values(retainage_held=M.retainage_held + bindparam("change", type_=BigInteger))
)
WITHHOLD_ON_LINE = PreparedWrite(
    update(InvoiceLine)
    .where(L.account_id == bindparam("line_account"), L.id == bindparam("line"))
    .values(
        retainage_share=bindparam("share", type_=BigInteger),
        retainage_amount=bindparam("share", type_=BigInteger),
    )
)
KEEP_ON_LINE = PreparedWrite(
    update(InvoiceLine)
    .where(L.account_id == bindparam("line_account"), L.id == bindparam("line"))
    .values(retainage_amount=bindparam("kept", type_=BigInteger))
)
# What an invoice withholds moves to or from what is due now: total + retainage stays put.
CHANGE_INVOICE_RETAINAGE = PreparedWrite(
    update(Invoice)
    .where(I.account_id == bindparam("invoice_account"), I.id == bindparam("target_invoice"))
    .values(
        retainage_amount=bindparam("retainage", type_=BigInteger),
        total=bindparam("new_total", type_=BigInteger),
    )
)
INSERT_INVOICE = PreparedWrite(insert(Invoice), columns=I.keys())
INSERT_LINE = PreparedWrite(insert(InvoiceLine), columns=L.keys())
