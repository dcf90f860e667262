"""The statements that write credit notes, their applications and refunds: run as one
transaction each by domain/credit_notes."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, and_, bindparam, func, insert, select, update

from db.queries.credits import credited_on_milestone
from db.queries.keys import among
from db.queries.projects import ACCOUNT
from db.queries.rows import PreparedSelect, PreparedWrite
from db.tables import (
    AccountCounter,
    CreditApplication,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Project,
    Refund,
)
from db.tables.columns import CA, CN, CNL, COUNTERS, RF, I, L, M, P

_INVOICE_ID = bindparam("invoice_id", type_=String)
_NOTE_ID = bindparam("credit_note_id", type_=String)

# The invoice a credit note is written for, locked like an invoice being paid.
INVOICE_TO_CREDIT = PreparedSelect(
    select(
        I.id,
        I.number,
        I.status,
        I.currency,
        I.total,
        I.amount_paid,
        I.credited_amount,
        I.discount,
        I.retainage_amount,
        P.client_id,
    )
    .join_from(
        Invoice.__table__,  # type: ignore[attr-defined]
        Project.__table__,  # type: ignore[attr-defined]
        and_(P.account_id == I.account_id, P.id == I.project_id),
    )
    .where(I.account_id == ACCOUNT, I.id == _INVOICE_ID)
    .with_for_update(of=Invoice.__table__)  # type: ignore[attr-defined]
)
# The invoice's milestone lines, each with what its non-void credit notes already credited.
CREDITED_ON_LINE = (
    select(func.coalesce(func.sum(CNL.amount), 0))
    .join_from(
        CreditNoteLine.__table__,  # type: ignore[attr-defined]
        CreditNote.__table__,  # type: ignore[attr-defined]
        and_(CN.account_id == CNL.account_id, CN.id == CNL.credit_note_id),
    )
    .where(
        CNL.account_id == ACCOUNT,
        CN.invoice_id == _INVOICE_ID,
        CN.status == "ISSUED",
        CNL.milestone_id == L.milestone_id,
    )
    .scalar_subquery()
)
CREDITABLE_LINES = PreparedSelect(
    select(
        L.milestone_id,
        L.description,
        L.amount,
        L.retainage_share,
        CREDITED_ON_LINE.label("credited"),
    )
    .where(L.account_id == ACCOUNT, L.invoice_id == _INVOICE_ID, L.milestone_id.is_not(None))
    .order_by(L.position)  # the discount's split over the lines ties to the earlier line
)
# What the invoice's non-void credit notes credit together.
CREDITED_BY_NOTES = PreparedSelect(
    select(func.coalesce(func.sum(CN.amount), 0).label("credited")).where(
        CN.account_id == ACCOUNT, CN.invoice_id == _INVOICE_ID, CN.status == "ISSUED"
    )
)
# The project whose billing plan a voided note's milestone lines bill again, read unlocked
# (a note never moves to another project) and then locked first, as domain/projects/locks.py
# orders every write that changes what a milestone has left to invoice.
PROJECT_OF_NOTE = PreparedSelect(
    select(I.project_id)
    .join_from(
        CreditNote.__table__,  # type: ignore[attr-defined]
        Invoice.__table__,  # type: ignore[attr-defined]
        and_(I.account_id == CN.account_id, I.id == CN.invoice_id),
    )
    .where(CN.account_id == ACCOUNT, CN.id == _NOTE_ID)
)
LOCK_PROJECT = PreparedSelect(
    select(P.id)
    .where(P.account_id == ACCOUNT, P.id == bindparam("project_id", type_=String))
    .with_for_update(key_share=True)
)
# The credit note whose credit is applied, refunded or voided, locked before any invoice
# (the order every writer of both follows, so none of them can deadlock).
NOTE_TO_CHANGE = PreparedSelect(
    select(
        CN.id,
        CN.invoice_id,
        CN.client_id,
        CN.currency,
        CN.amount,
        CN.applied_amount,
        CN.unapplied_amount,
        CN.refunded_amount,
        CN.status,
    )
    .where(CN.account_id == ACCOUNT, CN.id == _NOTE_ID)
    .with_for_update()
)
NOTE_APPLICATIONS = PreparedSelect(
    select(CA.id, CA.invoice_id, CA.amount, CA.at_creation).where(
        CA.account_id == ACCOUNT, CA.credit_note_id == _NOTE_ID, CA.reversed_at.is_(None)
    )
)
NOTE_MILESTONE_LINES = PreparedSelect(
    select(CNL.milestone_id, CNL.amount).where(
        CNL.account_id == ACCOUNT, CNL.credit_note_id == _NOTE_ID, CNL.milestone_id.is_not(None)
    )
)
NEXT_NUMBER = PreparedWrite(
    update(AccountCounter)
    .where(
        COUNTERS.account_id == bindparam("counter_account", type_=String),
        COUNTERS.series == bindparam("counter_series", type_=String),
    )
    .values(value=COUNTERS.value + 1)
)
CURRENT_NUMBER = PreparedSelect(
    select(COUNTERS.value).where(
        COUNTERS.account_id == ACCOUNT, COUNTERS.series == bindparam("series", type_=String)
    )
)
INSERT_COUNTER = PreparedWrite(insert(AccountCounter), columns=COUNTERS.keys())
INSERT_NOTE = PreparedWrite(insert(CreditNote), columns=CN.keys())
INSERT_NOTE_LINE = PreparedWrite(insert(CreditNoteLine), columns=CNL.keys())
INSERT_APPLICATION = PreparedWrite(insert(CreditApplication), columns=CA.keys())
INSERT_REFUND = PreparedWrite(insert(Refund), columns=RF.keys())
# Not :account_id and :id: bound names that match a column would join the SET clause.
CREDIT_INVOICE = PreparedWrite(
    update(Invoice)
    .where(I.account_id == bindparam("invoice_account"), I.id == bindparam("target_invoice"))
    .values(
        credited_amount=bindparam("credited", type_=BigInteger),
        status=bindparam("new_status", type_=String),
    )
)
CHANGE_NOTE = PreparedWrite(
    update(CreditNote)
    .where(CN.account_id == bindparam("note_account"), CN.id == bindparam("note_id"))
    .values(
        applied_amount=bindparam("applied", type_=BigInteger),
        unapplied_amount=bindparam("unapplied", type_=BigInteger),
        refunded_amount=bindparam("refunded", type_=BigInteger),
    )
)
VOID_NOTE = PreparedWrite(
    update(CreditNote)
    .where(CN.account_id == bindparam("note_account"), CN.id == bindparam("note_id"))
    .values(
        status="VOID",
        applied_amount=0,
        unapplied_amount=0,
        voided_at=bindparam("voided", type_=CN.voided_at.type),
    )
)
REVERSE_APPLICATION = PreparedWrite(
    update(CreditApplication)
    .where(CA.account_id == bindparam("application_account"), CA.id == bindparam("application"))
    .values(
        reversed_at=bindparam("reversed", type_=CA.reversed_at.type),
        reversal_reason=bindparam("reason", type_=String),
    )
)
# The application reverseCreditApplication reverses, read before its credit note is locked
# (only to learn which note), and again after, to decide.
APPLICATION_TO_REVERSE = PreparedSelect(
    select(
        CA.id, CA.credit_note_id, CA.invoice_id, CA.amount, CA.at_creation, CA.reversed_at
    ).where(CA.account_id == ACCOUNT, CA.id == bindparam("application_id", type_=String))
)

# What each milestone has left to invoice: its amount less its lines on draft or issued
# invoices, plus what issued credit notes took back from it.
_ON_INVOICES = (
    select(func.coalesce(func.sum(L.amount), 0))
    .join_from(
        InvoiceLine.__table__,  # type: ignore[attr-defined]
        Invoice.__table__,  # type: ignore[attr-defined]
        and_(I.account_id == L.account_id, I.id == L.invoice_id),
    )
    .where(L.account_id == ACCOUNT, L.milestone_id == M.id, I.status != "VOID")
    .scalar_subquery()
)
MILESTONES_LEFT_TO_INVOICE = PreparedSelect(
    select(
        M.id, M.name, (M.amount - _ON_INVOICES + credited_on_milestone(M.id)).label("left")
    ).where(M.account_id == ACCOUNT, among(M.id, "ids"))
)
