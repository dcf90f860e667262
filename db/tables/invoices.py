"""Invoices, their lines, and how a paid invoice is distributed to its milestones."""

from datetime import date, datetime

from sqlalchemy import ForeignKeyConstraint, Index, text
from sqlmodel import Field, SQLModel

from db.tables._columns import date_field, id_field, money_field, timestamp_field

# What is still to be paid, as Invoice.balanceDue shows it (a void invoice owes nothing).
BALANCE_DUE_SQL = text("(CASE WHEN status = 'VOID' THEN 0 ELSE total - amount_paid END)")


class Invoice(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "project_id"], ["project.account_id", "project.id"]),
        Index("ix_invoice_project_page", "account_id", "project_id", "created_at", "id"),
        Index("uq_invoice_number", "account_id", "number", unique=True),
        # The root list's orders and filters (db/queries/invoice_list.py), each led by account.
        Index("ix_invoice_created", "account_id", "created_at", "id"),
        Index("ix_invoice_due", "account_id", "due_on", "id"),
        Index("ix_invoice_issued", "account_id", "issued_on", "id"),
        Index("ix_invoice_number_id", "account_id", "number", "id"),
        Index("ix_invoice_total", "account_id", "total", "id"),
        Index("ix_invoice_balance_due", "account_id", BALANCE_DUE_SQL, "id"),
        Index("ix_invoice_status_due", "account_id", "status", "due_on"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    project_id: str = id_field()
    number: str | None = Field(default=None, max_length=20)
    status: str = Field(default="DRAFT", max_length=20)
    currency: str = Field(max_length=3)
    memo: str | None = Field(default=None, max_length=2000)
    issued_on: date | None = date_field()
    due_on: date | None = date_field()
    subtotal: int = money_field(default=0)
    discount: int = money_field(default=0)
    total: int = money_field(default=0)
    amount_paid: int = money_field(default=0)
    # Credit of credit notes applied to this invoice: balanceDue = total - paid - credited.
    credited_amount: int = money_field(default=0)
    created_at: datetime = timestamp_field()
    voided_at: datetime | None = timestamp_field(nullable=True)
    search_text: str = Field(default="", max_length=20, description="number folded")


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "invoice_id"], ["invoice.account_id", "invoice.id"]),
        ForeignKeyConstraint(
            ["account_id", "milestone_id"], ["milestone.account_id", "milestone.id"]
        ),
        Index("ix_invoice_line_invoice", "account_id", "invoice_id", "position"),
        Index("ix_invoice_line_milestone", "account_id", "milestone_id"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    invoice_id: str = id_field()
    position: int
    milestone_id: str | None = id_field(nullable=True)
    description: str = Field(max_length=500)
    amount: int = money_field()


class MilestoneDistribution(SQLModel, table=True):
    """The share of a paid invoice given to one of its milestone lines; the rest is discount."""

    __tablename__ = "milestone_distribution"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "invoice_id"], ["invoice.account_id", "invoice.id"]),
        ForeignKeyConstraint(
            ["account_id", "milestone_id"], ["milestone.account_id", "milestone.id"]
        ),
        Index("ix_milestone_distribution_milestone", "account_id", "milestone_id"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    invoice_id: str = Field(primary_key=True, max_length=40)
    milestone_id: str = Field(primary_key=True, max_length=40)
    line_amount: int = money_field()
    amount: int = money_field()
    discount: int = money_field()
