"""Column helpers shared by every table: money is BIGINT minor units, ids are short text."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

ID_LENGTH = 40
SQLITE_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f"  # what SQLAlchemy's SQLite DATETIME stores


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    On SQLite it is the text SQLAlchemy's DATETIME stores, converted in one step each way
    (the generic chain of processors costs microseconds a value, which adds up over the
    thousands of rows a nested query returns).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)

        return process

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return lambda value: self.process_bind_param(value, dialect)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        utc = value.astimezone(UTC)
        return (
            utc.replace(tzinfo=None).strftime(SQLITE_TIMESTAMP) if dialect.name == "sqlite" else utc
        )

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class DateColumn(TypeDecorator[date]):
    """A calendar date; ISO text on SQLite, read with `date.fromisoformat`."""

    impl = Date
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return lambda value: None if value is None else date.fromisoformat(value)

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return lambda value: None if value is None else value.isoformat()

    def process_bind_param(self, value: date | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.isoformat() if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        if value is None or isinstance(value, date):
            return value
        return date.fromisoformat(value)


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


def date_field(*, nullable: bool = True) -> Any:
    return Field(default=None if nullable else ..., sa_type=DateColumn, nullable=nullable)
