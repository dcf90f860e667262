"""Invoice schedules (billing plans) and their items."""

from datetime import date, datetime

from sqlalchemy import ForeignKeyConstraint, Index
from sqlmodel import Field, SQLModel

from db.tables._columns import date_field, id_field, money_field, timestamp_field


class InvoiceSchedule(SQLModel, table=True):
    __tablename__ = "invoice_schedule"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "project_id"], ["project.account_id", "project.id"]),
        Index("ix_invoice_schedule_project", "account_id", "project_id"),
        Index("uq_invoice_schedule_number", "account_id", "number", unique=True),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    project_id: str = id_field()
    number: str = Field(max_length=20)
    notes: str | None = Field(default=None, max_length=2000)
    total_amount: int = money_field()
    invoice_separately: bool = Field(default=True)
    paused: bool = Field(default=False)
    created_at: datetime = timestamp_field()


class InvoiceScheduleItem(SQLModel, table=True):
    __tablename__ = "invoice_schedule_item"
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "schedule_id"], ["invoice_schedule.account_id", "invoice_schedule.id"]
        ),
        ForeignKeyConstraint(
            ["account_id", "milestone_id"], ["milestone.account_id", "milestone.id"]
        ),
        Index("ix_invoice_schedule_item_schedule", "account_id", "schedule_id", "sequence"),
        Index("uq_invoice_schedule_item_milestone", "account_id", "milestone_id", unique=True),
        Index("ix_invoice_schedule_item_due", "account_id", "status", "run_date"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    schedule_id: str = id_field()
    sequence: int
    name: str = Field(max_length=100)
    percentage: str | None = Field(default=None, max_length=12)
    amount: int = money_field()
    run_date: date | None = date_field()
    milestone_id: str = id_field()
    owns_milestone: bool = Field(
        default=False, description="The milestone was created from this item's trigger text."
    )
    status: str = Field(default="PENDING", max_length=20)
    invoice_id: str | None = id_field(nullable=True)
