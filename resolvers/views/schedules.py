"""Read models of invoice schedules and their items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.money import CURRENCY_EXPONENTS, Money
from domain.schedules.rules import ItemStatus, ScheduleStatus, schedule_status

# A dict lookup per row: calling the Enum class costs microseconds a value.
ITEM_STATUSES = {status.value: status for status in ItemStatus}


@dataclass(slots=True)
class ScheduleView:
    id: str
    project_id: str
    number: str
    status: ScheduleStatus
    notes: str | None
    currency: str
    total_amount: Money
    billed_amount: Money
    unbilled_amount: Money
    next_run_date: date | None
    invoice_separately: bool
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ScheduleView:
        exponent = CURRENCY_EXPONENTS[row.currency]
        total, billed = int(row.total_amount), int(row.billed)
        return cls(
            id=row.id,
            project_id=row.project_id,
            number=row.number,
            status=schedule_status(
                paused=bool(row.paused),
                processed=int(row.processed_count),
                items=int(row.item_count),
            ),
            notes=row.notes,
            currency=row.currency,
            total_amount=Money(total, exponent),
            billed_amount=Money(billed, exponent),
            unbilled_amount=Money(total - billed, exponent),
            next_run_date=row.next_run_date,
            invoice_separately=bool(row.invoice_separately),
            created_at=row.created_at,
        )


@dataclass(slots=True)
class ScheduleItemView:
    id: str
    schedule_id: str
    sequence: int
    name: str
    percentage: str | None
    amount: Money
    run_date: date | None
    status: ItemStatus
    milestone_id: str
    invoice_id: str | None

    @classmethod
    def from_row(cls, row: Any) -> ScheduleItemView:
        return cls(
            id=row.id,
            schedule_id=row.schedule_id,
            sequence=row.sequence,
            name=row.name,
            percentage=None if row.percentage is None else _plain(row.percentage),
            amount=Money(int(row.amount), CURRENCY_EXPONENTS[row.currency]),
            run_date=row.run_date,
            status=ITEM_STATUSES[row.status],
            milestone_id=row.milestone_id,
            invoice_id=row.invoice_id,
        )


def _plain(percentage: str) -> str:
    """Return a percentage as written without trailing zeros: "25", "33.33"."""
    value = Decimal(percentage).normalize()
    return f"{value:f}"
