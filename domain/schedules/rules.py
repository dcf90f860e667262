"""Pure rules of an invoice schedule: item amounts from percentages or amounts, and their order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.errors import DomainError, ErrorCode, ErrorCollector
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
    """Return the items with their amounts in minor units, or raise every rule they break."""
    done = processed or ProcessedPart()
    if not items:
        raise DomainError(ErrorCode.INVALID, "items", "A schedule needs at least one item.")
    if len(items) > MAX_ITEMS:
        raise DomainError(ErrorCode.TOO_MANY_ITEMS, "items", f"At most {MAX_ITEMS} items.")
    by_percentage = done.by_percentage
    if by_percentage is None:  # the first item that says which decides
        by_percentage = next(
            (
                i.percentage is not None
                for i in items
                if (i.percentage is None) != (i.amount is None)
            ),
            False,
        )
    problems = ErrorCollector()
    values: list[Decimal | int] = []
    for index, item in enumerate(items):
        try:
            values.append(_check_item(item, index, by_percentage=by_percentage, exponent=exponent))
        except DomainError as error:
            problems.add(error)
    try:
        _check_run_dates(items, done.last_run_date)
    except DomainError as error:
        problems.add(error)
    problems.raise_any()
    remaining = total - done.amount
    if by_percentage:
        percentages = [Decimal(value) for value in values]
        amounts = _from_percentages(percentages, remaining, done.percentage)
    else:
        amounts, percentages = _from_amounts([int(v) for v in values], remaining), []
    for index, amount in enumerate(amounts):
        if amount == 0:
            problems.add(
                DomainError(
                    ErrorCode.ZERO_AMOUNT_ITEM,
                    ["items", str(index)],
                    "This percentage of the total rounds to 0 in the currency's minor unit.",
                )
            )
    problems.raise_any()
    return [
        PlannedItem(
            name=(item.name or "").strip(),
            amount=amount,
            percentage=percentages[index] if by_percentage else None,
            run_date=item.run_date,
            milestone_id=item.milestone_id,
            trigger=(item.trigger or "").strip() or None,
        )
        for index, (item, amount) in enumerate(zip(items, amounts, strict=True))
    ]


def _check_item(
    item: ItemInput, index: int, *, by_percentage: bool, exponent: int
) -> Decimal | int:
    """Return the item's percentage or amount (minor units), or raise every rule it breaks."""
    path = ["items", str(index)]
    problems = ErrorCollector()

    def check(rule: Callable[[], Decimal | int | str | None]) -> Decimal | int | None:
        try:
            value = rule()
            return value if isinstance(value, Decimal | int) else None
        except DomainError as error:
            problems.add(error)
            return None

    check(lambda: required_text(item.name, field=[*path, "name"], max_length=100))
    if (item.milestone_id is None) == (item.trigger is None):
        problems.add(
            DomainError(ErrorCode.INVALID, path, "Give exactly one of milestoneId or trigger.")
        )
    check(
        lambda: clean_text(item.trigger, field=[*path, "trigger"], max_length=500, required=False)
    )
    value: Decimal | int | None = None
    if (item.percentage is None) == (item.amount is None):
        problems.add(
            DomainError(ErrorCode.INVALID, path, "Give exactly one of percentage or amount.")
        )
    elif by_percentage != (item.percentage is not None):
        problems.add(
            DomainError(
                ErrorCode.INVALID, path, "All items of a schedule use percentages, or all amounts."
            )
        )
    elif _is_zero(item.percentage if by_percentage else item.amount):  # type: ignore[arg-type]
        problems.add(DomainError(ErrorCode.ZERO_AMOUNT_ITEM, path, "An item of 0 is not allowed."))
    elif by_percentage:
        value = check(lambda: parse_percentage(item.percentage, field=[*path, "percentage"]))  # type: ignore[arg-type]
    else:
        value = check(
            lambda: parse_amount(item.amount, exponent=exponent, field=[*path, "amount"])  # type: ignore[arg-type]
        )
    problems.raise_any()
    assert value is not None  # a refused value raised above
    return value


def _from_percentages(
    percentages: Sequence[Decimal], remaining: int, processed_percentage: Decimal
) -> list[int]:
    if processed_percentage + sum(percentages) != HUNDRED:
        raise DomainError(
            ErrorCode.PERCENTAGES_MUST_TOTAL_100,
            "items",
            f"Percentages add up to {processed_percentage + sum(percentages)}, not exactly 100.",
        )
    return split_by_weights(remaining, percentages)


def _from_amounts(amounts: Sequence[int], remaining: int) -> list[int]:
    if sum(amounts) != remaining:
        raise DomainError(
            ErrorCode.AMOUNTS_MUST_TOTAL_SCHEDULE,
            "items",
            "Item amounts must add up exactly to the schedule's total "
            "(less what its processed items billed).",
        )
    return list(amounts)


def _check_run_dates(items: Sequence[ItemInput], last_processed: date | None) -> None:
    """Raise every item whose run date is out of order: each is checked against the latest
    date before it, so one early date does not hide the next."""
    problems = ErrorCollector()
    latest, undated_seen = last_processed, False
    for index, item in enumerate(items):
        field = ["items", str(index), "runDate"]
        if item.run_date is None:
            undated_seen = True
        elif undated_seen:
            problems.add(
                DomainError(
                    ErrorCode.RUN_DATES_OUT_OF_ORDER,
                    field,
                    "An item after one without a run date cannot have a run date.",
                )
            )
        elif latest is not None and item.run_date <= latest:
            problems.add(
                DomainError(
                    ErrorCode.RUN_DATES_OUT_OF_ORDER,
                    field,
                    "Run dates must be strictly increasing.",
                )
            )
        else:
            latest = item.run_date
    problems.raise_any()
