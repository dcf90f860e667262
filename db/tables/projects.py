"""Projects and their milestones (billing points)."""

from datetime import date, datetime

from sqlalchemy import ForeignKeyConstraint, Index
from sqlmodel import Field, SQLModel

from db.tables._columns import date_field, id_field, money_field, timestamp_field


class Project(SQLModel, table=True):
    __tablename__ = "project"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "client_id"], ["client.account_id", "client.id"]),
        Index("ix_project_page", "account_id", "created_at", "id"),
        Index("ix_project_client", "account_id", "client_id", "created_at", "id"),
        Index("ix_project_name", "account_id", "name", "id"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    name: str = Field(max_length=200)
    client_id: str = id_field()
    client_name: str = Field(
        max_length=200, description="The client's name, kept in step when the client is renamed."
    )
    currency: str = Field(max_length=3)
    contract_value: int | None = money_field(nullable=True)
    payment_terms_days: int = Field(default=14)
    created_at: datetime = timestamp_field()
    search_text: str = Field(
        default="", max_length=410, description="name and client name folded (domain/search.py)"
    )


class Milestone(SQLModel, table=True):
    __tablename__ = "milestone"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "project_id"], ["project.account_id", "project.id"]),
        Index("ix_milestone_project", "account_id", "project_id", "position"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    project_id: str = id_field()
    name: str = Field(max_length=100)
    trigger: str | None = Field(default=None, max_length=500)
    position: int
    amount: int = money_field(default=0)
    planned_on: date | None = date_field()
    completed_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
