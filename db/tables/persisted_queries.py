"""Automatic persisted queries: a query's text under its SHA-256, shared by every process."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from db.tables._columns import timestamp_field


class PersistedQuery(SQLModel, table=True):
    """A GraphQL document registered by Apollo's persisted-query protocol.

    Not an account's data: the hash is of the text, so whoever knows the hash knows the text.
    Under Citus it is a reference table.
    """

    __tablename__ = "persisted_query"

    sha256: str = Field(primary_key=True, max_length=64)
    query: str
    created_at: datetime = timestamp_field()
