"""Credit notes (what an invoice billed too much), where their credit went, and refunds."""

from datetime import date, datetime

from sqlalchemy import ForeignKeyConstraint, Index
from sqlmodel import Field, SQLModel

from db.tables._columns import date_field, id_field, money_field, timestamp_field


class CreditNote(SQLModel, table=True):
    __tablename__ = "credit_note"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "invoice_id"], ["invoice.account_id", "invoice.id"]),
        ForeignKeyConstraint(["account_id", "client_id"], ["client.account_id", "client.id"]),
        Index("uq_credit_note_number", "account_id", "number", unique=True),
        Index("ix_credit_note_invoice", "account_id", "invoice_id"),
        Index("ix_credit_note_client", "account_id", "client_id", "created_at", "id"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    number: str = Field(max_length=20)
    invoice_id: str = id_field()
    client_id: str = id_field()
    currency: str = Field(max_length=3)
    amount: int = money_field()
    # amount = applied + unapplied + refunded while ISSUED; all three are 0 once VOID.
    applied_amount: int = money_field(default=0)
    unapplied_amount: int = money_field(default=0)
    refunded_amount: int = money_field(default=0)
    reason: str = Field(max_length=500)
    status: str = Field(default="ISSUED", max_length=20)
    created_at: datetime = timestamp_field()
    voided_at: datetime | None = timestamp_field(nullable=True)


class CreditNoteLine(SQLModel, table=True):
    __tablename__ = "credit_note_line"
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "credit_note_id"], ["credit_note.account_id", "credit_note.id"]
        ),
        ForeignKeyConstraint(
            ["account_id", "milestone_id"], ["milestone.account_id", "milestone.id"]
        ),
        Index("ix_credit_note_line_note", "account_id", "credit_note_id", "position"),
        Index("ix_credit_note_line_milestone", "account_id", "milestone_id"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    credit_note_id: str = id_field()
    position: int
    milestone_id: str | None = id_field(nullable=True)
    description: str = Field(max_length=500)
    amount: int = money_field()


class CreditApplication(SQLModel, table=True):
    """Credit of a credit note lowering one invoice's balance due."""

    __tablename__ = "credit_application"
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "credit_note_id"], ["credit_note.account_id", "credit_note.id"]
        ),
        ForeignKeyConstraint(["account_id", "invoice_id"], ["invoice.account_id", "invoice.id"]),
        Index("ix_credit_application_note", "account_id", "credit_note_id"),
        Index("ix_credit_application_invoice", "account_id", "invoice_id"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    credit_note_id: str = id_field()
    invoice_id: str = id_field()
    amount: int = money_field()
    # True for the credit a note gives its own invoice when it is created (voiding undoes it).
    at_creation: bool
    created_at: datetime = timestamp_field()
    reversed_at: datetime | None = timestamp_field(nullable=True)


class Refund(SQLModel, table=True):
    """Money paid back: unapplied money of a payment, or unapplied credit of a credit note."""

    __tablename__ = "refund"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "payment_id"], ["payment.account_id", "payment.id"]),
        ForeignKeyConstraint(
            ["account_id", "credit_note_id"], ["credit_note.account_id", "credit_note.id"]
        ),
        Index("ix_refund_payment", "account_id", "payment_id"),
        Index("ix_refund_credit_note", "account_id", "credit_note_id"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    payment_id: str | None = id_field(nullable=True)
    credit_note_id: str | None = id_field(nullable=True)
    currency: str = Field(max_length=3)
    amount: int = money_field()
    reason: str = Field(max_length=500)
    refunded_on: date = date_field(nullable=False)
    created_at: datetime = timestamp_field()
