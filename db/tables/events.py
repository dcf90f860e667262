"""The outbox of changes (events) and the webhooks that deliver them to partners."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, Text
from sqlmodel import Field, SQLModel

from db.tables._columns import id_field, timestamp_field


class Event(SQLModel, table=True):
    """One change, written in the transaction that made it; `sequence` is its commit order."""

    __tablename__ = "event"
    __table_args__ = (
        Index("uq_event_sequence", "account_id", "sequence", unique=True),
        Index("ix_event_object", "account_id", "object_id", "sequence"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    sequence: int = Field(sa_type=BigInteger)
    type: str = Field(max_length=60)
    object_id: str = id_field()
    occurred_at: datetime = timestamp_field()
    data: str = Field(sa_type=Text)


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    url: str = Field(max_length=2000)
    description: str | None = Field(default=None, max_length=500)
    event_types: str = Field(sa_type=Text, description="JSON list; empty means every type.")
    secret: str = Field(max_length=100)
    enabled: bool = Field(default=True)
    failing_since: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()


class WebhookDelivery(SQLModel, table=True):
    """One event on its way to one endpoint; `attempts` counts the tries begun."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "endpoint_id"], ["webhook_endpoint.account_id", "webhook_endpoint.id"]
        ),
        ForeignKeyConstraint(["account_id", "event_id"], ["event.account_id", "event.id"]),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_endpoint", "account_id", "endpoint_id", "created_at", "id"),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    endpoint_id: str = id_field()
    event_id: str = id_field()
    status: str = Field(default="PENDING", max_length=20)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = timestamp_field()
    created_at: datetime = timestamp_field()


class WebhookAttempt(SQLModel, table=True):
    """One try at a delivery: the answer's status code, or why there was none."""

    __tablename__ = "webhook_attempt"
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "delivery_id"], ["webhook_delivery.account_id", "webhook_delivery.id"]
        ),
        Index("ix_webhook_attempt_delivery", "account_id", "delivery_id", "number", unique=True),
    )

    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=40)
    id: str = id_field(primary_key=True)
    delivery_id: str = id_field()
    number: int
    attempted_at: datetime = timestamp_field()
    status_code: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=500)
