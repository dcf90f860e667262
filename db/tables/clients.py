"""Clients: the customers who pay for projects and to whom credit belongs."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from db.tables._columns import id_field, timestamp_field


class Client(SQLModel, table=True):
    __tablename__ = "client"
    __table_args__ = (
        # One client per exact name in an account: createProject(clientName) finds it by name.
        Index("uq_client_name", "account_id", "name", unique=True),
        Index("ix_client_page", "account_id", "created_at", "id"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    created_at: datetime = timestamp_field()
