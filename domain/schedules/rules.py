"""Pure rules of an invoice schedule: item amounts from percentages or amounts, and their order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.errors import DomainError, ErrorCode
from domain.money import parse_amount, parse_percentage, split_by_weights
from domain.validation import clean_text, required_text

MAX_ITEMS = 50
HUNDRED = Decimal(100)


class ScheduleStatus(StrEnum):
    PENDING = "PENDING"
    PARTIALLY_PROCESSED = "PARTIALLY_PROCESSED"
    FULLY_PROCESSED = "FULLY_PROCESSED"
    PAUSED = "PAUSED"


class ItemStatus(StrEnum):
    PENDING = "PENDING"
    PROCESSED = "PROCESSED"


@dataclass(frozen=True)
class ItemInput:
    name: str
    percentage: str | int | None = None
    amount: str | int | None = None
    run_date: date | None = None
    milestone_id: str | None = None
    trigger: str | None = None


@dataclass(frozen=True)
class PlannedItem:
    name: str
    amount: int
    percentage: Decimal | None
    run_date: date | None
    milestone_id: str | None
    trigger: str | None


@dataclass(frozen=True)
class ProcessedPart:
    """What the processed items of a schedule already took, for an update of the rest."""

    amount: int = 0
    percentage: Decimal = Decimal(0)
    by_percentage: bool | None = None
    last_run_date: date | None = None


def schedule_status(*, paused: bool, processed: int, items: int) -> ScheduleStatus:
    """Return PAUSED, or how far the schedule's items have been processed."""
    if paused:
        return ScheduleStatus.PAUSED
    if items and processed == items:
        return ScheduleStatus.FULLY_PROCESSED
    return ScheduleStatus.PARTIALLY_PROCESSED if processed else ScheduleStatus.PENDING


def _is_zero(value: str | int) -> bool:
    try:
        return Decimal(str(value).strip()) == 0
    except InvalidOperation:
        return False


def plan_items(
    *,
    total: int,
    exponent: int,
    items: Sequence[ItemInput],
    processed: ProcessedPart | None = None,
) -> list[PlannedItem]:
    """Return the items with their amounts in minor units, or raise the rule they break."""
    done = processed or ProcessedPart()
    if not items:
        raise DomainError(ErrorCode.INVALID, "items", "A schedule needs at least one item.")
    if len(items) > MAX_ITEMS:
        raise DomainError(ErrorCode.TOO_MANY_ITEMS, "items", f"At most {MAX_ITEMS} items.")
    by_percentage = done.by_percentage
    for index, item in enumerate(items):
        path = ["items", str(index)]
        required_text(item.name, field=[*path, "name"], max_length=100)
        if (item.percentage is None) == (item.amount is None):
            raise DomainError(ErrorCode.INVALID, path, "Give exactly one of percentage or amount.")
        if (item.milestone_id is None) == (item.trigger is None):
            raise DomainError(
                ErrorCode.INVALID, path, "Give exactly one of milestoneId or trigger."
            )
        clean_text(item.trigger, field=[*path, "trigger"], max_length=500, required=False)
        uses_percentage = item.percentage is not None
        if by_percentage is None:
            by_percentage = uses_percentage
        elif by_percentage != uses_percentage:
            raise DomainError(
                ErrorCode.INVALID, path, "All items of a schedule use percentages, or all amounts."
            )
        value = item.percentage if uses_percentage else item.amount
        if value is not None and not isinstance(value, bool) and _is_zero(value):
            raise DomainError(ErrorCode.ZERO_AMOUNT_ITEM, path, "An item of 0 is not allowed.")
    remaining = total - done.amount
    if by_percentage:
        amounts, percentages = _from_percentages(items, remaining, done.percentage)
    else:
        amounts, percentages = _from_amounts(items, remaining, exponent), [None] * len(items)
    for index, amount in enumerate(amounts):
        if amount == 0:
            raise DomainError(
                ErrorCode.ZERO_AMOUNT_ITEM,
                ["items", str(index)],
                "This percentage of the total rounds to 0 in the currency's minor unit.",
            )
    _check_run_dates(items, done.last_run_date)
    return [
        PlannedItem(
            name=(item.name or "").strip(),
            amount=amount,
            percentage=percentage,
            run_date=item.run_date,
            milestone_id=item.milestone_id,
            trigger=(item.trigger or "").strip() or None,
        )
        for item, amount, percentage in zip(items, amounts, percentages, strict=True)
    ]


def _from_percentages(
    items: Sequence[ItemInput], remaining: int, processed_percentage: Decimal
) -> tuple[list[int], list[Decimal | None]]:
    percentages = [
        parse_percentage(item.percentage, field=["items", str(i), "percentage"])  # type: ignore[arg-type]
        for i, item in enumerate(items)
    ]
    if processed_percentage + sum(percentages) != HUNDRED:
        raise DomainError(
            ErrorCode.PERCENTAGES_MUST_TOTAL_100,
            "items",
            f"Percentages add up to {processed_percentage + sum(percentages)}, not exactly 100.",
        )
    return split_by_weights(remaining, percentages), list(percentages)


def _from_amounts(items: Sequence[ItemInput], remaining: int, exponent: int) -> list[int]:
    amounts = [
        parse_amount(item.amount, exponent=exponent, field=["items", str(i), "amount"])  # type: ignore[arg-type]
        for i, item in enumerate(items)
    ]
    if sum(amounts) != remaining:
        raise DomainError(
            ErrorCode.AMOUNTS_MUST_TOTAL_SCHEDULE,
            "items",
            "Item amounts must add up exactly to the schedule's total "
            "(less what its processed items billed).",
        )
    return amounts


def _check_run_dates(items: Sequence[ItemInput], last_processed: date | None) -> None:
    previous, undated_seen = last_processed, False
    for index, item in enumerate(items):
        field = ["items", str(index), "runDate"]
        if item.run_date is None:
            undated_seen = True
            continue
        if undated_seen:
            raise DomainError(
                ErrorCode.RUN_DATES_OUT_OF_ORDER,
                field,
                "An item after one without a run date cannot have a run date.",
            )
        if previous is not None and item.run_date <= previous:
            raise DomainError(
                ErrorCode.RUN_DATES_OUT_OF_ORDER, field, "Run dates must be strictly increasing."
            )
        previous = item.run_date
