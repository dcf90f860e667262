"""Tenants, their API keys, and per-account number counters."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from db.tables._columns import id_field, timestamp_field


class Account(SQLModel, table=True):
    __tablename__ = "account"

    id: str = id_field(primary_key=True)
    name: str = Field(max_length=200)
    created_at: datetime = timestamp_field()


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"
    __table_args__ = (Index("ix_api_key_key_hash", "key_hash", unique=True),)

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    key_hash: str = Field(max_length=64)
    role: str = Field(max_length=10)
    created_at: datetime = timestamp_field()


class AccountCounter(SQLModel, table=True):
    """The last number handed out per account and series, so numbering stays gapless."""

    __tablename__ = "account_counter"

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    series: str = Field(primary_key=True, max_length=20)
    value: int = Field(default=0)


class IdempotencyRecord(SQLModel, table=True):
    """The first response to a mutation sent with an idempotency key."""

    __tablename__ = "idempotency_record"
    __table_args__ = (Index("ix_idempotency_record_expires_at", "expires_at"),)

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    key: str = Field(primary_key=True, max_length=255)
    operation: str = Field(max_length=100)
    request_hash: str = Field(max_length=64)
    response: str
    created_at: datetime = timestamp_field()
    expires_at: datetime = timestamp_field()
