"""Payments (one receipt of money) and their allocations to invoices."""

from datetime import date, datetime

from sqlalchemy import ForeignKeyConstraint, Index
from sqlmodel import Field, SQLModel

from db.tables._columns import date_field, id_field, money_field, timestamp_field


class Payment(SQLModel, table=True):
    __tablename__ = "payment"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "client_id"], ["client.account_id", "client.id"]),
        Index("uq_payment_transaction", "account_id", "transaction_id", unique=True),
        Index("ix_payment_client", "account_id", "client_id", "created_at", "id"),
        Index("ix_payment_created", "account_id", "created_at", "id"),
        Index("ix_payment_received", "account_id", "received_on", "id"),
        Index("ix_payment_amount", "account_id", "amount", "id"),
        Index("ix_payment_method", "account_id", "method", "received_on"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    external_payment: bool
    transaction_id: str | None = Field(default=None, max_length=100)
    method: str = Field(max_length=10)
    reference: str | None = Field(default=None, max_length=200)
    received_on: date = date_field(nullable=False)
    currency: str = Field(max_length=3)
    amount: int = money_field()
    attrs: str | None = Field(default=None, max_length=255)
    created_at: datetime = timestamp_field()
    # Null only for a payment recorded before clients existed that allocated to nothing.
    client_id: str | None = id_field(nullable=True)
    unapplied_amount: int = money_field(default=0)
    refunded_amount: int = money_field(default=0)
    search_text: str = Field(default="", max_length=200, description="reference folded")


class Allocation(SQLModel, table=True):
    __tablename__ = "allocation"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "payment_id"], ["payment.account_id", "payment.id"]),
        ForeignKeyConstraint(["account_id", "invoice_id"], ["invoice.account_id", "invoice.id"]),
        Index("ix_allocation_invoice", "account_id", "invoice_id"),
        Index("ix_allocation_payment", "account_id", "payment_id", "position"),
        Index(
            "uq_allocation_payment_invoice", "account_id", "payment_id", "invoice_id", unique=True
        ),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    payment_id: str = id_field()
    invoice_id: str = id_field()
    position: int = Field(description="Where it stands in its payment's list, from 1.")
    amount: int = money_field()
    attrs: str | None = Field(default=None, max_length=255)
    reversed_at: datetime | None = timestamp_field(nullable=True)
    reversal_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp_field()
    modified_at: datetime = timestamp_field()
