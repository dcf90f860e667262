"""Column helpers shared by every table: money is BIGINT minor units, ids are short text."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

ID_LENGTH = 40


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is stored in UTC and always read back timezone-aware (SQLite forgets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def id_field(*, primary_key: bool = False, nullable: bool = False) -> Any:
    return Field(
        default=None if nullable else ...,
        primary_key=primary_key,
        sa_type=String(ID_LENGTH),
        nullable=nullable,
    )


def money_field(*, nullable: bool = False, default: int | None = None) -> Any:
    if nullable:
        return Field(default=None, sa_type=BigInteger, nullable=True)
    return Field(default=default if default is not None else ..., sa_type=BigInteger)


def timestamp_field(*, nullable: bool = False) -> Any:
    return Field(default=None if nullable else ..., sa_type=UTCDateTime, nullable=nullable)
