"""Automatic persisted queries: a query's text under its SHA-256, per account."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from db.tables._columns import timestamp_field


class PersistedQuery(SQLModel, table=True):
    """A GraphQL document an account registered by Apollo's persisted-query protocol.

    Kept per account: a document's literals can name a customer, and a store shared by every
    account would tell one account (by a hit on the hash alone) that another sent that exact
    text. Under Citus it is distributed by account_id like the account's other rows.
    """

    __tablename__ = "persisted_query"
    # The oldest of an account's documents go first when it registers past its limit.
    __table_args__ = (Index("ix_persisted_query_age", "account_id", "created_at", "sha256"),)

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    sha256: str = Field(primary_key=True, max_length=64)
    query: str
    created_at: datetime = timestamp_field()
